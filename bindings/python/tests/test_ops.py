"""Every function of the table against its float64 reference, on every
instruction set, for several shapes and axes, into new arrays, into
``out=`` and in place. Parametrized from the binding's own table, so a new
row there is tested here without a new line."""

import zlib

import numpy as np
import pytest

import nonlin
from nonlin import _table
from reference import OPS, assert_within, evaluate, inputs_for

ELEMENTWISE = [op for op in _table.OPS if op.kind in (_table.UNARY, _table.UNARY_BACKWARD)]
ALONG_AXIS = [op for op in _table.OPS if op.kind in (_table.AXIS, _table.AXIS_BACKWARD)]

# Sizes below, at and above every vector width (4, 8, 16 floats) and their
# multiples, plus N-d shapes and an empty one.
FLAT_SHAPES = [(0,), (1,), (3,), (4,), (15,), (16,), (17,), (64,), (1000,), (4099,),
               (3, 5, 17), (2, 1, 33)]
# (shape, axis) pairs: every axis of each shape, negative ones included.
AXIS_CASES = [((1, 1), -1), ((3, 1), 1), ((5,), 0), ((4, 7), -1), ((4, 7), 0), ((7, 4), -2),
              ((2, 3, 5), 0), ((2, 3, 5), 1), ((2, 3, 5), 2), ((2, 33, 3, 4), 1),
              ((2, 33, 3, 4), -1), ((3, 1000), -1), ((1000, 3), 0), ((2, 17, 9), 1)]


def test_every_registry_op_has_a_reference_and_the_registry_bounds():
    from nonlin import _registry
    names = {op.name: op for op in _table.OPS}
    for name, backward_from, params, ulps, grad_ulps, _ in _registry.ELEMENTWISE:
        for fn, bound in ((name, ulps), (name + "_backward", grad_ulps)):
            op = names[fn]
            assert op.reference is not None, "no float64 reference for %s in _table.py" % fn
            assert (op.ulps, op.params) == (bound, params), fn
        assert names[name + "_backward"].from_input == (backward_from == "input")


def call(op, inputs, axis=None, **kw):
    fn = getattr(nonlin, op.name)
    return fn(*inputs, **kw) if axis is None else fn(*inputs, axis=axis, **kw)


@pytest.mark.parametrize("op", ELEMENTWISE, ids=lambda op: op.name)
@pytest.mark.parametrize("shape", FLAT_SHAPES, ids=str)
def test_elementwise_matches_reference(op, shape, isa):
    rng = np.random.default_rng(zlib.crc32(repr((op.name, shape)).encode()))
    inputs = inputs_for(op, rng, shape)
    got = call(op, inputs)
    assert isinstance(got, np.ndarray) and got.dtype == np.float32 and got.shape == shape
    ref, scale = evaluate(op, inputs)
    assert_within(got, ref, op.ulps, scale, "%s on %s" % (op.name, isa))


@pytest.mark.parametrize("op", ALONG_AXIS, ids=lambda op: op.name)
@pytest.mark.parametrize("shape,axis", AXIS_CASES, ids=str)
def test_along_axis_matches_reference(op, shape, axis, isa):
    rng = np.random.default_rng(zlib.crc32(repr((op.name, shape, axis)).encode()))
    inputs = inputs_for(op, rng, shape, axis)
    got = call(op, inputs, axis)
    assert got.dtype == np.float32 and got.shape == shape
    ref, scale = evaluate(op, inputs, axis)
    assert_within(got, ref, op.ulps, scale, "%s axis %d on %s" % (op.name, axis, isa))


def _cases():
    for op in ELEMENTWISE:
        yield op, (37,), None
    for op in ALONG_AXIS:
        yield op, (3, 6, 5), 1
        yield op, (4, 9), -1


@pytest.mark.parametrize("op,shape,axis", list(_cases()),
                         ids=lambda v: getattr(v, "name", str(v)))
