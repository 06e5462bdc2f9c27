"""PyTorch autograd functions and modules computed by nonlin's kernels.

``import nonlin.torch`` needs torch; ``import nonlin`` does not. The
functions take torch.nn.functional's names and keywords and record their
gradient with nonlin's backward kernels::

    import nonlin.torch as F          # instead of torch.nn.functional
    loss = F.cross_entropy(F.gelu(x @ w), target)
    loss.backward()

and ``nonlin.torch.nn`` holds the matching modules (``nn.GELU()``,
``nn.Softmax(dim=1)``, ``nn.CrossEntropyLoss()``, ...).

Tensors must be float32 (targets int64) and on the CPU: anything else is
a TypeError naming what is supported, never a silent copy to another
dtype. Contiguous tensors are passed to the kernels without a copy; others
are made contiguous first. Options that the kernels do not have
(``weight`` of nll_loss, gradients with respect to targets or weights,
torch's deprecated ``size_average`` and ``reduce``) raise
NotImplementedError rather than fall back to another implementation.
``inplace=True`` writes into the input only where no gradient is recorded
(as torch, which refuses in-place changes that autograd needs).
"""

import torch as _torch

import nonlin as _nonlin
from nonlin import _registry

__all__ = ["softmax", "log_softmax", "cross_entropy", "binary_cross_entropy_with_logits",
           "nll_loss", "nn"]

# torch.nn.functional's activations that take an `inplace` keyword.
_INPLACE = {"relu", "relu6", "leaky_relu", "hardtanh", "hardsigmoid", "hardswish", "elu",
            "celu", "selu", "silu", "mish"}


def _check_float(t, name, where):
    if not isinstance(t, _torch.Tensor):
        raise TypeError("%s: argument '%s' must be a torch.Tensor, not %s"
                        % (where, name, type(t).__name__))
    if t.device.type != "cpu" or t.dtype != _torch.float32:
        raise TypeError("%s: argument '%s' is a %s tensor on %s; nonlin.torch computes "
                        "float32 CPU tensors" % (where, name, t.dtype, t.device))
    return t.contiguous()


def _records_grad(*tensors):
    return _torch.is_grad_enabled() and any(t.requires_grad for t in tensors)


class _Elementwise(_torch.autograd.Function):
    """y = op(x, *params); the backward takes x or y as the registry says."""

    @staticmethod
    def forward(ctx, x, op, from_input, *params):
        y = getattr(_nonlin, op)(x, *params)
        ctx.op, ctx.params = op, params
        ctx.save_for_backward(x if from_input else y)
        return y

    @staticmethod
    def backward(ctx, dy):
        (v,) = ctx.saved_tensors
        dx = getattr(_nonlin, ctx.op + "_backward")(v, dy.contiguous(), *ctx.params)
        return (dx, None, None) + (None,) * len(ctx.params)


def _elementwise(name, backward_from, params):
    """The torch.nn.functional-style function of one registry op."""
    where = "nonlin.torch." + name
    keywords = [k for k, _ in params]
    defaults = dict(params)
    inplace_kw = name in _INPLACE
    kernel = getattr(_nonlin, name)

    def fn(input, *args, **kwargs):
        inplace = kwargs.pop("inplace", False) if inplace_kw else False
        if len(args) > len(keywords):
            raise TypeError("%s takes at most %d parameters after input" % (where, len(keywords)))
        values = dict(zip(keywords, args))
        for k, v in kwargs.items():
            if k not in defaults or k in values:
                raise TypeError("%s: unexpected or repeated argument '%s'" % (where, k))
            values[k] = v
        p = [float(values.get(k, defaults[k])) for k in keywords]
        x = _check_float(input, "input", where)
        if inplace:
            if _records_grad(input):
                raise RuntimeError("%s: inplace=True on a tensor that requires grad; autograd "
                                   "needs the input" % where)
            getattr(_nonlin, name)(x, *p, out=x)
            if x is not input:
                input.copy_(x)
            return input
        if not _records_grad(x):
            return kernel(x, *p)
        return _Elementwise.apply(x, name, backward_from == "input", *p)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = ("%s(input%s%s): torch.nn.functional.%s computed by nonlin, with its "
                  "gradient.\n\n%s" % (name, "".join(", %s=%r" % kv for kv in params),
                                       ", inplace=False" if inplace_kw else "", name,
                                       getattr(_nonlin, name).__doc__ or ""))
    return fn


for _name, _from, _params, _, _, _ in _registry.ELEMENTWISE:
    globals()[_name] = _elementwise(_name, _from, _params)
    __all__.append(_name)
