"""Each error path raises the documented exception, with the C library's
status string and the argument at fault in the message, and leaves ``out``
untouched."""

import numpy as np
import pytest

import nonlin
from nonlin import _capi, _table
from nonlin._errors import Status, error, status_string

SENTINEL = 7.0
ELEMENTWISE = [op for op in _table.OPS if op.kind in (_table.UNARY, _table.UNARY_BACKWARD)]
ALONG_AXIS = [op for op in _table.OPS if op.kind in (_table.AXIS, _table.AXIS_BACKWARD)]


def c_string(status):
    """The status string straight from the C library."""
    return _capi.lib.nonlin_status_string(int(status)).decode()


def arity(op):
    return 1 if op.forward is None else 2


def sentinel(shape):
    return np.full(shape, SENTINEL, np.float32)


def test_status_strings_are_the_c_librarys():
    for status in Status:
        assert status_string(status) == c_string(status)
    assert status_string(99) == "unknown status"


@pytest.mark.parametrize("op", _table.OPS, ids=lambda op: op.name)
def test_out_of_another_shape_is_refused_before_the_call(op):
    inputs = [np.ones((4, 5), np.float32)] * arity(op)
    out = sentinel((5, 4))
    with pytest.raises(ValueError, match=r"nonlin\.%s: argument 'out' has shape \(5, 4\)"
                       % op.name):
        getattr(nonlin, op.name)(*inputs, out=out)
    assert (out == SENTINEL).all()


@pytest.mark.parametrize("op", [op for op in _table.OPS if op.forward], ids=lambda op: op.name)
def test_inputs_of_different_shapes_are_refused(op):
    with pytest.raises(ValueError, match="argument 'dy' has shape"):
        getattr(nonlin, op.name)(np.ones(4, np.float32), np.ones(5, np.float32))


@pytest.mark.parametrize("op", _table.OPS, ids=lambda op: op.name)
def test_partial_overlap_is_a_value_error_and_writes_nothing(op):
    """The C library checks overlap; the buffer must come back unchanged."""
    base = np.arange(12, dtype=np.float32) / 12
    before = base.copy()
    inputs = [base[:8]] + [base[:8].copy()] * (arity(op) - 1)
    with pytest.raises(ValueError) as info:
        getattr(nonlin, op.name)(*inputs, out=base[4:12])
    assert info.value.status == Status.OVERLAP
    assert c_string(Status.OVERLAP) in str(info.value)
    assert "argument 'out'" in str(info.value)
    np.testing.assert_array_equal(base, before)


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.complex64, np.longdouble])
@pytest.mark.parametrize("op", _table.OPS, ids=lambda op: op.name)
def test_other_floating_dtypes_are_refused_not_cast(op, dtype):
    if dtype is np.float16:
        pytest.skip("every table function computes in float16 (test_half.py)")
    x = np.ones(6, dtype)
    with pytest.raises(TypeError, match="argument '(x|y)' has dtype"):
        getattr(nonlin, op.name)(*[x] * arity(op))
    out = np.zeros(6, dtype)
    with pytest.raises(TypeError, match="argument 'out' has dtype"):
        getattr(nonlin, op.name)(*[np.ones(6, np.float32)] * arity(op), out=out)


def test_read_only_out_is_refused():
    out = np.zeros(3, np.float32)
    out.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        nonlin.sigmoid(np.ones(3, np.float32), out=out)


def test_unconvertible_arguments_are_type_errors():
    with pytest.raises(TypeError, match="argument 'x'"):
        nonlin.sigmoid(object())
    with pytest.raises(TypeError, match="argument 'x'"):
        nonlin.tanh(["a", None])
    with pytest.raises(TypeError, match="argument 'out'"):
        nonlin.tanh([1.0], out=[0.0])


@pytest.mark.parametrize("op", ALONG_AXIS, ids=lambda op: op.name)
def test_bad_axes(op):
    fn = getattr(nonlin, op.name)
    x = [np.ones((2, 3), np.float32)] * arity(op)
    for axis in (2, -3):
        with pytest.raises(ValueError, match="axis %d is out of bounds for array of dimension 2"
                           % axis):
            fn(*x, axis=axis)
    with pytest.raises(TypeError, match="axis"):
        fn(*x, axis=1.0)
    with pytest.raises(ValueError, match="axis"):
        fn(*[np.float32(1.0)] * arity(op))
    # An empty axis is not an error (test_axes.py).


def test_bad_targets_name_the_row_and_write_nothing():
    logits = np.zeros((4, 3), np.float32)
    for bad, row in (([0, 1, 3, 0], 2), ([0, -2, 1, 1], 1)):
        with pytest.raises(ValueError) as info:
            nonlin.cross_entropy(logits, bad, return_grad=True)
        assert info.value.status == Status.BAD_TARGET
        assert c_string(Status.BAD_TARGET) in str(info.value)
        assert "argument 'target': row %d has class %d" % (row, bad[row]) in str(info.value)
        with pytest.raises(ValueError, match="row %d" % row):
            nonlin.nll_loss(logits, bad)
        out = sentinel((4, 3))
        with pytest.raises(ValueError, match="row %d" % row):
            nonlin.nll_loss_backward(bad, 1.0, 3, out=out)
        assert (out == SENTINEL).all()