def test_out_and_in_place_give_the_same_bits(op, shape, axis, isa):
    rng = np.random.default_rng(7)
    inputs = inputs_for(op, rng, shape, axis)
    expected = call(op, inputs, axis)

    out = np.full(shape, 7.0, np.float32)
    assert call(op, inputs, axis, out=out) is out
    np.testing.assert_array_equal(out, expected)

    # In place on each input: the result replaces it, no copy is returned.
    for k in range(len(inputs)):
        copies = [a.copy() for a in inputs]
        assert call(op, copies, axis, out=copies[k]) is copies[k]
        np.testing.assert_array_equal(copies[k], expected)


@pytest.mark.parametrize("op", _table.OPS, ids=lambda op: op.name)
def test_any_layout_gives_the_contiguous_result(op):
    """Non-contiguous inputs are copied to C order; a non-contiguous out is
    written through a temporary; byte-swapped float32 is read correctly."""
    rng = np.random.default_rng(3)
    axis = None if op.kind in (_table.UNARY, _table.UNARY_BACKWARD) else 0
    inputs = inputs_for(op, rng, (6, 10), 0 if axis is not None else None)
    expected = call(op, inputs, axis)

    transposed = [np.asfortranarray(a) for a in inputs]  # same values, F order
    np.testing.assert_array_equal(call(op, transposed, axis), expected)

    strided = [np.repeat(a, 2, axis=1)[:, ::2] for a in inputs]
    assert not strided[0].flags.c_contiguous
    np.testing.assert_array_equal(call(op, strided, axis), expected)

    swapped = [a.astype(">f4") for a in inputs]
    np.testing.assert_array_equal(call(op, swapped, axis), expected)

    big = np.zeros((6, 20), np.float32)
    out = big[:, ::2]
    assert call(op, inputs, axis, out=out) is out
    np.testing.assert_array_equal(out, expected)
    assert not big[:, 1::2].any()  # the gaps were not written



def test_tanh_backward_at_a_former_worst_case(isa):
    """(y, dy) where the earlier (1 - y)(1 + y) form erred by 2.015 ulp,
    past the header's 2 ulp; found by sampling 10M random pairs."""
    op = OPS["tanh_backward"]
    inputs = (np.array([0.7024999260902405], np.float32),
              np.array([-0.4853450357913971], np.float32))
    ref, scale = evaluate(op, inputs)
    assert_within(nonlin.tanh_backward(*inputs), ref, op.ulps, scale, "tanh_backward")


PARAMETRIC = [op for op in _table.OPS if op.params]
# Values the C library refuses for each parameter set (NaN always).
BAD_PARAMS = {"hardtanh": {"min_val": 1.0, "max_val": 1.0}, "celu": {"alpha": 0.0},
              "softplus": {"beta": -1.0}}


@pytest.mark.parametrize("op", PARAMETRIC, ids=lambda op: op.name)
def test_parameters_by_keyword_position_and_default(op):
    """PyTorch's keywords and defaults: the defaults given explicitly, by
    keyword or by position, give the same bits as leaving them out."""
    rng = np.random.default_rng(5)
    inputs = inputs_for(op, rng, (40,))
    expected = call(op, inputs)
    defaults = dict(op.params)
    np.testing.assert_array_equal(call(op, inputs, **defaults), expected)
    fn = getattr(nonlin, op.name)
    np.testing.assert_array_equal(fn(*inputs, *defaults.values()), expected)
    with pytest.raises(TypeError):
        fn(*inputs, no_such_parameter=1.0)


@pytest.mark.parametrize("op", PARAMETRIC, ids=lambda op: op.name)
def test_bad_parameters_are_value_errors_and_write_nothing(op):
    rng = np.random.default_rng(6)
    inputs = inputs_for(op, rng, (9,))
    base = op.name.replace("_backward", "")
    for bad in [{op.params[0][0]: float("nan")}, BAD_PARAMS.get(base)]:
        if bad is None:
            continue
        out = np.full((9,), 7.0, np.float32)
        with pytest.raises(ValueError) as info:
            call(op, inputs, out=out, **bad)
        assert info.value.status == nonlin.Status.BAD_ARGUMENT
        assert (out == 7.0).all()