_exact_gelu, _tanh_gelu = globals()["gelu"], globals().pop("gelu_tanh")
__all__.remove("gelu_tanh")


def gelu(input, approximate="none"):
    """torch.nn.functional.gelu: approximate='none' (x Phi(x)) or 'tanh'."""
    if approximate == "none":
        return _exact_gelu(input)
    if approximate == "tanh":
        return _tanh_gelu(input)
    raise ValueError("nonlin.torch.gelu: approximate must be 'none' or 'tanh', not %r"
                     % (approximate,))


class _Softmax(_torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, dim, log):
        y = (_nonlin.log_softmax if log else _nonlin.softmax)(x, axis=dim)
        ctx.dim, ctx.log = dim, log
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, dy):
        (y,) = ctx.saved_tensors
        grad = _nonlin.log_softmax_backward if ctx.log else _nonlin.softmax_backward
        return grad(y, dy.contiguous(), axis=ctx.dim), None, None


def _softmax(name, log):
    where = "nonlin.torch." + name

    def fn(input, dim=None, dtype=None):
        if dim is None:
            raise TypeError("%s: give dim (torch's implicit choice is deprecated)" % where)
        if dtype not in (None, _torch.float32):
            raise TypeError("%s: dtype %s; nonlin.torch computes float32" % (where, dtype))
        x = _check_float(input, "input", where)
        if not _records_grad(x):
            return (_nonlin.log_softmax if log else _nonlin.softmax)(x, axis=dim)
        return _Softmax.apply(x, dim, log)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = "torch.nn.functional.%s(input, dim) computed by nonlin, with its gradient." % name
    return fn


softmax = _softmax("softmax", False)
log_softmax = _softmax("log_softmax", True)


def _loss_arguments(where, input, target, weight, reduction, **unsupported):
    for option, value in unsupported.items():
        if value:
            raise NotImplementedError("%s: %s=%r is not supported by nonlin's kernels yet"
                                      % (where, option, value))
    if weight is not None:
        raise NotImplementedError("%s: class weights are not supported by nonlin's kernels yet"
                                  % where)
    x = _check_float(input, "input", where)
    if x.dim() != 2:
        raise NotImplementedError("%s: input of shape %s; nonlin's kernels take (N, C)"
                                  % (where, tuple(x.shape)))
    if not isinstance(target, _torch.Tensor) or target.dtype != _torch.int64 \
            or target.device.type != "cpu":
        raise TypeError("%s: target must be an int64 CPU tensor of class indices" % where)
    _check_reduction(reduction, where)
    return x, target.contiguous()


def _loss_value(value, like):
    return value if isinstance(value, _torch.Tensor) else _torch.tensor(value, dtype=like.dtype)


class _LossWithGrad(_torch.autograd.Function):
    """A loss whose forward also computes its gradient (the fused kernels):
    the backward scales that gradient by the incoming one."""

    @staticmethod
    def forward(ctx, x, compute, reduction):
        loss, grad = compute()
        ctx.reduction = reduction
        ctx.save_for_backward(grad)
        return _loss_value(loss, x)

    @staticmethod
    def backward(ctx, dloss):
        (grad,) = ctx.saved_tensors
        if dloss.dim() and dloss.dim() < grad.dim():
            # reduction 'none' of cross-entropy: the loss has the input's
            # shape without the class axis.
            dloss = dloss.unsqueeze(1)
        return grad * dloss, None, None


def _apply_loss(x, reduction, kernel, *args, **kwargs):
    """kernel's loss, recording its gradient when autograd needs it."""
    if not _records_grad(x):
        return _loss_value(kernel(x, *args, reduction=reduction, **kwargs), x)
    return _LossWithGrad.apply(
        x, lambda: kernel(x.detach(), *args, reduction=reduction, return_grad=True, **kwargs),
        reduction)


def _no_legacy(where, size_average, reduce):
    if size_average is not None or reduce is not None:
        raise NotImplementedError("%s: size_average and reduce are deprecated in torch; give "
                                  "reduction" % where)


def _check_reduction(reduction, where):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError("%s: reduction %r is not one of 'none', 'mean', 'sum'"
                         % (where, reduction))


