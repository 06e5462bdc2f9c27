"""The array functions of ``_table.OPS``, generated one per table row.

Each kind of row gets one factory; the factory binds the C function and
writes the docstring from the row's summary, so every function of a kind
behaves, checks and documents itself the same way.
"""

import operator
import textwrap

from . import _table
from ._arrays import float_input, float_output, np, size_of
from ._capi import lib
from ._errors import Status, error
from ._half import half_flavor, half_input, half_kind, half_output


def _check_same_shape(shape, other, name, where):
    if other != shape:
        raise ValueError("%s: argument '%s' has shape %s, expected %s like 'y'"
                         % (where, name, other, shape))


def _axis_error(axis, ndim, where):
    """numpy's AxisError (a ValueError and an IndexError) in numpy's words;
    IndexError, with the same message, without numpy."""
    if np is None:
        return IndexError("%s: axis %d is out of bounds for array of dimension %d"
                          % (where, axis, ndim))
    axis_error = getattr(getattr(np, "exceptions", None), "AxisError", None) or np.AxisError
    return axis_error(axis, ndim, where)


def _split_axis(shape, axis, where):
    """(outer, axis length, inner) of ``shape`` around ``axis``."""
    if isinstance(axis, bool):  # an int to Python, never meant as an axis
        raise TypeError("%s: argument 'axis' must be an integer, not bool" % where)
    try:
        axis = operator.index(axis)
    except TypeError:
        raise TypeError("%s: argument 'axis' must be an integer, not %s"
                        % (where, type(axis).__name__)) from None
    ndim = len(shape)
    if not -ndim <= axis < ndim:
        raise _axis_error(axis, ndim, where)
    axis %= ndim
    return size_of(shape[:axis]), shape[axis], size_of(shape[axis + 1:])


def _fail(status, where, shape, inputs):
    """The exception for a C status; the C checks run before any write, so
    the arguments are known to be unchanged."""
    if status == Status.OVERLAP:
        return error(status, where, "out", "partially overlaps %s" % " or ".join(
            "'%s'" % n for n in inputs))
    return error(status, where, inputs[0], "shape %s" % (shape,))


def _doc(*paragraphs):
    return "\n\n".join(textwrap.fill(p.strip(), 76) for p in paragraphs)


_ARRAYS = """
Accepts float32 numpy arrays without a copy (C-contiguous ones), any other
numpy array, buffer of floats, list or scalar as described in
``help(nonlin)``; float64 is refused with TypeError. ``out`` may be an
input itself (in place)."""

_HALF = """
A numpy float16 array computes in float16 (``nonlin_*_f16``), a uint16
array of bfloat16 bits with ``dtype="bfloat16"`` in bfloat16 (``_bf16``):
without a copy when C-contiguous, the result in the same dtype, each
element the float32 result rounded once to nearest even."""

_RETURNS = """
Returns ``out`` when given, else a new float32 array of the input's shape
(numpy, or ``array.array('f')`` for buffer inputs and without numpy; a
scalar for a scalar). ValueError for mismatched shapes or an ``out`` that
partially overlaps an input; ``out`` is left untouched on any error."""


def _param_values(op, args, kw, where):
    """The op's float parameters from positional ``args`` and keywords, in
    the C order, defaults filled in (PyTorch's names and defaults)."""
    names = [name for name, _ in op.params]
    if len(args) > len(names):
        raise TypeError("%s takes %d parameter(s) after the arrays, %d given"
                        % (where, len(names), len(args)))
    values = dict(zip(names, args))
    for key, value in kw.items():
        if key not in names:
            raise TypeError("%s got an unexpected keyword argument '%s'" % (where, key))
        if key in values:
            raise TypeError("%s got multiple values for argument '%s'" % (where, key))
        values[key] = value
    out = []
    for name, default in op.params:
        value = values.get(name, default)
        try:
            out.append(float(value))
        except OverflowError:
            raise ValueError("%s: argument '%s' is %d, beyond the float range"
                             % (where, name, value)) from None
        except (TypeError, ValueError):
            raise TypeError("%s: argument '%s' must be a real number, not %s"
                            % (where, name, type(value).__name__)) from None
    return out


def _param_text(op):
    return "".join(", %s=%r" % p for p in op.params)


def _param_fail(status, where, op, values, shape, inputs):
    if status == Status.BAD_ARGUMENT:
        return error(status, where, op.params[0][0], ", ".join(
            "%s=%r" % (name, v) for (name, _), v in zip(op.params, values)), kind=ValueError)
    return _fail(status, where, shape, inputs)


def _half_fn(op, kind):
    return getattr(lib, "nonlin_%s_%s" % (op.name, kind))


def _unary(op, fn, where):
    def wrapper(x, *args, out=None, dtype=None, **kw):
        params = _param_values(op, args, kw, where)
        kind = half_kind((x,), dtype, where)
        if kind:
            xa16, xa = half_input(x, "x", where, kind)
            shape = tuple(xa16.shape)
            oh, oa = half_output(out, shape, where, kind, half_flavor(xa16))
            status = _half_fn(op, kind)(size_of(shape), xa, oa, *params)
            if status:
                raise _param_fail(status, where, op, params, shape, ("x",))
            return oh
        xh, xa, shape, flavor = float_input(x, "x", where)
        oh, oa, finish = float_output(out, shape, flavor, "out", where)
        status = fn(size_of(shape), xa, oa, *params)
        if status:
            raise _param_fail(status, where, op, params, shape, ("x",))
        return finish()
    wrapper.__doc__ = _doc(op.summary, "``%s(x%s, out=None, dtype=None)`` computes it "
                           "elementwise." % (op.name, _param_text(op)), _ARRAYS, _HALF,
                           _RETURNS)
    return wrapper


