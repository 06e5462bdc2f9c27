"""The 16-bit path: float16 arrays to the _f16 functions, uint16 bfloat16
bits with dtype="bfloat16" to the _bf16 ones, without a copy; each result
is the float32 result rounded once to nearest even (numpy's float16
rounding is round-to-nearest-even, so it serves as the reference there)."""

import numpy as np
import pytest

import nonlin
from nonlin import _table

ELEMENTWISE = [op for op in _table.OPS if op.kind == _table.UNARY]
BACKWARD = [op for op in _table.OPS if op.kind == _table.UNARY_BACKWARD]


def bf16_to_f32(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def f32_to_bf16(x):
    """Round to nearest even on the bits (finite and infinite x only)."""
    b = x.view(np.uint32).astype(np.uint64)
    return ((b + 0x7FFF + ((b >> 16) & 1)) >> 16).astype(np.uint16)


X = np.linspace(-6, 6, 101, dtype=np.float32)


@pytest.mark.parametrize("op", ELEMENTWISE, ids=lambda op: op.name)
def test_float16_forward_is_the_float32_result_rounded(op):
    fn = getattr(nonlin, op.name)
    x16 = X.astype(np.float16)
    got = fn(x16)
    assert got.dtype == np.float16
    want = fn(x16.astype(np.float32)).astype(np.float16)
    np.testing.assert_array_equal(got.view(np.uint16), want.view(np.uint16))


@pytest.mark.parametrize("op", ELEMENTWISE, ids=lambda op: op.name)
def test_bfloat16_forward_is_the_float32_result_rounded(op):
    fn = getattr(nonlin, op.name)
    bits = f32_to_bf16(X)
    got = fn(bits, dtype="bfloat16")
    assert got.dtype == np.uint16
    want = f32_to_bf16(fn(bf16_to_f32(bits)))
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("op", BACKWARD, ids=lambda op: op.name)
def test_16_bit_backward(op):
    fn = getattr(nonlin, op.name)
    a = (X / 8 + 0.25).astype(np.float16)  # within every output range
    dy = np.full_like(a, 0.75)
    got = fn(a, dy)
    want = fn(a.astype(np.float32), dy.astype(np.float32)).astype(np.float16)
    np.testing.assert_array_equal(got.view(np.uint16), want.view(np.uint16))
    bits = f32_to_bf16(a.astype(np.float32))
    dbits = f32_to_bf16(dy.astype(np.float32))
    got = fn(bits, dbits, dtype="bfloat16")
    want = f32_to_bf16(fn(bf16_to_f32(bits), bf16_to_f32(dbits)))
    np.testing.assert_array_equal(got, want)


def test_zero_copy_and_in_place():
    x = np.linspace(-3, 3, 64).astype(np.float16)
    out = np.empty_like(x)
    assert nonlin.relu(x, out=out) is out
    y = x.copy()
    assert nonlin.relu(y, out=y) is y
    np.testing.assert_array_equal(y, out)
    strided = np.linspace(-3, 3, 128).astype(np.float16)[::2]
    np.testing.assert_array_equal(nonlin.relu(strided), np.maximum(strided, 0))


def test_wrong_types_are_refused():
    with pytest.raises(TypeError, match="bfloat16"):
        nonlin.relu(np.ones(4, np.float16), dtype="bfloat16")
    with pytest.raises(TypeError, match="dtype must be"):
        nonlin.relu(np.ones(4, np.uint16), dtype="int16")
    with pytest.raises(TypeError, match="argument 'out'"):
        nonlin.relu(np.ones(4, np.float16), out=np.ones(4, np.float32))
    with pytest.raises(TypeError, match="argument 'dy'"):
        nonlin.relu_backward(np.ones(4, np.float16), np.ones(4, np.float32))
    with pytest.raises(TypeError):
        nonlin.relu(np.ones(4, np.float64))
    # uint16 without the keyword stays an integer array converted to float32.
    assert nonlin.relu(np.arange(4, dtype=np.uint16)).dtype == np.float32
    with pytest.raises(ValueError):
        nonlin.hardtanh(np.ones(4, np.float16), 1.0, -1.0)


ROWS = [op for op in _table.OPS if op.kind == _table.AXIS]
ROW_BACKWARD = [op for op in _table.OPS if op.kind == _table.AXIS_BACKWARD]
LOGITS = np.random.default_rng(5).normal(0, 3, (6, 11, 3)).astype(np.float32)


@pytest.mark.parametrize("axis", [-1, 1, 0])
@pytest.mark.parametrize("op", ROWS, ids=lambda op: op.name)
def test_16_bit_rows_are_the_float32_results_rounded(op, axis):
    fn = getattr(nonlin, op.name)
    x16 = LOGITS.astype(np.float16)
    got = fn(x16, axis=axis)
    assert got.dtype == np.float16
    want = fn(x16.astype(np.float32), axis=axis).astype(np.float16)
    np.testing.assert_array_equal(got.view(np.uint16), want.view(np.uint16))
    bits = f32_to_bf16(LOGITS)
    got = fn(bits, axis=axis, dtype="bfloat16")
    assert got.dtype == np.uint16
    np.testing.assert_array_equal(got, f32_to_bf16(fn(bf16_to_f32(bits), axis=axis)))
    in_place = x16.copy()
    assert fn(in_place, axis=axis, out=in_place) is in_place
    np.testing.assert_array_equal(in_place.view(np.uint16), want.view(np.uint16))


@pytest.mark.parametrize("op", ROW_BACKWARD, ids=lambda op: op.name)
def test_16_bit_row_backward(op):
    fn, forward = getattr(nonlin, op.name), getattr(nonlin, op.forward)
    y = forward(LOGITS.astype(np.float16), axis=1)
    dy = np.linspace(-2, 2, y.size).reshape(y.shape).astype(np.float16)
    got = fn(y, dy, axis=1)
    want = fn(y.astype(np.float32), dy.astype(np.float32), axis=1).astype(np.float16)
    np.testing.assert_array_equal(got.view(np.uint16), want.view(np.uint16))
    yb, db = f32_to_bf16(y.astype(np.float32)), f32_to_bf16(dy.astype(np.float32))
    got = fn(yb, db, axis=1, dtype="bfloat16")
    np.testing.assert_array_equal(got, f32_to_bf16(fn(bf16_to_f32(yb), bf16_to_f32(db), axis=1)))
    with pytest.raises(TypeError, match="argument 'dy'"):
        fn(y, dy.astype(np.float32))
    with pytest.raises(ValueError, match="shape"):
        fn(y, dy[:, :5])


def _kinds(x32):
    """Per 16-bit type: the keywords that select it, x32 rounded to it, that
    rounded x widened back, and the rounding of a float32 result to it, with
    a view of an array of the type as comparable bits."""
    x16 = x32.astype(np.float16)
    yield ({}, x16, x16.astype(np.float32), lambda r: r.astype(np.float16).view(np.uint16),
           lambda a: a.view(np.uint16))
    bits = f32_to_bf16(x32)
    yield {"dtype": "bfloat16"}, bits, bf16_to_f32(bits), f32_to_bf16, lambda a: a


MASK = np.arange(LOGITS.shape[1]) % 3 != 0  # keeps entries along axis 1 of every row


@pytest.mark.parametrize("name", ["masked_softmax", "masked_log_softmax"])
def test_16_bit_masked_rows_are_the_float32_results_rounded(name):
    fn = getattr(nonlin, name)
    x32 = np.moveaxis(LOGITS, 1, -1).copy()
    for kw, x, wide, rounded, bits in _kinds(x32):
        got = fn(x, MASK, scale=0.5, **kw)
        assert got.dtype == x.dtype and got.shape == x.shape
        np.testing.assert_array_equal(bits(got), rounded(fn(wide, MASK, scale=0.5)))
        in_place = x.copy()
        assert fn(in_place, MASK, scale=0.5, out=in_place, **kw) is in_place
        np.testing.assert_array_equal(bits(in_place), bits(got))


def test_16_bit_logsumexp_and_its_gradient():
    for kw, x, wide, rounded, bits in _kinds(LOGITS):
        y = nonlin.logsumexp(x, axis=1, keepdims=True, **kw)
        assert y.dtype == x.dtype and y.shape == (6, 1, 3)
        np.testing.assert_array_equal(bits(y), rounded(nonlin.logsumexp(wide, axis=1,
                                                                          keepdims=True)))
        dy = np.linspace(-2, 2, y.size, dtype=np.float32).reshape(y.shape)
        dy16 = next(k for k in _kinds(dy) if k[0] == kw)[1]
        y32, dy32 = (a.astype(np.float32) if a.dtype == np.float16 else bf16_to_f32(a)
                     for a in (y, dy16))
        got = nonlin.logsumexp_backward(x, y, dy16, axis=1, **kw)
        assert got.dtype == x.dtype
        np.testing.assert_array_equal(
            bits(got), rounded(nonlin.logsumexp_backward(wide, y32, dy32, axis=1)))
    empty = nonlin.logsumexp(np.zeros((2, 0), np.uint16), dtype="bfloat16")
    np.testing.assert_array_equal(bf16_to_f32(empty), [-np.inf, -np.inf])


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_16_bit_losses_keep_a_float_loss(reduction):
    logits32 = LOGITS.reshape(-1, 11)
    target = np.arange(logits32.shape[0]) % 11
    target[3] = -100  # ignored
    for kw, x, wide, rounded, bits in _kinds(logits32):
        loss, grad = nonlin.cross_entropy(x, target, reduction=reduction, return_grad=True, **kw)
        loss32, grad32 = nonlin.cross_entropy(wide, target, reduction=reduction,
                                              return_grad=True)
        np.testing.assert_array_equal(loss, loss32)  # float, bit for bit
        assert grad.dtype == x.dtype
        np.testing.assert_array_equal(bits(grad), rounded(grad32))
        nll = nonlin.nll_loss(x, target, reduction=reduction, **kw)
        np.testing.assert_array_equal(nll, nonlin.nll_loss(wide, target, reduction=reduction))
    dloss = (np.linspace(0.5, 2, target.size, dtype=np.float32) if reduction == "none"
             else np.float32(1.5))
    want = nonlin.nll_loss_backward(target, dloss, 11, reduction=reduction)
    got = nonlin.nll_loss_backward(target, dloss, 11, reduction=reduction, dtype="float16")
    np.testing.assert_array_equal(got, want.astype(np.float16))
    got = nonlin.nll_loss_backward(target, dloss, 11, reduction=reduction, dtype="bfloat16")
    np.testing.assert_array_equal(got, f32_to_bf16(want))
    out = np.empty((target.size, 11), np.float16)
    assert nonlin.nll_loss_backward(target, dloss, 11, reduction=reduction, out=out) is out
    np.testing.assert_array_equal(out, want.astype(np.float16))


def test_16_bit_rows_refuse_mixed_types():
    x = LOGITS[0].astype(np.float16)
    with pytest.raises(TypeError, match="argument 'out'"):
        nonlin.masked_softmax(x, out=np.empty(x.shape, np.float32))
    with pytest.raises(TypeError, match="argument 'y'"):
        nonlin.logsumexp_backward(x, np.zeros(11, np.float32), np.zeros(11, np.float16), axis=0)
    with pytest.raises(TypeError, match="bfloat16"):
        nonlin.cross_entropy(x, np.zeros(11, np.int64), dtype="bfloat16")
