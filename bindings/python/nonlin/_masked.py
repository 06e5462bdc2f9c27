"""The masked, scaled softmax and log_softmax (attention) and logsumexp
along one axis, with its gradient."""

import sys

from ._arrays import TORCH, _is_tensor, np, size_of
from ._capi import lib
from ._errors import Status, error
from ._half import half_kind, typed_function, typed_input, typed_output
from ._ops import _check_same_shape, _fail, _split_axis

_EMPTY_ROW = {"nan": 0, "zero": 1}


def _empty_row(value, where):
    try:
        return _EMPTY_ROW[value]
    except (KeyError, TypeError):
        raise error(Status.BAD_ARGUMENT, where, "empty_row",
                    "%r is not one of 'nan', 'zero'" % (value,), kind=ValueError) from None


def _axis_index(shape, axis):
    return axis % len(shape)


def _mask_outer(mshape, shape, d):
    """The mask_outer that lets a mask of ``mshape`` (leading ones dropped)
    serve x of ``shape`` without a copy, or None when it must be expanded:
    it must be x's trailing dimensions from at least the softmax axis ``d``
    on, which slice o % mask_outer then covers."""
    while mshape and mshape[0] == 1 and len(mshape) > len(shape) - d:
        mshape = mshape[1:]
    tail = len(shape) - len(mshape)
    if tail < 0 or tail > d or tuple(shape[tail:]) != tuple(mshape):
        return None
    return size_of(mshape[:d - tail])


def _mask_input(mask, shape, axis, outer, where):
    """(holder, address, mask_outer) for a bool (or uint8) mask that
    broadcasts to ``shape``; True keeps an entry."""
    if mask is None:
        return None, None, 0
    d = _axis_index(shape, axis)
    if _is_tensor(mask):
        torch = sys.modules["torch"]
        if mask.device.type != "cpu" or mask.dtype not in (torch.bool, torch.uint8):
            raise TypeError("%s: argument 'mask' is a %s tensor on %s; masks are bool (or "
                            "uint8) CPU tensors" % (where, mask.dtype, mask.device))
        m_outer = _mask_outer(tuple(mask.shape), shape, d)
        if m_outer is None:
            try:
                mask = mask.expand(shape)
            except RuntimeError:
                raise ValueError("%s: argument 'mask' of shape %s does not broadcast to %s"
                                 % (where, tuple(mask.shape), shape)) from None
            m_outer = outer
        m = mask.contiguous()
        if m.dtype == torch.bool:
            m = m.view(torch.uint8)
        return m, m.data_ptr(), m_outer
    if np is None:
        raise TypeError("%s: argument 'mask' needs numpy (or a torch tensor)" % where)
    m = np.asarray(mask)
    if m.dtype.kind not in "bui":
        raise TypeError("%s: argument 'mask' has dtype %s; masks are bool (True keeps)"
                        % (where, m.dtype))
    if m.dtype.itemsize != 1:
        m = m != 0
    m_outer = _mask_outer(m.shape, shape, d)
    if m_outer is None:
        try:
            m = np.broadcast_to(m, shape)
        except ValueError:
            raise ValueError("%s: argument 'mask' of shape %s does not broadcast to %s"
                             % (where, m.shape, shape)) from None
        m_outer = outer
    m = np.ascontiguousarray(m).view(np.uint8)
    return m, m.ctypes.data, m_outer


def _masked(c_name, where, log):
    def wrapper(x, mask=None, axis=-1, scale=1.0, empty_row="nan", out=None, dtype=None):
        mode = _empty_row(empty_row, where)
        scale = float(scale)
        kind = half_kind((x,), dtype, where)
        xh, xa, shape, flavor = typed_input(x, "x", where, kind)
        outer, n, inner = _split_axis(shape, axis, where)
        mh, ma, m_outer = _mask_input(mask, shape, axis, outer, where)
        oh, oa, finish = typed_output(out, shape, flavor, "out", where, kind)
        fn = typed_function(lib, c_name, kind)
        status = fn(outer, n, inner, m_outer, xa, ma, oa, scale, mode) if n else 0
        if status == Status.BAD_ARGUMENT:
            raise error(status, where, "scale", "%r: it must be finite and > 0" % scale,
                        kind=ValueError)
        if status:
            raise _fail(status, where, shape, ("x", "mask"))
        return finish()

    name = "masked_log_softmax" if log else "masked_softmax"
    wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.__doc__ = """%s(x, mask=None, axis=-1, scale=1.0, empty_row="nan", out=None, dtype=None)

    %s along ``axis`` of ``scale * x`` over the entries ``mask`` keeps.

    ``mask`` is None (keep all) or a bool array (True keeps) that broadcasts
    to x; a mask equal to x's trailing dimensions from ``axis`` on (an
    (L, S) mask for (B, H, L, S) scores) is used without a copy, others are
    expanded to x's shape first. Masked entries give %s. A row with nothing
    kept (or only -inf) gives NaN (``empty_row="nan"``, PyTorch's softmax)
    or zeros (``empty_row="zero"``). ``scale`` must be finite and > 0.
    The gradient: ``softmax_backward`` of the result times ``scale``.
    A float16 array (or uint16 bfloat16 bits with ``dtype="bfloat16"``)
    computes in that type: the float32 result rounded once.""" % (
        name, "log_softmax" if log else "softmax", "-inf" if log else "exactly 0")
    return wrapper


