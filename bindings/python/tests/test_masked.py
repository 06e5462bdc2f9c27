"""nonlin.masked_softmax, masked_log_softmax and logsumexp on numpy arrays,
against float64 references at the header's bounds (ROW_BOUNDS): random,
wide (|x| up to 1e30), masked, fully masked rows in both empty-row modes,
masks used without a copy or expanded, and the errors."""

import numpy as np
import pytest

import nonlin
from nonlin import _registry
from reference import assert_within

BOUNDS = _registry.ROW_BOUNDS


def bound(name):
    return max(BOUNDS[name])


def reference_masked(x, keep, axis, scale, log, zero):
    """softmax (log_softmax) of scale * x over the kept entries, in float64."""
    x = np.moveaxis(np.asarray(x, np.float64), axis, -1)
    keep = np.moveaxis(np.broadcast_to(keep, np.moveaxis(x, -1, axis).shape), axis, -1)
    v = np.where(keep, x, -np.inf)
    nan = (np.isnan(v) | (v == np.inf)).any(-1, keepdims=True)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        m = np.where(nan, 0.0, v).max(-1, keepdims=True)
        empty = ~nan & (m == -np.inf)
        d = scale * (v - np.where(empty, 0.0, m))
        e = np.where(keep, np.exp(d), 0.0)
        s = e.sum(-1, keepdims=True)
        y = np.where(keep, d - np.log(s), -np.inf) if log else e / s
    y = np.where(nan | (empty & (not zero)), np.nan, np.where(empty, 0.0, y))
    return np.moveaxis(y, -1, axis)


