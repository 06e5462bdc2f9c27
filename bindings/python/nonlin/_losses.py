"""The losses: NLL on log-probabilities, its gradient, and the fused
cross-entropy on logits. Inputs are 2-D ``(rows, classes)``, targets one
integer class index per row."""

import ctypes
import operator

from ._arrays import INT64_MAX, INT64_MIN, NUMPY, TORCH, float_input, float_output, index_input
from ._capi import lib
from ._errors import Status, error
from ._half import half_kind, typed_function, typed_input, typed_output

_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}


def _reduction(reduction, where):
    try:
        return _REDUCTIONS[reduction]
    except (KeyError, TypeError):
        raise error(Status.BAD_ARGUMENT, where, "reduction",
                    "%r is not one of 'none', 'mean', 'sum'" % (reduction,),
                    kind=ValueError) from None


def _ignore_index(value, where):
    value = operator.index(value)
    if not INT64_MIN <= value <= INT64_MAX:
        raise error(Status.BAD_ARGUMENT, where, "ignore_index",
                    "%d does not fit in int64" % value, kind=ValueError)
    return value


def _rows_classes(shape, name, where):
    if len(shape) != 2:
        raise ValueError("%s: argument '%s' must be 2-D (rows, classes), not of shape %s"
                         % (where, name, shape))
    return shape


def _check_target(tshape, rows, where):
    if tshape != (rows,):
        raise ValueError("%s: argument 'target' has shape %s, expected (%d,): one class "
                         "index per row" % (where, tshape, rows))


def _fail(status, where, name, shape, target, classes, ignore_index):
    """The exception for a C status, naming the first bad target if any;
    ``name`` is the 2-D array argument, ``target`` the int64 holder."""
    if status == Status.BAD_TARGET:
        try:
            values = memoryview(target).cast("B").cast("q")
        except TypeError:  # a torch tensor holds the targets
            values = target.reshape(-1).tolist()
        for row, t in enumerate(values):
            if t != ignore_index and not 0 <= t < classes:
                return error(status, where, "target",
                             "row %d has class %d, outside [0, %d) and not ignore_index %d"
                             % (row, t, classes, ignore_index))
        return error(status, where, "target")
    if status == Status.BAD_SHAPE:
        return error(status, where, name, "shape %s" % (shape,))
    return error(status, where, "out")


class _Loss:
    """Where the loss goes: one value per row (``none``; ``rows`` may be a
    shape) or one float."""

    def __init__(self, reduction, rows, flavor, where):
        if reduction == _REDUCTIONS["none"]:
            shape = rows if isinstance(rows, tuple) else (rows,)
            self.holder, self.address, self._finish = float_output(None, shape, flavor,
                                                                   "loss", where)
        else:
            self.holder = ctypes.c_float()
            self.address = ctypes.addressof(self.holder)
            self._finish = lambda: float(self.holder.value)

    def value(self):
        return self._finish()


class _LossArguments:
    """The checked and converted arguments shared by nll_loss and
    cross_entropy: a (rows, classes) float input, one target per row, the
    ignore index, the reduction, and the loss output."""

    def __init__(self, where, values, name, target, ignore_index, reduction, dtype):
        self.where = where
        self.name = name
        self.code = _reduction(reduction, where)
        self.ignore_index = _ignore_index(ignore_index, where)
        self.kind = half_kind((values,), dtype, where)
        self._hold, self.input, self.shape, self.flavor = typed_input(values, name, where,
                                                                      self.kind)
        self.rows, self.classes = _rows_classes(self.shape, name, where)
        self._target_hold, self.target, tshape, _ = index_input(target, "target", where)
        _check_target(tshape, self.rows, where)
        self.loss = _Loss(self.code, self.rows, self.flavor, where)

    def failure(self, status):
        return _fail(status, self.where, self.name, self.shape, self._target_hold,
                     self.classes, self.ignore_index)


