"""Float64 references, tolerances and inputs shared by the numpy tests.

Tolerances are the C header's bounds: ``ulps`` float32 ulp of a per-element
scale (the result itself for most functions). The ulp is that of the exact
scale, so results near a power of two get no extra slack, and subnormal
results are held to the subnormal spacing 2**-149.
"""

import numpy as np

from nonlin import _table

FLT_MAX = float(np.finfo(np.float32).max)
OPS = {op.name: op for op in _table.OPS}


def ulp32(v):
    """The float32 ulp of each |v| (float64 array): 2**(e - 23) for |v| in
    [2**e, 2**(e+1)), 2**-149 below the normal range."""
    v = np.abs(np.asarray(v, np.float64))
    _, e = np.frexp(v)
    ulp = np.ldexp(1.0, np.maximum(e - 1, -126) - 23)
    return np.where(v == 0, 2.0 ** -149, ulp)


def assert_within(got, ref, ulps, scale, what=""):
    """Asserts ``|got - ref| <= ulps * ulp32(scale)`` where ``ref`` is finite,
    and that NaN and infinite results match exactly elsewhere."""
    got = np.asarray(got, np.float64)
    ref = np.asarray(ref, np.float64)
    assert got.shape == ref.shape, (got.shape, ref.shape)
    nan = np.isnan(ref)
    assert np.array_equal(np.isnan(got), nan), "%s: NaN where reference is not, or not " \
        "where it is, at %s" % (what, np.argwhere(np.isnan(got) != nan)[:5].tolist())
    inf = np.isinf(ref)
    assert np.array_equal(got[inf], ref[inf]), "%s: infinities differ" % what
    finite = np.isfinite(ref)
    with np.errstate(invalid="ignore"):
        tol = ulps * ulp32(np.broadcast_to(scale, ref.shape))
        err = np.abs(got - ref)
        bad = finite & ~(err <= tol)
    if bad.any():
        i = np.argwhere(bad)[0]
        k = tuple(i)
        raise AssertionError("%s: %d elements beyond %g ulp; first at %s: got %r, reference "
                             "%r, error %.3g ulp of %r" % (
                                 what, bad.sum(), ulps, i.tolist(), got[k], ref[k],
                                 err[k] / ulp32(np.broadcast_to(scale, ref.shape)[k]),
                                 np.broadcast_to(scale, ref.shape)[k]))


def wide_sample(rng, shape):
    """float32 values over the whole range: mostly moderate, some huge or
    tiny (subnormal too), and the special values when there is room."""
    n = int(np.prod(shape))
    moderate = rng.normal(0.0, 6.0, n)
    magnitude = 10.0 ** rng.uniform(-44, 38, n) * rng.choice([-1.0, 1.0], n)
    x = np.where(rng.random(n) < 0.7, moderate, magnitude).astype(np.float32)
    specials = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, FLT_MAX, -FLT_MAX, 1e-45, -1e-40,
                         88.5, -88.5, 103.0, -104.0, 1e-4, -1e-4], np.float32)
    if n >= 4 * specials.size:
        x[rng.choice(n, specials.size, replace=False)] = specials
    return x.reshape(shape)


def row_sample(rng, shape, axis):
    """float32 logits: normal rows, many shifted far from zero so that the
    maximum subtraction matters, and some -inf entries (probability 0; a
    row of only -inf is NaN in the reference and in the library alike)."""
    x = rng.normal(0.0, 4.0, shape)
    row_shape = list(shape)
    row_shape[axis] = 1
    x += rng.choice([0.0, 0.0, 1e4, -3e4, 1e30], row_shape)
    x = x.astype(np.float32)
    if x.size >= 16:
        x.reshape(-1)[rng.choice(x.size, x.size // 16, replace=False)] = -np.inf
    return x


def evaluate(op, np_inputs, axis=None):
    """The op's float64 reference on float32 inputs, and its bound's scale."""
    args = [np.asarray(a, np.float64) for a in np_inputs]
    extra = {} if op.kind in (_table.UNARY, _table.UNARY_BACKWARD) else {"axis": axis}
    with np.errstate(all="ignore"):
        ref = op.reference(np, *args, **extra)
        scale = op.scale(np, ref, *args, **extra)
    return ref, scale


def inputs_for(op, rng, shape, axis=None):
    """Inputs to call ``op`` with: forward ones sample their domain, backward
    ones take the forward reference rounded to float32 as ``y``."""
    if op.forward is None:
        if op.kind == _table.UNARY:
            return (wide_sample(rng, shape),)
        return (row_sample(rng, shape, axis),)
    forward = OPS[op.forward]
    (x,) = inputs_for(forward, rng, shape, axis)
    if op.from_input:  # the backward takes the forward's input itself
        return (x, rng.normal(0.0, 1.0, shape).astype(np.float32))
    if forward.kind == _table.AXIS:
        x = np.nan_to_num(x, neginf=-50.0)  # keep backward rows finite
    else:
        x = np.clip(np.nan_to_num(x), -30, 30)  # y strictly inside its range too
    y, _ = evaluate(forward, (x,), axis)
    dy = rng.normal(0.0, 1.0, shape).astype(np.float32)
    return (y.astype(np.float32), dy)
