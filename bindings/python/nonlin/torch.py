"""PyTorch autograd functions and modules computed by nonlin's kernels.

``import nonlin.torch`` needs torch; ``import nonlin`` does not. The
functions take torch.nn.functional's names and keywords and record their
gradient with nonlin's backward kernels::

    import nonlin.torch as F          # instead of torch.nn.functional
    loss = F.cross_entropy(F.gelu(x @ w), target)
    loss.backward()

and ``nonlin.torch.nn`` holds the matching modules (``nn.GELU()``,
``nn.Softmax(dim=1)``, ``nn.CrossEntropyLoss()``, ...).

Tensors must be float32 (targets int64) and on the CPU; the activations,
softmax and log_softmax, masked_softmax, logsumexp, nll_loss and
cross_entropy (class-index targets, no weight or label smoothing) also take
bfloat16 and float16 tensors (computed in float32 and rounded once, as the
C library's _bf16 and _f16 functions) and return the input's dtype. Anything else is a TypeError naming what is supported, never a
silent copy to another dtype. Contiguous tensors are passed to the kernels without a copy; others
are made contiguous first. Options that the kernels do not have
(``weight`` of nll_loss, gradients with respect to targets or weights,
torch's deprecated ``size_average`` and ``reduce``) raise
NotImplementedError rather than fall back to another implementation.
``inplace=True`` writes into the input only where no gradient is recorded
(as torch, which refuses in-place changes that autograd needs).
"""

import math as _math

import torch as _torch

import nonlin as _nonlin
from nonlin import _registry
from nonlin._arrays import INT64_MAX as _INT64_MAX, INT64_MIN as _INT64_MIN
from nonlin._capi import lib as _lib
from nonlin._losses import _REDUCTIONS

__all__ = ["softmax", "log_softmax", "cross_entropy", "binary_cross_entropy_with_logits",
           "nll_loss", "nn", "masked_softmax", "logsumexp"]

# torch.nn.functional's activations that take an `inplace` keyword.
_INPLACE = {"relu", "relu6", "leaky_relu", "hardtanh", "hardsigmoid", "hardswish", "elu",
            "celu", "selu", "silu", "mish"}

# A tensor that passed _check_float is contiguous float32 on the CPU, so the
# functions below hand its address straight to the C function: the array
# functions' general conversions cost several times torch's own call on a
# small tensor. Whatever the C function refuses goes to the array function
# instead, which refuses it too and raises its usual error.
_F32 = _torch.float32
_Tensor = _torch.Tensor
_empty_like = _torch.empty_like
_grad_enabled = _torch.is_grad_enabled


def _check_tensor(t, name, where, dtypes, what):
    """t made contiguous when it is a CPU tensor of one of ``dtypes``, else
    TypeError saying that nonlin.torch computes ``what``."""
    if isinstance(t, _Tensor) and t.is_cpu and t.dtype in dtypes:
        return t.contiguous()
    if not isinstance(t, _Tensor):
        raise TypeError("%s: argument '%s' must be a torch.Tensor, not %s"
                        % (where, name, type(t).__name__))
    raise TypeError("%s: argument '%s' is a %s tensor on %s; nonlin.torch computes "
                    "%s CPU tensors" % (where, name, t.dtype, t.device, what))


def _check_float(t, name, where):
    return _check_tensor(t, name, where, (_F32,), "float32")


# The activations' C function suffix for each tensor dtype they take.
_SUFFIXES = {_F32: "f32", _torch.bfloat16: "bf16", _torch.float16: "f16"}
# The array functions' dtype keyword for the 16-bit ones.
_HALF_NAMES = {_torch.bfloat16: "bfloat16", _torch.float16: "float16"}


def _check_typed(t, name, where):
    return _check_tensor(t, name, where, _SUFFIXES, "float32, bfloat16 and float16")


def _c_functions(name):
    """The C functions of ``name`` by tensor dtype (the _SUFFIXES)."""
    return {dtype: getattr(_lib, "nonlin_%s_%s" % (name, suffix))
            for dtype, suffix in _SUFFIXES.items()}


def _check_activation_input(t, where):
    """Raises the TypeError of a tensor the activations do not take."""
    _check_typed(t, "input", where)