def reference_logsumexp(x, axis):
    x = np.asarray(x, np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        m = np.max(np.where(np.isnan(x), -np.inf, x), axis=axis, keepdims=True)
        safe = np.where(np.isfinite(m), m, 0.0)
        y = np.squeeze(safe + np.log(np.exp(x - safe).sum(axis=axis, keepdims=True)), axis)
    y = np.where(np.isinf(np.squeeze(m, axis)), np.squeeze(m, axis), y)
    return np.where(np.isnan(x).any(axis=axis), np.nan, y)


def sample(rng, shape, wide):
    x = rng.normal(0.0, 1e30 if wide else 4.0, shape).astype(np.float32)
    x.reshape(-1)[rng.choice(x.size, x.size // 16, replace=False)] = -np.inf
    return x


CASES = [  # shape, axis, mask shape (None: no mask)
    ((6, 40), -1, (6, 40)),
    ((2, 3, 5, 17), -1, (5, 17)),       # an (L, S) mask over (B, H, L, S): no copy
    ((2, 3, 5, 17), 2, (3, 5, 17)),     # a strided axis
    ((4, 9, 3), 1, (4, 1, 3)),          # expanded to x's shape
    ((3, 1000), -1, None),
    ((2, 70000), -1, (70000,)),         # a long row
]


@pytest.mark.parametrize("shape,axis,mshape", CASES)
@pytest.mark.parametrize("log", [False, True], ids=["softmax", "log_softmax"])
@pytest.mark.parametrize("empty_row", ["nan", "zero"])
@pytest.mark.parametrize("wide", [False, True], ids=["normal", "wide"])
def test_masked_within_bounds(shape, axis, mshape, log, empty_row, wide):
    rng = np.random.default_rng(len(shape) + 7 * log + wide)
    x = sample(rng, shape, wide)
    keep = None if mshape is None else rng.random(mshape) < 0.7
    if keep is not None:
        keep.reshape(-1, keep.shape[-1])[0] = False  # a fully masked row
    for scale in (1.0, 0.125, 3.0):
        fn = nonlin.masked_log_softmax if log else nonlin.masked_softmax
        got = fn(x, keep, axis=axis, scale=scale, empty_row=empty_row)
        want = reference_masked(x, True if keep is None else keep, axis, scale, log,
                                empty_row == "zero")
        name = "masked_log_softmax" if log else "masked_softmax"
        scale_of = np.maximum(np.abs(want), 1.0) if log else want
        assert_within(got, want, bound(name), scale_of, "%s scale %g" % (name, scale))


def test_no_mask_is_the_plain_function():
    x = sample(np.random.default_rng(1), (5, 300), False)
    assert np.array_equal(nonlin.masked_softmax(x), nonlin.softmax(x), equal_nan=True)
    assert np.array_equal(nonlin.masked_log_softmax(x, axis=0), nonlin.log_softmax(x, axis=0),
                          equal_nan=True)


def test_empty_rows():
    x = np.array([[1.0, 2.0, 3.0], [-np.inf] * 3, [np.nan, 1.0, 2.0]], np.float32)
    keep = np.array([[False] * 3, [True] * 3, [True, False, True]])
    for fn, kept in ((nonlin.masked_softmax, 0.0), (nonlin.masked_log_softmax, -np.inf)):
        assert np.isnan(fn(x, keep)).all()
        z = fn(x, keep, empty_row="zero")
        assert (z[:2] == 0).all() and np.isnan(z[2]).all()
        ok = fn(x[:1], np.array([True, False, True]))
        assert ok[0, 1] == kept


def test_logsumexp_within_bound():
    rng = np.random.default_rng(3)
    for shape, axis in (((7, 50), -1), ((3, 20, 9), 1), ((2, 70000), 1)):
        for sigma in (1.0, 30.0, 1e30):
            x = rng.normal(0.0, sigma, shape).astype(np.float32)
            want = reference_logsumexp(x, axis)
            assert_within(nonlin.logsumexp(x, axis=axis), want, bound("logsumexp"),
                          np.maximum(np.abs(want), 1.0), "logsumexp")
            assert nonlin.logsumexp(x, axis=axis, keepdims=True).shape == \
                np.expand_dims(want, axis).shape
            y = nonlin.logsumexp(x, axis=axis)
            dy = rng.normal(0.0, 1.0, y.shape).astype(np.float32)
            grad = nonlin.logsumexp_backward(x, y, dy, axis=axis)
            with np.errstate(over="ignore"):
                want_dx = np.expand_dims(dy, axis).astype(np.float64) * np.exp(
                    x.astype(np.float64) - np.expand_dims(y, axis))
            assert_within(grad, want_dx, bound("logsumexp_backward"), want_dx,
                          "logsumexp_backward")


def test_logsumexp_special_rows():
    x = np.array([[2.5], [-np.inf], [np.inf], [np.nan]], np.float32)
    assert nonlin.logsumexp(x, axis=1).tolist()[:3] == [2.5, -np.inf, np.inf]
    rows = np.array([[-np.inf, -np.inf], [np.inf, 1.0], [np.nan, np.inf], [4.0, 4.0]],
                    np.float32)
    got = nonlin.logsumexp(rows)
    assert got[0] == -np.inf and got[1] == np.inf and np.isnan(got[2])
    assert got[3] == np.float32(4.0 + np.log(2.0))
    assert (nonlin.logsumexp(np.zeros((3, 0), np.float32)) == -np.inf).all()


def test_errors():
    x = np.zeros((4, 3), np.float32)
    with pytest.raises(ValueError, match="empty_row"):
        nonlin.masked_softmax(x, empty_row="zeros")
    for scale in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="scale"):
            nonlin.masked_softmax(x, scale=scale)
    with pytest.raises(ValueError, match="broadcast"):
        nonlin.masked_softmax(x, np.ones((2, 3), bool))
    with pytest.raises(TypeError, match="mask"):
        nonlin.masked_softmax(x, np.ones((4, 3), np.float32))
    with pytest.raises(ValueError):
        nonlin.logsumexp_backward(x, np.zeros(5, np.float32), np.zeros(4, np.float32))
    out = np.full((4, 3), 7.0, np.float32)
    with pytest.raises(ValueError):
        nonlin.masked_softmax(x, scale=-2.0, out=out)
    assert (out == 7.0).all()
