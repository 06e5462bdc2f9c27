"""nonlin: vectorized, numerically stable activation functions and their
gradients, over the C library ``libnonlin`` through ctypes.

Functions
---------
sigmoid, tanh                       elementwise, ``f(x, out=None)``
sigmoid_backward, tanh_backward     from the forward output, ``f(y, dy, out=None)``
softmax, log_softmax                along any axis, ``f(x, axis=-1, out=None)``
softmax_backward, log_softmax_backward
                                    ``f(y, dy, axis=-1, out=None)``
nll_loss, nll_loss_backward, cross_entropy
                                    losses on ``(rows, classes)`` inputs
isa, set_isa, set_num_threads, get_num_threads, version, version_info

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