def _records_grad(*tensors):
    return _torch.is_grad_enabled() and any(t.requires_grad for t in tensors)


def _function(name, forward, backward):
    """A torch.autograd.Function; its nodes show as ``nonlin_<name>Backward``."""
    return type("nonlin_" + name, (_torch.autograd.Function,),
                {"forward": staticmethod(forward), "backward": staticmethod(backward)})


# The ops with a registry gradient from the input (sigmoid, tanh): their
# autograd saves x and uses it, more accurate than the gradient from y where
# y nears its limits.
_GRADIENT_FROM_INPUT = {of: name for name, of, _, _ in _registry.GRADIENTS}


def _elementwise_function(name, from_input, params, forward_c, refused):
    """The autograd Function of y = op(x, *params); the backward takes x or
    y as the registry says, x where a gradient from the input exists.
    forward_c: the C functions by dtype; refused(kernel, *tensors, p): what
    a call the C function refused gives (the array function's error)."""
    backward_name = _GRADIENT_FROM_INPUT.get(name, name + "_backward")
    from_input = from_input or name in _GRADIENT_FROM_INPUT
    backward_c = _c_functions(backward_name)
    kernel, kernel_backward = getattr(_nonlin, name), getattr(_nonlin, backward_name)
    no_grads = (None,) * len(params)

    def forward(ctx, x, *p):
        y = _empty_like(x)
        if forward_c[x.dtype](x.numel(), x.data_ptr(), y.data_ptr(), *p):
            y = refused(kernel, x, p)
        ctx.params = p
        ctx.save_for_backward(x if from_input else y)
        return y

    def backward(ctx, dy):
        (v,) = ctx.saved_tensors
        p = ctx.params
        dy = dy.contiguous()
        dx = _empty_like(v)
        if dy.dtype is not v.dtype or backward_c[v.dtype](v.numel(), v.data_ptr(),
                                                          dy.data_ptr(), dx.data_ptr(), *p):
            dx = refused(kernel_backward, v, dy, p)
        return (dx,) + no_grads

    return _function(name, forward, backward)


def _elementwise(name, backward_from, params):
    """The torch.nn.functional-style function of one registry op."""
    where = "nonlin.torch." + name
    keywords = [k for k, _ in params]
    defaults = dict(params)
    default_values = tuple(float(v) for _, v in params)
    inplace_kw = name in _INPLACE
    kernel = getattr(_nonlin, name)
    forward_c = _c_functions(name)

    def refused(array_function, *args):
        """A call the C function refused (its parameters): the array
        function, on float32 copies, raises its error; were it to return,
        its result in the first tensor's dtype."""
        *tensors, p = args
        return array_function(*(t.float() for t in tensors), *p).to(tensors[0].dtype)

    function = _elementwise_function(name, backward_from == "input", params, forward_c, refused)

    def parameters(args, kwargs):
        """The float parameters and the inplace flag."""
        inplace = kwargs.pop("inplace", False) if inplace_kw else False
        if len(args) > len(keywords):
            raise TypeError("%s takes at most %d parameters after input" % (where, len(keywords)))
        values = dict(zip(keywords, args))
        for k, v in kwargs.items():
            if k not in defaults or k in values:
                raise TypeError("%s: unexpected or repeated argument '%s'" % (where, k))
            values[k] = v
        return [float(values.get(k, defaults[k])) for k in keywords], inplace

    def in_place(input, p):
        c = forward_c.get(input.dtype) if isinstance(input, _Tensor) and input.is_cpu else None
        if c is None:
            _check_activation_input(input, where)
        if _records_grad(input):
            raise RuntimeError("%s: inplace=True on a tensor that requires grad; autograd "
                               "needs the input" % where)
        x = input.contiguous()
        if c(x.numel(), x.data_ptr(), x.data_ptr(), *p):
            refused(kernel, x, p)
        if x is not input:
            input.copy_(x)
        return input

    def fn(input, *args, **kwargs):
        p = default_values
        if args or kwargs:
            p, inplace = parameters(args, kwargs)
            if inplace:
                return in_place(input, p)
        c = forward_c.get(input.dtype) if isinstance(input, _Tensor) and input.is_cpu else None
        if c is None:
            _check_activation_input(input, where)
        x = input.contiguous()
        if x.requires_grad and _grad_enabled():
            return function.apply(x, *p)
        y = _empty_like(x)
        if c(x.numel(), x.data_ptr(), y.data_ptr(), *p):
            return refused(kernel, x, p)
        return y

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = ("%s(input%s%s): torch.nn.functional.%s computed by nonlin, with its "
                  "gradient.\n\n%s" % (name, "".join(", %s=%r" % kv for kv in params),
                                       ", inplace=False" if inplace_kw else "", name,
                                       kernel.__doc__ or ""))
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