def _per_class(t, name, classes, where):
    """A per-class float32 tensor of shape (classes,), or None. A tensor of
    one value, or of shape (1, ..., 1, classes), is taken as per-class."""
    if t is None:
        return None
    t = _check_float(t, name, where).detach()
    if t.numel() == 1:
        return t.reshape(1).expand(classes).contiguous()
    if t.dim() >= 1 and t.shape[-1] == classes and t.numel() == classes:
        return t.reshape(classes)
    raise ValueError("%s: argument '%s' has shape %s; nonlin takes one value per class, "
                     "shape (%d,) (or one value in all)" % (where, name, tuple(t.shape), classes))


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """torch.nn.functional.cross_entropy computed by nonlin, with its gradient.

    input: (C), (N, C) or (N, C, d1, ...) float32 logits; target: int64
    class indices of shape (), (N) or (N, d1, ...), or float32
    probabilities of the input's shape. weight: None or one float32 per
    class (it gets no gradient). ignore_index applies to class indices.
    The gradient is computed in the forward pass, together with the loss.
    """
    where = "nonlin.torch.cross_entropy"
    _no_legacy(where, size_average, reduce)
    _check_reduction(reduction, where)
    x = _check_float(input, "input", where)
    if x.dim() == 0:
        raise ValueError("%s: input is 0-d; it needs a class axis" % where)
    if not isinstance(target, _torch.Tensor) or target.device.type != "cpu":
        raise TypeError("%s: target must be a CPU tensor: int64 class indices or float32 "
                        "probabilities" % where)
    unbatched = x.dim() == 1
    if unbatched:
        x, target = x.unsqueeze(0), target.unsqueeze(0)
    w = _per_class(weight, "weight", x.shape[1], where)
    if target.dtype == _torch.int64:
        loss = _apply_loss(x, reduction, _nonlin.cross_entropy_ex, target.contiguous(), w,
                           ignore_index=ignore_index, label_smoothing=label_smoothing)
    elif target.dtype == _torch.float32:
        if _records_grad(target):
            raise NotImplementedError("%s: probability targets that require grad are not "
                                      "supported (nonlin computes the input's gradient only)"
                                      % where)
        loss = _apply_loss(x, reduction, _nonlin.cross_entropy_probs, target.contiguous(), w,
                           label_smoothing=label_smoothing)
    else:
        raise TypeError("%s: target is a %s tensor; nonlin takes int64 class indices or "
                        "float32 probabilities" % (where, target.dtype))
    return loss.squeeze(0) if unbatched and reduction == "none" else loss


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """torch.nn.functional.binary_cross_entropy_with_logits computed by
    nonlin, with its gradient, stable for any logit.

    input and target: float32 tensors of one shape, the classes along the
    last axis. weight and pos_weight: None or one float32 per class
    (shape (C,) or (1, ..., 1, C), or one value); torch's other broadcasts
    of weight (per sample, per element) raise ValueError. Neither they nor
    the target get a gradient.
    """
    where = "nonlin.torch.binary_cross_entropy_with_logits"
    _no_legacy(where, size_average, reduce)
    _check_reduction(reduction, where)
    x = _check_float(input, "input", where)
    t = _check_float(target, "target", where)
    if t.shape != x.shape:
        raise ValueError("%s: target of shape %s for input of shape %s; they must match (as "
                         "torch requires)" % (where, tuple(t.shape), tuple(x.shape)))
    if _records_grad(t):
        raise NotImplementedError("%s: targets that require grad are not supported (nonlin "
                                  "computes the input's gradient only)" % where)
    classes = x.shape[-1] if x.dim() else 1
    w = _per_class(weight, "weight", classes, where)
    pw = _per_class(pos_weight, "pos_weight", classes, where)
    return _apply_loss(x, reduction, _nonlin.binary_cross_entropy_with_logits, t, w, pw)


class _NllLoss(_torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, target, ignore_index, reduction):
        ctx.save_for_backward(target)
        ctx.classes, ctx.ignore_index, ctx.reduction = x.shape[1], ignore_index, reduction
        return _loss_value(_nonlin.nll_loss(x, target, ignore_index=ignore_index,
                                            reduction=reduction), x)

    @staticmethod
    def backward(ctx, dloss):
        (target,) = ctx.saved_tensors
        dx = _nonlin.nll_loss_backward(target, dloss.detach().contiguous(), ctx.classes,
                                       ignore_index=ctx.ignore_index, reduction=ctx.reduction)
        return dx, None, None, None


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """torch.nn.functional.nll_loss on (N, C) log-probabilities, computed by
    nonlin, with its gradient."""
    x, t = _loss_arguments("nonlin.torch.nll_loss", input, target, weight, reduction,
                           size_average=size_average, reduce=reduce)
    return _NllLoss.apply(x, t, ignore_index, reduction)


from nonlin import _torch_nn as nn  # noqa: E402  (it uses the functions above)
