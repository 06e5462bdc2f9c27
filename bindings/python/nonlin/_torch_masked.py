"""nonlin.torch's masked, scaled softmax (attention) and logsumexp, with
their gradients through nonlin's kernels."""

import torch as _torch

import nonlin as _nonlin
from nonlin.torch import _F32, _check_typed, _records_grad

_EMPTY_ROWS = ("nan", "zero")


def _mask_tensor(mask, where):
    if mask is None:
        return None
    if not isinstance(mask, _torch.Tensor) or mask.dtype != _torch.bool \
            or mask.device.type != "cpu":
        raise TypeError("%s: mask must be a bool CPU tensor (True keeps an entry)" % where)
    return mask


class _MaskedSoftmax(_torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, mask, dim, scale, empty_row):
        y = _nonlin.masked_softmax(x, mask, axis=dim, scale=scale, empty_row=empty_row)
        ctx.dim, ctx.scale, ctx.mask = dim, scale, mask
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, dy):
        (y,) = ctx.saved_tensors
        dy = dy.contiguous()
        if ctx.scale == 1.0:
            dx = _nonlin.softmax_backward(y, dy, axis=ctx.dim)
        elif y.dtype is _F32:
            dx = _nonlin.softmax_backward(y, dy, axis=ctx.dim).mul_(ctx.scale)
        else:
            # Scaled in float32 and rounded once to the 16-bit type.
            dx = _nonlin.softmax_backward(y.float(), dy.float(), axis=ctx.dim)
            dx = dx.mul_(ctx.scale).to(y.dtype)
        if ctx.mask is not None:
            # Masked entries never reach the output: no gradient, even in a
            # row that is NaN (as through masked_fill in PyTorch).
            dx.masked_fill_(~ctx.mask.expand_as(dx), 0.0)
        return dx, None, None, None, None


def masked_softmax(x, mask, dim=-1, scale=1.0, empty_row="nan"):
    """softmax(scale * x) along ``dim`` over the entries where the bool
    ``mask`` is True (None keeps all); masked entries give exactly 0.

    ``mask`` broadcasts to x; one of x's trailing shape from ``dim`` on (an
    (L, S) mask for (B, H, L, S) scores) reaches the kernel without a copy.
    A row with nothing kept (or only -inf) gives NaN (``empty_row="nan"``,
    what ``x.masked_fill(~mask, -inf).softmax(dim)`` gives) or zeros
    (``empty_row="zero"``, as the safe softmax of PyTorch's attention).
    ``scale`` must be finite and > 0. The gradient is recorded. x is float32,
    bfloat16 or float16; the result (and the gradient) has its dtype."""
    where = "nonlin.torch.masked_softmax"
    if empty_row not in _EMPTY_ROWS:
        raise ValueError("%s: empty_row must be 'nan' or 'zero', not %r" % (where, empty_row))
    x = _check_typed(x, "x", where)
    mask = _mask_tensor(mask, where)
    scale = float(scale)
    if not _records_grad(x):
        return _nonlin.masked_softmax(x, mask, axis=dim, scale=scale, empty_row=empty_row)
    return _MaskedSoftmax.apply(x, mask, dim, scale, empty_row)


class _LogSumExp(_torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, dim, keepdim):
        y = _nonlin.logsumexp(x, axis=dim, keepdims=keepdim)
        ctx.dim = dim
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, dy):
        x, y = ctx.saved_tensors
        return _nonlin.logsumexp_backward(x, y, dy.contiguous(), axis=ctx.dim), None, None


def logsumexp(input, dim, keepdim=False):
    """torch.logsumexp(input, dim, keepdim) along one dimension, computed by
    nonlin (exact for a single element, no overflow), with its gradient;
    float32, bfloat16 or float16, the result in the input's dtype."""
    where = "nonlin.torch.logsumexp"
    if isinstance(dim, (tuple, list)):
        if len(dim) != 1:
            raise NotImplementedError("%s: one dimension at a time, not %r" % (where, dim))
        dim = dim[0]
    x = _check_typed(input, "input", where)
    if x.dim() == 0:  # torch takes dim 0 or -1 of a scalar as its one element
        return logsumexp(x.reshape(1), dim, False).reshape(())
    if not _records_grad(x):
        return _nonlin.logsumexp(x, axis=dim, keepdims=keepdim)
    return _LogSumExp.apply(x, dim, keepdim)
