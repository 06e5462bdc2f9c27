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
