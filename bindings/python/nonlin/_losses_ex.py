"""The losses with PyTorch's options: cross-entropy over ``(N, C)`` or
``(N, C, d1, ...)`` logits with class weights, ``ignore_index`` and label
smoothing, against class indices or probabilities, and binary
cross-entropy on logits with ``weight`` and ``pos_weight``."""

from ._arrays import float_input, float_output, index_input, size_of
from ._capi import lib
from ._errors import Status, error
from ._losses import _Loss, _fail, _ignore_index, _reduction


def _class_axis(shape, where):
    """``(outer, classes, inner)`` of logits of shape (N, C, d1, ...)."""
    if len(shape) < 2:
        raise ValueError("%s: argument 'logits' must be (N, C) or (N, C, d1, ...), not of "
                         "shape %s" % (where, shape))
    return shape[0], shape[1], size_of(shape[2:])


def _per_class(values, name, classes, where):
    """A float32 argument of one value per class, or None: ``(holder, address)``."""
    if values is None:
        return None, None
    hold, address, shape, _ = float_input(values, name, where)
    if shape != (classes,):
        raise ValueError("%s: argument '%s' has shape %s, expected (%d,): one value per class"
                         % (where, name, shape, classes))
    return hold, address


def _smoothing(value, where):
    value = float(value)
    if not 0.0 <= value <= 1.0:  # NaN included
        raise error(Status.BAD_ARGUMENT, where, "label_smoothing",
                    "%r is not in [0, 1]" % value, kind=ValueError)
    return value


def _gradient(return_grad, shape, flavor, where):
    if not return_grad:
        return None, None, None
    return float_output(None, shape, flavor, "grad", where)


def cross_entropy_ex(logits, target, weight=None, ignore_index=-100, reduction="mean",
                     label_smoothing=0.0, return_grad=False):
    """Cross-entropy with PyTorch's options against class indices.

    ``logits`` is ``(N, C)`` or ``(N, C, d1, ...)`` (the class axis second,
    as PyTorch's), ``target`` one class index per position, of shape
    ``(N,)`` or ``(N, d1, ...)``. ``weight``: ``None`` or one float per
    class. A target equal to ``ignore_index`` adds nothing and is not
    counted. With ``label_smoothing`` eps in [0, 1] the target is
    ``(1 - eps) onehot + eps / C``. ``"mean"`` divides by the sum of the
    weights of the targets that are not ignored (NaN when there are none),
    ``"sum"`` sums, ``"none"`` returns the losses in the target's shape.

    With ``return_grad=True`` returns ``(loss, grad)``, ``grad`` of the
    logits' shape: the gradient of the returned loss (of the sum of the
    losses for ``"none"``).

    ValueError for a target outside ``[0, C)`` that is not ignore_index,
    shapes that do not fit, smoothing outside [0, 1], an unknown reduction;
    TypeError for dtypes that are not float32 (logits, weight) or integer
    (target).
    """
    where = "nonlin.cross_entropy_ex"
    code = _reduction(reduction, where)
    ignore_index = _ignore_index(ignore_index, where)
    eps = _smoothing(label_smoothing, where)
    hold, x, shape, flavor = float_input(logits, "logits", where)
    outer, classes, inner = _class_axis(shape, where)
    positions = (shape[0],) + tuple(shape[2:])
    target_hold, t, tshape, _ = index_input(target, "target", where)
    if tuple(tshape) != positions:
        raise ValueError("%s: argument 'target' has shape %s, expected %s: one class index per "
                         "position of logits %s" % (where, tshape, positions, shape))
    w_hold, w = _per_class(weight, "weight", classes, where)
    loss = _Loss(code, positions, flavor, where)
    g_hold, g, finish = _gradient(return_grad, shape, flavor, where)
    status = lib.nonlin_cross_entropy_ex_f32(outer, classes, inner, x, t, w, loss.address, g,
                                             ignore_index, eps, code)
    if status:
        raise _fail(status, where, "logits", shape, target_hold, classes, ignore_index)
    return (loss.value(), finish()) if return_grad else loss.value()


def cross_entropy_probs(logits, probs, weight=None, reduction="mean", label_smoothing=0.0,
                        return_grad=False):
    """Cross-entropy against probabilities: ``probs`` has the logits' shape
    (PyTorch's cross_entropy with float targets). ``"mean"`` divides by the
    number of positions (N d1 ...), not by the weights. The other arguments
    and the results are as in ``cross_entropy_ex``.
    """
    where = "nonlin.cross_entropy_probs"
    code = _reduction(reduction, where)
    eps = _smoothing(label_smoothing, where)
    hold, x, shape, flavor = float_input(logits, "logits", where)
    outer, classes, inner = _class_axis(shape, where)
    p_hold, p, pshape, _ = float_input(probs, "probs", where)
    if tuple(pshape) != tuple(shape):
        raise ValueError("%s: argument 'probs' has shape %s, expected the logits' %s"
                         % (where, pshape, shape))
    w_hold, w = _per_class(weight, "weight", classes, where)
    loss = _Loss(code, (shape[0],) + tuple(shape[2:]), flavor, where)
    g_hold, g, finish = _gradient(return_grad, shape, flavor, where)
    status = lib.nonlin_cross_entropy_probs_f32(outer, classes, inner, x, p, w, loss.address,
                                                g, eps, code)
    if status:
        raise error(status, where, "logits", "shape %s" % (shape,))
    return (loss.value(), finish()) if return_grad else loss.value()


def binary_cross_entropy_with_logits(logits, target, weight=None, pos_weight=None,
                                     reduction="mean", return_grad=False):
    """Binary cross-entropy on logits, as PyTorch's
    ``binary_cross_entropy_with_logits``: stable for any logit.

    ``logits`` and ``target`` (floats, usually in [0, 1]) have one shape;
    its last axis holds the classes (a 0-d or 1-D input is one row).
    ``weight`` and ``pos_weight``: ``None`` or one float per class (the
    last axis). ``"mean"`` divides by the number of elements, ``"none"``
    returns the losses in the logits' shape. ``return_grad`` as in
    ``cross_entropy_ex``.
    """
    where = "nonlin.binary_cross_entropy_with_logits"
    code = _reduction(reduction, where)
    hold, x, shape, flavor = float_input(logits, "logits", where)
    t_hold, t, tshape, _ = float_input(target, "target", where)
    if tuple(tshape) != tuple(shape):
        raise ValueError("%s: argument 'target' has shape %s, expected the logits' %s"
                         % (where, tshape, shape))
    classes = shape[-1] if shape else 1
    rows = size_of(shape[:-1]) if shape else 1
    w_hold, w = _per_class(weight, "weight", classes, where)
    pw_hold, pw = _per_class(pos_weight, "pos_weight", classes, where)
    loss = _Loss(code, tuple(shape), flavor, where)
    g_hold, g, finish = _gradient(return_grad, tuple(shape), flavor, where)
    status = lib.nonlin_binary_cross_entropy_with_logits_f32(rows, classes, x, t, w, pw,
                                                             loss.address, g, code)
    if status:
        raise error(status, where, "logits", "shape %s" % (shape,))
    return (loss.value(), finish()) if return_grad else loss.value()


__all__ = ["cross_entropy_ex", "cross_entropy_probs", "binary_cross_entropy_with_logits"]