masked_softmax = _masked("nonlin_masked_softmax_f32", "nonlin.masked_softmax", False)
masked_log_softmax = _masked("nonlin_masked_log_softmax_f32", "nonlin.masked_log_softmax", True)


def _reduced_shape(shape, axis, keepdims):
    d = _axis_index(shape, axis)
    return shape[:d] + ((1,) if keepdims else ()) + shape[d + 1:]


def logsumexp(x, axis=-1, keepdims=False, out=None, dtype=None):
    """log(sum(exp(x))) along ``axis``, as max + log(sum(exp(x - max))): no
    overflow, exact for one element. The result drops ``axis`` (keeps it with
    length 1 for ``keepdims=True``). A NaN in a row gives NaN, else a +inf
    gives +inf, and a row of all -inf gives -inf, as in PyTorch. A float16
    array (or uint16 bfloat16 bits with ``dtype="bfloat16"``), or a float16
    or bfloat16 tensor, gives a result of its type: the float32 result
    rounded once."""
    where = "nonlin.logsumexp"
    kind = half_kind((x,), dtype, where)
    xh, xa, shape, flavor = typed_input(x, "x", where, kind)
    outer, n, inner = _split_axis(shape, axis, where)
    oh, oa, finish = typed_output(out, _reduced_shape(shape, axis, keepdims), flavor, "out",
                                  where, kind)
    if not n:  # empty sums: log(0) = -inf, as numpy and PyTorch give
        result = finish()
        # A numpy bfloat16 result holds bits; a torch one takes the value.
        minus_inf = 0xFF80 if kind == "bf16" and flavor is not TORCH else float("-inf")
        for i in range(outer * inner):
            _flat(result)[i] = minus_inf
        return result
    status = typed_function(lib, "nonlin_logsumexp_f32", kind)(outer, n, inner, xa, oa)
    if status:
        raise _fail(status, where, shape, ("x",))
    return finish()


def _flat(result):
    """A flat, writable view of a result (numpy, torch or array.array)."""
    return result.reshape(-1) if hasattr(result, "reshape") else result


def logsumexp_backward(x, y, dy, axis=-1, out=None, dtype=None):
    """Gradient of ``logsumexp``: ``dy * exp(x - y)`` with ``y`` and ``dy``
    of logsumexp's result shape (with or without the kept axis); all three
    float32, float16, or bfloat16 bits with ``dtype="bfloat16"``."""
    where = "nonlin.logsumexp_backward"
    kind = half_kind((x,), dtype, where)
    xh, xa, shape, flavor = typed_input(x, "x", where, kind)
    outer, n, inner = _split_axis(shape, axis, where)
    yh, ya, yshape, _ = typed_input(y, "y", where, kind)
    dh, da, dshape, _ = typed_input(dy, "dy", where, kind)
    kept = _reduced_shape(shape, axis, True)
    if yshape != kept:
        _check_same_shape(_reduced_shape(shape, axis, False), yshape, "y", where)
    if dshape != yshape:
        _check_same_shape(yshape, dshape, "dy", where)
    oh, oa, finish = typed_output(out, shape, flavor, "out", where, kind)
    fn = typed_function(lib, "nonlin_logsumexp_backward_f32", kind)
    status = fn(outer, n, inner, xa, ya, da, oa) if n else 0
    if status:
        raise _fail(status, where, shape, ("x", "y", "dy"))
    return finish()
