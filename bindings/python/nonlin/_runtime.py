"""Process-wide settings and facts: version, instruction set, accuracy tier,
threads."""

import contextlib
import operator

from ._capi import lib
from ._errors import Status, error


def version():
    """The C library's version string, ``"major.minor.patch"``."""
    return lib.nonlin_version_string().decode()


def _version_info():
    number = lib.nonlin_version()
    return (number // 10000, number // 100 % 100, number % 100)


def isa():
    """The name of the instruction set the kernels use now, as ``nonlin_isa``
    in nonlin.h reports it (``"scalar"`` runs on every CPU)."""
    return lib.nonlin_isa().decode()


def set_isa(name=None):
    """Selects the instruction set by name; ``None`` or ``"auto"`` picks the
    best this CPU supports. Returns the name now in use.

    The setting is process-wide (it also overrides the ``NONLIN_ISA``
    environment variable read at load). An unknown name, or a known one
    this CPU lacks, is RuntimeError; either way the selection is
    unchanged.
    """
    if name is not None and not isinstance(name, str):
        raise TypeError("nonlin.set_isa: argument 'name' must be a string or None, not %s"
                        % type(name).__name__)
    if name is not None and "\0" in name:
        # C would read the name up to the NUL and accept "avx2\0x" as "avx2".
        raise error(Status.BAD_ARGUMENT, "nonlin.set_isa", "name", repr(name))
    status = lib.nonlin_set_isa(None if name is None else name.encode())
    if status:
        raise error(status, "nonlin.set_isa", "name", repr(name))
    return isa()


def set_num_threads(n):
    """Sets how many threads large calls may use: ``n >= 1``, or 0 for the
    default (OpenMP's, usually the number of cores). Process-wide; results
    are bitwise the same for every setting. Negative ``n`` is RuntimeError."""
    n = operator.index(n)
    if n > 2**31 - 1:
        n = 2**31 - 1  # more threads than an int holds cannot matter
    status = lib.nonlin_set_num_threads(max(n, -1))
    if status:
        raise error(status, "nonlin.set_num_threads", "n", str(n))


def get_num_threads():
    """The number of threads large calls will use (at least 1)."""
    return lib.nonlin_get_num_threads()


# The tiers of nonlin_accuracy in nonlin.h, by their names.
_TIERS = {"strict": 0, "fast": 1}


def get_accuracy():
    """The accuracy tier calls use now: ``"strict"`` (the default: every
    bound of docs/ACCURACY.md) or ``"fast"``."""
    code = lib.nonlin_get_accuracy()
    return next(name for name, value in _TIERS.items() if value == code)


def set_accuracy(tier):
    """Selects the accuracy tier, ``"strict"`` or ``"fast"`` (see
    nonlin_set_accuracy in nonlin.h for the fast tier's bounds). Process-wide,
    like the instruction set: it overrides ``NONLIN_ACCURACY`` read at load.
    Any other value is ValueError and changes nothing."""
    if not isinstance(tier, str):
        raise TypeError("nonlin.set_accuracy: argument 'tier' must be a string, not %s"
                        % type(tier).__name__)
    if tier not in _TIERS:
        raise ValueError("nonlin.set_accuracy: unknown tier %r (expected 'strict' or 'fast')"
                         % tier)
    status = lib.nonlin_set_accuracy(_TIERS[tier])
    if status:
        raise error(status, "nonlin.set_accuracy", "tier", repr(tier))


@contextlib.contextmanager
def accuracy(tier):
    """``with nonlin.accuracy("fast"):`` runs its block in that tier and then
    restores the tier it found. The tier is process-wide: other threads'
    calls during the block use it too."""
    previous = get_accuracy()
    set_accuracy(tier)
    try:
        yield
    finally:
        set_accuracy(previous)