def _unary_backward(op, fn, where):
    first = "x" if op.from_input else "y"
    def wrapper(a, dy, *args, out=None, dtype=None, **kw):
        params = _param_values(op, args, kw, where)
        kind = half_kind((a, dy), dtype, where)
        if kind:
            ah, aa = half_input(a, first, where, kind)
            dh, da = half_input(dy, "dy", where, kind)
            shape = tuple(ah.shape)
            _check_same_shape(shape, tuple(dh.shape), "dy", where)
            oh, oa = half_output(out, shape, where, kind, half_flavor(ah))
            status = _half_fn(op, kind)(size_of(shape), aa, da, oa, *params)
            if status:
                raise _param_fail(status, where, op, params, shape, (first, "dy"))
            return oh
        yh, ya, shape, flavor = float_input(a, first, where)
        dh, da, dshape, _ = float_input(dy, "dy", where)
        _check_same_shape(shape, dshape, "dy", where)
        oh, oa, finish = float_output(out, shape, flavor, "out", where)
        status = fn(size_of(shape), ya, da, oa, *params)
        if status:
            raise _param_fail(status, where, op, params, shape, (first, "dy"))
        return finish()
    wrapper.__doc__ = _doc(op.summary, "``%s(%s, dy%s, out=None, dtype=None)``: ``%s`` is %s's "
                           "%s, ``dy`` "
                           "the gradient of the loss with respect to its output, of the same "
                           "shape." % (op.name, first, _param_text(op), first, op.forward,
                                       "input" if op.from_input else "output"),
                           _ARRAYS, _HALF, _RETURNS)
    return wrapper


_AXIS_TEXT = """
The array is seen as outer x axis x inner around ``axis`` (default: the
last), so any axis of an N-d array works; the last axis is the fastest. An
axis of length 0 gives an empty result. An axis out of range is numpy's
AxisError (IndexError without numpy), so is any axis of a 0-d input."""


_AXIS_HALF = """
A numpy float16 array computes in float16 (``nonlin_*_f16``), a uint16
array of bfloat16 bits with ``dtype="bfloat16"`` in bfloat16 (``_bf16``):
without a copy when C-contiguous, the result in the same dtype; the row
statistics are carried in float32 and double, and each element is rounded
once to nearest even (``help`` of the C functions: nonlin.h)."""


def _axis_call(fn, op, kind, inputs, names, axis, out, where):
    """Runs the row function on ``inputs`` (their shapes checked equal)
    along ``axis``: float32 when ``kind`` is None, else its 16-bit twin."""
    if kind:
        held = [half_input(a, name, where, kind) for a, name in zip(inputs, names)]
        shape = tuple(held[0][0].shape)
        for (h, _), name in zip(held[1:], names[1:]):
            _check_same_shape(shape, tuple(h.shape), name, where)
        outer, n, inner = _split_axis(shape, axis, where)
        result, oa = half_output(out, shape, where, kind, half_flavor(held[0][0]))
        finish = lambda: result  # noqa: E731
        fn = _half_fn(op, kind)
    else:
        held = [float_input(a, name, where) for a, name in zip(inputs, names)]
        shape, flavor = held[0][2], held[0][3]
        for h, name in zip(held[1:], names[1:]):
            _check_same_shape(shape, h[2], name, where)
        outer, n, inner = _split_axis(shape, axis, where)
        oh, oa, finish = float_output(out, shape, flavor, "out", where)
    addresses = [h[1] for h in held]
    status = fn(outer, n, inner, *addresses, oa) if n else 0  # an empty axis: empty result
    if status:
        raise _fail(status, where, shape, names)
    return finish()


def _axis(op, fn, where):
    def wrapper(x, axis=-1, out=None, dtype=None):
        return _axis_call(fn, op, half_kind((x,), dtype, where), (x,), ("x",), axis, out, where)
    wrapper.__doc__ = _doc(op.summary, "``%s(x, axis=-1, out=None, dtype=None)``." % op.name,
                           _AXIS_TEXT, _ARRAYS, _AXIS_HALF, _RETURNS)
    return wrapper


def _axis_backward(op, fn, where):
    def wrapper(y, dy, axis=-1, out=None, dtype=None):
        return _axis_call(fn, op, half_kind((y, dy), dtype, where), (y, dy), ("y", "dy"), axis,
                          out, where)
    wrapper.__doc__ = _doc(op.summary, "``%s(y, dy, axis=-1, out=None, dtype=None)``: ``y`` is "
                           "%s's output along the same axis, ``dy`` the gradient with respect "
                           "to it." % (op.name, op.forward), _AXIS_TEXT, _ARRAYS, _AXIS_HALF,
                           _RETURNS)
    return wrapper


_FACTORIES = {
    _table.UNARY: _unary,
    _table.UNARY_BACKWARD: _unary_backward,
    _table.AXIS: _axis,
    _table.AXIS_BACKWARD: _axis_backward,
}


def build():
    """name -> wrapper for every row of the table."""
    made = {}
    for op in _table.OPS:
        wrapper = _FACTORIES[op.kind](op, getattr(lib, _table.symbol(op)), "nonlin." + op.name)
        wrapper.__name__ = wrapper.__qualname__ = op.name
        wrapper.__module__ = "nonlin"
        made[op.name] = wrapper
    return made