def _axis_sizes(shape, dim):
    """(outer, axis length, inner) of ``shape`` around axis ``dim``; None
    for a dim that is not an int or out of range, and for an empty axis,
    which the array functions refuse or handle."""
    if type(dim) is not int:
        return None
    ndim = len(shape)
    if dim < 0:
        dim += ndim
    if not 0 <= dim < ndim or not shape[dim]:
        return None
    return _math.prod(shape[:dim]), shape[dim], _math.prod(shape[dim + 1:])


def _softmax(name, log):
    where = "nonlin.torch." + name
    kernel, kernel_backward = getattr(_nonlin, name), getattr(_nonlin, name + "_backward")
    forward_c = _c_functions(name)
    backward_c = _c_functions(name + "_backward")

    def run(x, dim, sizes):
        if sizes is not None:
            y = _empty_like(x)
            if not forward_c[x.dtype](*sizes, x.data_ptr(), y.data_ptr()):
                return y
        # The array function's error, or its empty result, in x's dtype.
        return kernel(x if x.dtype is _F32 else x.float(), axis=dim).to(x.dtype)

    def forward(ctx, x, dim, sizes):
        y = run(x, dim, sizes)
        ctx.dim, ctx.sizes = dim, sizes
        ctx.save_for_backward(y)
        return y

    def backward(ctx, dy):
        (y,) = ctx.saved_tensors
        dy = dy.contiguous()
        if ctx.sizes is not None and dy.dtype is y.dtype:
            dx = _empty_like(y)
            if not backward_c[y.dtype](*ctx.sizes, y.data_ptr(), dy.data_ptr(), dx.data_ptr()):
                return dx, None, None
        return kernel_backward(y.float(), dy.float(), axis=ctx.dim).to(y.dtype), None, None

    function = _function(name, forward, backward)

    def fn(input, dim=None, dtype=None):
        if dim is None:
            raise TypeError("%s: give dim (torch's implicit choice is deprecated)" % where)
        if dtype is not None and dtype not in _SUFFIXES:
            raise TypeError("%s: dtype %s; nonlin.torch computes float32, bfloat16 and float16"
                            % (where, dtype))
        if not (isinstance(input, _Tensor) and input.is_cpu and input.dtype in _SUFFIXES):
            _check_activation_input(input, where)  # raises
        # torch's dtype argument: the input is cast to it first.
        x = (input if dtype is None else input.to(dtype)).contiguous()
        sizes = _axis_sizes(x.shape, dim)
        if x.requires_grad and _grad_enabled():
            return function.apply(x, dim, sizes)
        return run(x, dim, sizes)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = ("torch.nn.functional.%s(input, dim, dtype=None) computed by nonlin, with its "
                  "gradient: float32, bfloat16 and float16 CPU tensors, the result in the "
                  "input's dtype (or dtype's, the input cast to it first)." % name)
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
    x = _check_typed(input, "input", where)
    if x.dim() != 2:
        raise NotImplementedError("%s: input of shape %s; nonlin's kernels take (N, C)"
                                  % (where, tuple(x.shape)))
    if not isinstance(target, _torch.Tensor) or target.dtype is not _torch.int64 \
            or not target.is_cpu:
        raise TypeError("%s: target must be an int64 CPU tensor of class indices" % where)
    _check_reduction(reduction, where)
    return x, target.contiguous()


def _loss_value(value, like):
    """The loss (a float, or float32 per row) in the input's dtype, as torch
    gives it; a 16-bit loss is the float32 one rounded once."""
    if isinstance(value, _torch.Tensor):
        return value.to(like.dtype)
    return _torch.tensor(value, dtype=like.dtype)


