"""Process-wide settings and facts: version, instruction set, threads."""

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
