"""The binding with numpy hidden: buffers, lists and scalars only.

Run by test_without_numpy.py in an interpreter where ``import numpy``
fails. References are computed in double with ``math``; the elementwise
ones come from the binding's table, evaluated on Python floats.
"""

import array
import math
import struct
import sys
import types

import pytest

import nonlin
from conftest import ISAS
from nonlin import _table

def f32(v):
    return struct.unpack("f", struct.pack("f", v))[0]


# The numpy functions the table's elementwise references use, on Python
# floats.
SCALAR_NP = types.SimpleNamespace(
    exp=math.exp, expm1=math.expm1, log1p=math.log1p, tanh=math.tanh, abs=abs,
    isnan=math.isnan, isinf=math.isinf, isneginf=lambda v: v == -math.inf,
    where=lambda c, a, b: a if c else b, maximum=max,
    clip=lambda v, lo, hi: min(max(v, lo), hi), sign=lambda v: math.copysign(1.0, v),
    float32=f32, float64=float, inf=math.inf, vectorize=lambda f, otypes=None: f)
ELEMENTWISE = [op for op in _table.OPS if op.kind in (_table.UNARY, _table.UNARY_BACKWARD)]
X = [-20.0, -3.5, -1.0, -0.125, 0.0, 1e-3, 0.5, 2.0, 7.25, 20.0, 3.0, -2.0, 0.75]


def ulp32(v):
    m, e = math.frexp(abs(v))
    return 2.0 ** -149 if v == 0 else math.ldexp(1.0, max(e - 1, -126) - 23)


def assert_close(got, want, ulps):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert abs(g - w) <= ulps * ulp32(w), (g, w)


def test_numpy_is_really_hidden():
    with pytest.raises(ImportError):
        import numpy  # noqa: F401
    assert nonlin._arrays.np is None


@pytest.mark.parametrize("op", ELEMENTWISE, ids=lambda op: op.name)
def test_elementwise_on_array_array(op, isa):
    x = array.array("f", X)
    if op.forward is None:
        inputs = [x]
    else:
        forward = next(o for o in _table.OPS if o.name == op.forward)
        y = x if op.from_input else array.array(
            "f", [f32(forward.reference(SCALAR_NP, v)) for v in x])
        inputs = [y, array.array("f", reversed(X))]
    got = getattr(nonlin, op.name)(*inputs)
    assert isinstance(got, array.array) and got.typecode == "f"
    want = [op.reference(SCALAR_NP, *vals) for vals in zip(*inputs)]
    assert_close(got, want, op.ulps)


def softmax_rows(rows):
    out = []
    for row in rows:
        m = max(row)
        e = [math.exp(v - m) for v in row]
        out.append([v / sum(e) for v in e])
    return out


def test_softmax_on_a_2d_memoryview_along_each_axis():
    flat = array.array("f", X[:12])
    m = memoryview(flat).cast("B").cast("f", (3, 4))
    rows = [list(X[4 * r:4 * r + 4]) for r in range(3)]
    got = nonlin.softmax(m, axis=1)
    assert isinstance(got, array.array) and len(got) == 12
    assert_close(got, [v for row in softmax_rows(rows) for v in row], 4)
    cols = softmax_rows([list(c) for c in zip(*rows)])
    got0 = nonlin.softmax(m, axis=0)
    assert_close(got0, [cols[c][r] for r in range(3) for c in range(4)], 4)


def test_lists_scalars_and_out():
    got = nonlin.log_softmax([[0.0, 0.0], [1.0, 1.0]])
    assert isinstance(got, array.array)
    assert_close(got, [-math.log(2.0)] * 4, 4)
    s = nonlin.sigmoid(0.0)
    assert isinstance(s, float) and s == 0.5
    x = array.array("f", X)
    assert nonlin.tanh(x, out=x) is x
    assert_close(x, [math.tanh(v) for v in X], 2)
    out = memoryview(bytearray(4 * len(X))).cast("f")
    assert nonlin.sigmoid(X, out=out) is out


def test_read_only_and_integer_buffers_are_converted():
    ro = memoryview(array.array("f", X).tobytes()).cast("f")
    assert ro.readonly
    assert_close(nonlin.tanh(ro), [math.tanh(v) for v in X], 2)
    ints = array.array("i", [-2, 0, 3])
    assert_close(nonlin.sigmoid(ints), [1 / (1 + math.exp(-v)) for v in (-2, 0, 3)], 2)


def test_errors_without_numpy():
    with pytest.raises(TypeError, match="format 'd'"):
        nonlin.sigmoid(array.array("d", X))
    out = array.array("f", [7.0] * 3)
    with pytest.raises(ValueError, match="argument 'out' has shape"):
        nonlin.sigmoid(array.array("f", X), out=out)
    assert list(out) == [7.0] * 3
    a = array.array("f", range(12))
    before = list(a)
    with pytest.raises(ValueError, match="overlaps"):
        nonlin.sigmoid(memoryview(a)[:8], out=memoryview(a)[4:])
    assert list(a) == before
    with pytest.raises(ValueError, match="ragged"):
        nonlin.sigmoid([[1.0], [1.0, 2.0]])


def test_losses_without_numpy():
    logits = [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]
    target = array.array("q", [2, 1])
    per_row = [math.log(sum(math.exp(v - 3.0) for v in logits[0])),
               math.log(3.0)]
    loss, grad = nonlin.cross_entropy(logits, target, reduction="none", return_grad=True)
    assert isinstance(loss, array.array) and isinstance(grad, array.array)
    assert_close(loss, per_row, 4)
    mean = nonlin.cross_entropy(logits, [2, 1])
    assert isinstance(mean, float) and abs(mean - sum(per_row) / 2) <= 4 * ulp32(1.0)
    assert nonlin.nll_loss([[-1.0, -2.0]], [1], reduction="sum") == 2.0
    grad = nonlin.nll_loss_backward([1, -100], 1.0, 2)
    assert list(grad) == [0.0, -1.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="row 0 has class 3"):
        nonlin.nll_loss([[0.0, 0.0]], [3])
    with pytest.raises(TypeError, match="integers"):
        nonlin.nll_loss([[0.0, 0.0]], [1.0])


def test_runtime_without_numpy():
    assert nonlin.version() == "%d.%d.%d" % nonlin.version_info
    assert nonlin.isa() in ISAS
    assert "numpy" not in sys.modules or sys.modules["numpy"] is None
