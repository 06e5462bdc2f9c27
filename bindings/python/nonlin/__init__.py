"""nonlin: vectorized, numerically stable activation functions and their
gradients, over the C library ``libnonlin`` through ctypes.

Functions
---------
Activations, elementwise: ``f(x, [parameters,] out=None)``

{elementwise}

Their gradients, ``<name>_backward``: from the forward output,
``f(y, dy, out=None)``:

{from_output}

from the forward input, ``f(x, dy, [parameters,] out=None)``:

{from_input}

Along one axis: ``f(x, axis=-1, out=None)``, gradients
``f(y, dy, axis=-1, out=None)``; an axis of length 0 gives an empty
result, one out of range is numpy's AxisError (IndexError without numpy):

{axis}

Masked and scaled softmax (attention) and logsumexp, along one axis:

    masked_softmax(x, mask=None, axis=-1, scale=1.0, empty_row="nan",
                   out=None), masked_log_softmax(...) (same arguments),
    logsumexp(x, axis=-1, keepdims=False, out=None),
    logsumexp_backward(x, y, dy, axis=-1, out=None)

Losses on ``(rows, classes)`` inputs with one class index per row:

    nll_loss(input, target, ignore_index=-100, reduction="mean")
    nll_loss_backward(target, dloss, classes, ignore_index=-100,
                      reduction="mean", out=None)
    cross_entropy(logits, target, ignore_index=-100, reduction="mean",
                  return_grad=False)

Losses with PyTorch's options (class axis second: (N, C) or (N, C, d1, ...)):

    cross_entropy_ex(logits, target, weight=None, ignore_index=-100,
                     reduction="mean", label_smoothing=0.0, return_grad=False)
    cross_entropy_probs(logits, probs, weight=None, reduction="mean",
                        label_smoothing=0.0, return_grad=False)
    binary_cross_entropy_with_logits(logits, target, weight=None,
                                     pos_weight=None, reduction="mean",
                                     return_grad=False)

Runtime: version(), version_info, isa(), set_isa(name=None),
get_accuracy(), set_accuracy(tier), accuracy(tier) (a context manager),
set_num_threads(n), get_num_threads(), library_path, Status.

Arrays
------
A float32, C-contiguous numpy array is passed to C without a copy. Other
numpy arrays are handled as numpy users expect: non-contiguous ones are
copied to C order first (a cost: one copy of the data), integer ones
converted to float32; float64 is refused with TypeError (there is no
float64 kernel yet, and a silent cast would hide the rounding). Objects with
the buffer protocol (``array.array('f')``, ``memoryview``), lists and
scalars work too, with or without numpy; results for them come back as
``array.array('f')`` (flat, C order) or, for lists and scalars when numpy
is installed, as numpy. ``out=`` receives the result in place and may be
an input itself.

CPU torch tensors are taken as their numpy view (no copy when float32 and
contiguous) and results come back as tensors sharing the result's memory;
``nonlin.torch`` (which needs torch; this package does not) records
gradients: torch.nn.functional's names and keywords, and ``nonlin.torch.nn``
its modules.

Errors
------
A nonzero C status becomes ValueError (bad shape, target or overlap) or
RuntimeError (any other: a bad argument, an instruction set this CPU
lacks); the message
holds the C library's status string and the argument at fault, and the
exception's ``status`` attribute the code (a ``nonlin.Status``). Outputs
are never written when a call fails.

Threads
-------
Every call releases the GIL while the C code runs, so Python threads can
call in parallel. Large calls are also split over the library's own
threads (``set_num_threads``); results do not depend on either.

The shared library is looked up in ``NONLIN_LIBRARY``, then inside this
package, then the build directories of a source checkout, then the system
loader; ``nonlin.library_path`` says which file was loaded.
"""

from . import _capi, _ops, _table
from ._errors import Status
from ._losses import cross_entropy, nll_loss, nll_loss_backward
from ._masked import logsumexp, logsumexp_backward, masked_log_softmax, masked_softmax
from ._losses_ex import binary_cross_entropy_with_logits, cross_entropy_ex, cross_entropy_probs
from ._runtime import (_version_info, accuracy, get_accuracy, get_num_threads, isa,
                       set_accuracy, set_isa, set_num_threads, version)
from ._version import __version__

library_path = _capi.path
version_info = _version_info()

# The table's functions, one per row of _table.OPS.
_generated = _ops.build()
globals().update(_generated)


def _listing(keep, with_params=False):
    """The names of the table's rows that ``keep`` selects, in table order,
    as an indented paragraph of at most 76 columns."""
    lines = [[]]
    for op in _table.OPS:
        if not keep(op):
            continue
        name = op.name
        if with_params and op.params:
            name += "(%s)" % ", ".join("%s=%r" % p for p in op.params)
        if lines[-1] and len("    " + ", ".join(lines[-1] + [name]) + ",") > 76:
            lines.append([])
        lines[-1].append(name)
    return ",\n".join("    " + ", ".join(line) for line in lines)


# The docstring's lists of array functions come from the table, so they
# name every function it generates.
if __doc__:  # None under python -OO
    for _marker, _text in (
            ("{elementwise}", _listing(lambda op: op.kind == _table.UNARY, True)),
            ("{from_output}", _listing(lambda op: op.kind == _table.UNARY_BACKWARD
                                       and not op.from_input)),
            ("{from_input}", _listing(lambda op: op.kind == _table.UNARY_BACKWARD
                                      and op.from_input)),
            ("{axis}", _listing(lambda op: op.kind in (_table.AXIS, _table.AXIS_BACKWARD)))):
        __doc__ = __doc__.replace(_marker, _text)
    del _marker, _text
del _listing

__all__ = ["Status", "accuracy", "binary_cross_entropy_with_logits", "cross_entropy", "cross_entropy_ex",
           "cross_entropy_probs", "get_accuracy", "get_num_threads", "isa", "library_path", "nll_loss",
           "nll_loss_backward", "set_accuracy", "set_isa", "set_num_threads", "version",
           "version_info"] + sorted(_generated)
__all__ += ["logsumexp", "logsumexp_backward", "masked_log_softmax", "masked_softmax"]
