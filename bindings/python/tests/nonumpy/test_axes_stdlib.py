"""Without numpy an out-of-range axis is IndexError, in numpy's words, and
an empty axis gives an empty result."""

import array

import pytest

import nonlin


def test_out_of_range_axis_is_index_error():
    m = memoryview(array.array("f", [1.0] * 6)).cast("B").cast("f", (2, 3))
    with pytest.raises(IndexError, match=r"^nonlin\.softmax: axis 2 is out of bounds for "
                                         r"array of dimension 2$"):
        nonlin.softmax(m, axis=2)
    with pytest.raises(IndexError, match="axis -3 is out of bounds for array of dimension 2"):
        nonlin.log_softmax_backward(m, m, axis=-3)


def test_empty_axis_gives_an_empty_result():
    got = nonlin.softmax([[], [], []], axis=1)
    assert isinstance(got, array.array) and len(got) == 0
    out = array.array("f")
    assert nonlin.log_softmax_backward([[], []], [[], []], axis=-1, out=out) is out
