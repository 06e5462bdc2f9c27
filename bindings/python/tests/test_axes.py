"""Axes as numpy has them: an axis out of range is numpy's AxisError with
numpy's message, and an axis of length 0 gives an empty result, as numpy
and PyTorch do (softmax over nothing is nothing)."""

import numpy as np
import pytest

import nonlin
from nonlin import _table

ALONG_AXIS = [op for op in _table.OPS if op.kind in (_table.AXIS, _table.AXIS_BACKWARD)]
AXIS_ERROR = getattr(getattr(np, "exceptions", None), "AxisError", None) or np.AxisError


def arity(op):
    return 1 if op.kind == _table.AXIS else 2


@pytest.mark.parametrize("op", ALONG_AXIS, ids=lambda op: op.name)
@pytest.mark.parametrize("axis", [2, -3, 7])
def test_out_of_range_axis_is_numpys_axis_error(op, axis):
    x = [np.ones((2, 3), np.float32)] * arity(op)
    with pytest.raises(AXIS_ERROR) as info:
        getattr(nonlin, op.name)(*x, axis=axis)
    # numpy's own words for the same mistake, after the function's name.
    with pytest.raises(AXIS_ERROR) as numpy_info:
        np.sum(x[0], axis=axis)
    assert str(info.value) == "nonlin.%s: %s" % (op.name, numpy_info.value)
    assert "axis %d is out of bounds for array of dimension 2" % axis in str(info.value)
    assert isinstance(info.value, IndexError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize("op", ALONG_AXIS, ids=lambda op: op.name)
def test_a_0d_input_has_no_axis(op):
    with pytest.raises(AXIS_ERROR, match="axis -1 is out of bounds for array of dimension 0"):
        getattr(nonlin, op.name)(*[np.float32(1.0)] * arity(op))


@pytest.mark.parametrize("op", ALONG_AXIS, ids=lambda op: op.name)
@pytest.mark.parametrize("shape,axis", [((3, 0), 1), ((3, 0), -1), ((0, 4), 0), ((2, 0, 5), 1),
                                        ((0,), 0), ((0, 0), 1)])
def test_an_empty_axis_gives_an_empty_result(op, shape, axis):
    fn = getattr(nonlin, op.name)
    inputs = [np.ones(shape, np.float32)] * arity(op)
    got = fn(*inputs, axis=axis)
    assert isinstance(got, np.ndarray) and got.shape == shape and got.dtype == np.float32
    out = np.empty(shape, np.float32)
    assert fn(*inputs, axis=axis, out=out) is out
    # Lists too, where a list can hold the shape ([[], [], []] but not (0, 0)).
    if np.array(inputs[0].tolist()).shape == shape:
        assert fn(*[x.tolist() for x in inputs], axis=axis).shape == shape


def test_empty_axis_matches_numpy_reference():
    x = np.ones((4, 0), np.float32)
    ref = np.exp(x) / np.sum(np.exp(x), axis=1, keepdims=True)  # numpy: empty, no warning
    assert nonlin.softmax(x, axis=1).shape == ref.shape == (4, 0)


def test_an_empty_axis_still_checks_the_other_arguments():
    x = np.ones((3, 0), np.float32)
    with pytest.raises(ValueError, match="argument 'out' has shape"):
        nonlin.softmax(x, axis=1, out=np.empty((3, 1), np.float32))
    with pytest.raises(ValueError, match="argument 'dy' has shape"):
        nonlin.softmax_backward(x, np.ones((2, 0), np.float32), axis=1)
    with pytest.raises(TypeError, match="float32"):
        nonlin.log_softmax(x.astype(np.float64), axis=1)