def nll_loss(input, target, ignore_index=-100, reduction="mean", dtype=None):
    """Negative log-likelihood of log-probabilities: ``loss_r = -input[r, target[r]]``.

    ``input`` is a 2-D ``(rows, classes)`` float32 array of log-probabilities
    (e.g. from ``log_softmax``), ``target`` one class index per row (any
    integer array, buffer or list; converted to int64). Rows whose target
    equals ``ignore_index`` are skipped: loss 0 and not counted by the mean.

    ``reduction``: ``"mean"`` (over non-ignored rows; NaN if there are
    none) or ``"sum"`` return a Python float; ``"none"`` returns one loss
    per row as a float32 array (numpy, or ``array.array('f')`` for buffer
    inputs and without numpy).

    ValueError for a target outside ``[0, classes)`` (the message names the
    row), bad shapes or an unknown reduction; TypeError for float64 input
    or non-integer targets.

    A float16 ``input`` (or uint16 bfloat16 bits with ``dtype="bfloat16"``)
    calls the 16-bit function; the loss stays float32.
    """
    a = _LossArguments("nonlin.nll_loss", input, "input", target, ignore_index, reduction, dtype)
    status = typed_function(lib, "nonlin_nll_loss_f32", a.kind)(
        a.rows, a.classes, a.input, a.target, a.loss.address, a.ignore_index, a.code)
    if status:
        raise a.failure(status)
    return a.loss.value()


def nll_loss_backward(target, dloss, classes, ignore_index=-100, reduction="mean", out=None,
                      dtype=None):
    """Gradient of ``nll_loss`` with respect to its input.

    ``target`` holds one class index per row, ``dloss`` the gradient of the
    loss: one value per row for ``reduction="none"``, a scalar otherwise.
    Returns a ``(rows, classes)`` float32 array, zero except
    ``[r, target[r]] = -dloss`` (divided by the count of non-ignored rows
    for ``"mean"``); ignored rows are zero. Written to ``out`` when given
    (left untouched on error). Result type: numpy unless ``target`` is a
    non-numpy buffer or numpy is missing, then ``array.array('f')``.
    ``dtype="float16"`` or ``"bfloat16"`` (or a float16 ``out``) gives the
    gradient in that type (bfloat16 as uint16 bits); ``dloss`` stays float32.
    """
    where = "nonlin.nll_loss_backward"
    kind = half_kind((out,), dtype, where)
    code = _reduction(reduction, where)
    ignore_index = _ignore_index(ignore_index, where)
    classes = operator.index(classes)
    if classes < 0:
        raise error(Status.BAD_SHAPE, where, "classes", "%d is negative" % classes)
    th, ta, tshape, flavor = index_input(target, "target", where)
    if len(tshape) != 1:
        raise ValueError("%s: argument 'target' must be 1-D, not of shape %s" % (where, tshape))
    rows = tshape[0]
    dh, da, dshape, _ = float_input(dloss, "dloss", where)
    expected = ((rows,),) if code == _REDUCTIONS["none"] else ((), (1,))
    if dshape not in expected:
        raise ValueError("%s: argument 'dloss' has shape %s, expected %s for reduction %r"
                         % (where, dshape, expected[0], reduction))
    # A 16-bit gradient comes back as a torch tensor for torch targets, else
    # as a numpy array.
    oh, oa, finish = typed_output(out, (rows, classes),
                                  flavor if kind is None or flavor is TORCH else NUMPY,
                                  "out", where, kind)
    status = typed_function(lib, "nonlin_nll_loss_backward_f32", kind)(
        rows, classes, ta, da, oa, ignore_index, code)
    if status:
        raise _fail(status, where, "classes", (rows, classes), th, classes, ignore_index)
    return finish()


def cross_entropy(logits, target, ignore_index=-100, reduction="mean", return_grad=False,
                  dtype=None):
    """Cross-entropy of logits against class indices, in one fused pass.

    Equal to ``nll_loss(log_softmax(logits, axis=1), target, ...)`` but
    computed without the intermediate array, in double inside each row.
    ``logits`` is 2-D ``(rows, classes)``; the other arguments and the loss
    are as in ``nll_loss``.

    With ``return_grad=True`` returns ``(loss, grad)``: ``grad`` has the
    shape of ``logits`` and is the gradient of the returned loss
    (``softmax - onehot``, divided by the count for ``"mean"``), or of the
    sum of the per-row losses for ``"none"``; ignored rows get zero.

    float16 ``logits`` (or uint16 bfloat16 bits with ``dtype="bfloat16"``)
    call the 16-bit function: the loss stays float32, ``grad`` has the
    logits' type.
    """
    a = _LossArguments("nonlin.cross_entropy", logits, "logits", target, ignore_index, reduction,
                       dtype)
    gh, ga, finish = (typed_output(None, a.shape, a.flavor, "grad", a.where, a.kind)
                      if return_grad else (None, None, None))
    status = typed_function(lib, "nonlin_cross_entropy_f32", a.kind)(
        a.rows, a.classes, a.input, a.target, a.loss.address, ga, a.ignore_index, a.code)
    if status:
        raise a.failure(status)
    return (a.loss.value(), finish()) if return_grad else a.loss.value()
