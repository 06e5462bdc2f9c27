"""Buffers, lists and scalars with numpy present: what comes back, and that
writable contiguous buffers are used in place. (nonumpy/ repeats the
numpy-free part with numpy hidden.)"""

import array

import numpy as np
import pytest

import nonlin
from reference import ulp32

X = [-3.0, -0.5, 0.0, 0.25, 2.0, 9.0]


def test_array_array_in_gives_array_array_out():
    x = array.array("f", X)
    y = nonlin.sigmoid(x)
    assert isinstance(y, array.array) and y.typecode == "f"
    np.testing.assert_array_equal(np.asarray(y), nonlin.sigmoid(np.array(X, np.float32)))


def test_buffers_are_written_in_place():
    x = array.array("f", X)
    assert nonlin.tanh(x, out=x) is x
    np.testing.assert_array_equal(np.asarray(x), nonlin.tanh(np.array(X, np.float32)))
    m = memoryview(bytearray(4 * 6)).cast("f", (2, 3))
    nonlin.softmax(np.array(X, np.float32).reshape(2, 3), out=m)
    want = nonlin.softmax(np.array(X, np.float32).reshape(2, 3))
    np.testing.assert_array_equal(np.asarray(m), want)


def test_lists_and_scalars_become_float32_numpy():
    y = nonlin.sigmoid([[0.0, 1.0], [2.0, 3.0]])
    assert isinstance(y, np.ndarray) and y.dtype == np.float32 and y.shape == (2, 2)
    s = nonlin.tanh(0.5)
    assert isinstance(s, np.float32) and abs(s - np.tanh(0.5)) <= 2 * ulp32(np.tanh(0.5))
    assert nonlin.sigmoid(np.float64(0.0)) == 0.5  # a scalar is converted, never refused
    ints = nonlin.sigmoid(np.arange(4))
    np.testing.assert_array_equal(ints, nonlin.sigmoid(np.arange(4, dtype=np.float32)))


def test_float64_buffers_are_refused():
    with pytest.raises(TypeError, match="format 'd'"):
        nonlin.sigmoid(array.array("d", X))


def test_zero_copy_means_the_callers_memory():
    """A float32 C-contiguous array is the C function's argument itself:
    writing through out= into a view changes the base array."""
    base = np.zeros(10, np.float32)
    view = base[2:8]
    nonlin.sigmoid(np.zeros(6, np.float32), out=view)
    np.testing.assert_array_equal(base, [0, 0, .5, .5, .5, .5, .5, .5, 0, 0])


def test_out_at_an_odd_byte_offset():
    """numpy makes float32 arrays at any byte address; the library takes
    them on every path (the streaming one above 2**21 elements included)
    with the aligned results."""
    for n in (33, (1 << 21) + 5):
        x = np.linspace(-8, 8, n, dtype=np.float32)
        want = nonlin.gelu(x)
        raw = bytearray(4 * n + 4)
        out = np.frombuffer(raw, np.float32, count=n, offset=1)
        assert not out.flags.aligned
        xs = np.frombuffer(bytearray(4 * n + 4), np.float32, count=n, offset=3)
        xs[:] = x
        assert nonlin.gelu(xs, out=out) is out
        np.testing.assert_array_equal(out, want)
