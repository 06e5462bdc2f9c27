"""nonlin: vectorized, numerically stable activation functions and their
gradients, over the C library ``libnonlin`` through ctypes.

Functions
---------
Activations, elementwise: ``f(x, [parameters,] out=None)``

    sigmoid, tanh, relu, relu6, leaky_relu(negative_slope=0.01),
    hardtanh(min_val=-1.0, max_val=1.0), hardsigmoid, hardswish, softsign,
    exp, elu(alpha=1.0), celu(alpha=1.0), selu,
    softplus(beta=1.0, threshold=20.0), logsigmoid, silu, mish, gelu_tanh,
    gelu

Their gradients: ``sigmoid_backward(y, dy, out=None)`` and
``tanh_backward(y, dy, out=None)`` from the forward output; every other
``<name>_backward(x, dy, [parameters,] out=None)`` from the forward input:

    relu_backward, relu6_backward, leaky_relu_backward, hardtanh_backward,
    hardsigmoid_backward, hardswish_backward, softsign_backward,
    exp_backward, elu_backward, celu_backward, selu_backward,
    softplus_backward, logsigmoid_backward, silu_backward, mish_backward,
    gelu_tanh_backward, gelu_backward

Along one axis: ``f(x, axis=-1, out=None)``, gradients
``f(y, dy, axis=-1, out=None)``; an axis of length 0 gives an empty
result, one out of range is numpy's AxisError (IndexError without numpy):

    softmax, log_softmax, softmax_backward, log_softmax_backward

Losses on ``(rows, classes)`` inputs with one class index per row:

    nll_loss(input, target, ignore_index=-100, reduction="mean")
    nll_loss_backward(target, dloss, classes, ignore_index=-100,
                      reduction="mean", out=None)
    cross_entropy(logits, target, ignore_index=-100, reduction="mean",
                  return_grad=False)

Runtime: version(), version_info, isa(), set_isa(name=None),
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

from . import _capi, _ops
from ._errors import Status
from ._losses import cross_entropy, nll_loss, nll_loss_backward
from ._runtime import (_version_info, get_num_threads, isa, set_isa, set_num_threads,
                       version)
from ._version import __version__

library_path = _capi.path
version_info = _version_info()

# The table's functions, one per row of _table.OPS.
_generated = _ops.build()
globals().update(_generated)

__all__ = ["Status", "cross_entropy", "get_num_threads", "isa", "library_path",
           "nll_loss", "nll_loss_backward", "set_isa", "set_num_threads", "version",
           "version_info"] + sorted(_generated)