def test_loss_argument_checks():
    logits = np.zeros((4, 3), np.float32)
    target = [0, 1, 2, 0]
    with pytest.raises(ValueError) as info:
        nonlin.nll_loss(logits, target, reduction="avg")
    assert info.value.status == Status.BAD_ARGUMENT and "argument 'reduction'" in str(info.value)
    with pytest.raises(ValueError, match="ignore_index"):
        nonlin.cross_entropy(logits, target, ignore_index=2**63)
    with pytest.raises(ValueError, match="must be 2-D"):
        nonlin.cross_entropy(np.zeros(3, np.float32), [0])
    with pytest.raises(ValueError, match=r"argument 'target' has shape \(3,\), expected \(4,\)"):
        nonlin.cross_entropy(logits, [0, 1, 2])
    with pytest.raises(TypeError, match="class indices must be integers"):
        nonlin.cross_entropy(logits, np.array([0.0, 1.0, 2.0, 0.0]))
    with pytest.raises(TypeError, match="class indices must be integers"):
        nonlin.cross_entropy(logits, [True, False, True, False])
    with pytest.raises(ValueError) as info:  # no classes, but rows: the C library's check
        nonlin.cross_entropy(np.zeros((2, 0), np.float32), [0, 0])
    assert info.value.status == Status.BAD_SHAPE and "argument 'logits'" in str(info.value)
    with pytest.raises(ValueError, match="argument 'dloss'"):
        nonlin.nll_loss_backward(target, [1.0, 2.0], 3, reduction="mean")


def test_runtime_argument_checks():
    before = nonlin.isa()
    with pytest.raises(RuntimeError) as info:
        nonlin.set_isa("no-such-isa")
    assert info.value.status == Status.BAD_ARGUMENT
    assert "argument 'name'" in str(info.value) and c_string(Status.BAD_ARGUMENT) in str(
        info.value)
    assert nonlin.isa() == before
    with pytest.raises(TypeError):
        nonlin.set_isa(2)
    with pytest.raises(RuntimeError, match="argument 'n'"):
        nonlin.set_num_threads(-1)


def test_statuses_map_to_the_documented_exceptions():
    expected = {Status.BAD_SHAPE: ValueError, Status.OVERLAP: ValueError,
                Status.BAD_TARGET: ValueError, Status.BAD_ARGUMENT: RuntimeError,
                Status.UNSUPPORTED: RuntimeError, Status.NULL_POINTER: RuntimeError,
                99: RuntimeError}
    for status, kind in expected.items():
        exc = error(status, "nonlin.f", "x", "detail")
        assert type(exc) is kind and exc.status == status
        assert str(exc) == "nonlin.f: %s (argument 'x': detail)" % c_string(status)



@pytest.mark.parametrize("make", [
    lambda v: np.array(v, np.uint64),
    lambda v: [int(x) for x in v],
    lambda v: memoryview(np.array(v, np.uint64)),
], ids=["uint64 array", "list", "uint64 buffer"])
def test_targets_beyond_int64_are_value_errors_naming_the_value(make):
    """2**64 - 100 would wrap to -100, the default ignore_index."""
    lp = nonlin.log_softmax(np.zeros((2, 3), np.float32))
    for fn in (lambda t: nonlin.nll_loss(lp, t, reduction="none"),
               lambda t: nonlin.cross_entropy(lp, t, reduction="none")):
        with pytest.raises(ValueError, match=str(2 ** 64 - 100)):
            fn(make([0, 2 ** 64 - 100]))
    # uint64 values that fit are fine.
    assert nonlin.nll_loss(lp, np.array([0, 2], np.uint64), reduction="sum") == \
        pytest.approx(-float(lp[0, 0] + lp[1, 2]))


def test_numbers_beyond_float_are_value_errors():
    with pytest.raises(ValueError, match="argument 'x'"):
        nonlin.sigmoid(10 ** 400)
    with pytest.raises(ValueError, match="argument 'x'"):
        nonlin.sigmoid([1.0, 10 ** 400])
    with pytest.raises(ValueError, match="negative_slope"):
        nonlin.leaky_relu(np.ones(3, np.float32), negative_slope=10 ** 400)


def test_an_isa_name_with_a_nul_is_refused():
    before = nonlin.isa()
    with pytest.raises(Exception) as info:
        nonlin.set_isa("avx2\0x")
    assert info.value.status == Status.BAD_ARGUMENT
    assert nonlin.isa() == before


def test_bool_is_not_an_axis():
    with pytest.raises(TypeError, match="bool"):
        nonlin.softmax(np.ones((2, 3), np.float32), axis=True)