_CROSS_ENTROPY = _c_functions("cross_entropy")


def _cross_entropy(x, target, ignore_index, reduction, with_grad):
    """(loss tensor, gradient or None) of checked arguments."""
    rows, classes = x.shape
    if target.shape == (rows,) and type(ignore_index) is int \
            and _INT64_MIN <= ignore_index <= _INT64_MAX:
        code = _REDUCTIONS[reduction]
        # The loss in float32 whatever the logits' type; the gradient in theirs.
        loss = _torch.empty((rows,) if code == _REDUCTIONS["none"] else (), dtype=_F32)
        grad = _empty_like(x) if with_grad else None
        if not _CROSS_ENTROPY[x.dtype](rows, classes, x.data_ptr(), target.data_ptr(),
                                       loss.data_ptr(), grad.data_ptr() if with_grad else None,
                                       ignore_index, code):
            return _loss_value(loss, x), grad
    found = _nonlin.cross_entropy(x, target, ignore_index=ignore_index, reduction=reduction,
                                  return_grad=with_grad)
    loss, grad = found if with_grad else (found, None)
    return _loss_value(loss, x), grad


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
    bfloat16 and float16 logits of shape (C) or (N, C) with class indices,
    no weight and no label smoothing, call the 16-bit kernel: the loss is
    computed in float32 and returned rounded to the logits' dtype, the
    gradient rounded once.
    """
    where = "nonlin.torch.cross_entropy"
    _no_legacy(where, size_average, reduce)
    _check_reduction(reduction, where)
    x = _check_typed(input, "input", where)
    if x.dim() == 0:
        raise ValueError("%s: input is 0-d; it needs a class axis" % where)
    if not isinstance(target, _torch.Tensor) or target.device.type != "cpu":
        raise TypeError("%s: target must be a CPU tensor: int64 class indices or float32 "
                        "probabilities" % where)
    unbatched = x.dim() == 1
    if unbatched:
        x, target = x.unsqueeze(0), target.unsqueeze(0)
    if weight is None and label_smoothing == 0.0 and x.dim() == 2 \
            and target.dtype == _torch.int64:
        # PyTorch's defaults on (N, C): the fused kernel, called directly
        # (most calls; the per-call cost matters at small sizes).
        t = target.contiguous()
        if _records_grad(x):
            loss = _LossWithGrad.apply(
                x, lambda: _cross_entropy(x.detach(), t, ignore_index, reduction, True),
                reduction)
        else:
            loss = _cross_entropy(x, t, ignore_index, reduction, False)[0]
        return loss.squeeze(0) if unbatched and reduction == "none" else loss
    if x.dtype is not _F32:
        raise TypeError("%s: %s input takes class-index targets of shape (N) (or ()), without "
                        "weight or label_smoothing; the other forms compute float32"
                        % (where, x.dtype))
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
        ctx.dtype = _HALF_NAMES.get(x.dtype)
        return _loss_value(_nonlin.nll_loss(x, target, ignore_index=ignore_index,
                                            reduction=reduction), x)

    @staticmethod
    def backward(ctx, dloss):
        (target,) = ctx.saved_tensors
        # dloss in float32 (exact from a 16-bit one); dx in the input's dtype.
        dx = _nonlin.nll_loss_backward(target, dloss.detach().float().contiguous(), ctx.classes,
                                       ignore_index=ctx.ignore_index, reduction=ctx.reduction,
                                       dtype=ctx.dtype)
        return dx, None, None, None


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """torch.nn.functional.nll_loss on (N, C) log-probabilities, computed by
    nonlin, with its gradient; float32, bfloat16 or float16 (the loss and
    the gradient in the input's dtype)."""
    x, t = _loss_arguments("nonlin.torch.nll_loss", input, target, weight, reduction,
                           size_average=size_average, reduce=reduce)
    return _NllLoss.apply(x, t, ignore_index, reduction)


from nonlin._torch_masked import logsumexp, masked_softmax  # noqa: E402,F401  (likewise)
from nonlin import _torch_nn as nn  # noqa: E402  (it uses the functions above)
