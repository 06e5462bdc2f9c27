"""C status codes and the exceptions they become.

Every message starts with the Python function's name and the C library's
own status string, then names the argument at fault, so an error reads the
same whether the C library or the binding's own checks found it.
"""

import enum

from ._capi import lib


class Status(enum.IntEnum):
    """``nonlin_status`` values; part of the C ABI, they never change."""
    OK = 0
    NULL_POINTER = 1
    BAD_SHAPE = 2
    OVERLAP = 3
    BAD_TARGET = 4
    BAD_ARGUMENT = 5
    UNSUPPORTED = 6


# Shapes, targets and overlap are ValueError (what numpy raises for them);
# every other status (a bad argument the C library refused, an ISA the CPU
# lacks, a code this binding does not know) is RuntimeError. Arguments the
# binding checks itself before the call (a reduction name, an axis) raise
# ValueError there.
_EXCEPTION = {
    Status.BAD_SHAPE: ValueError,
    Status.OVERLAP: ValueError,
    Status.BAD_TARGET: ValueError,
}


def status_string(status):
    """The C library's name for ``status`` (``nonlin_status_string``)."""
    return lib.nonlin_status_string(int(status)).decode()


def error(status, where, argument, detail=None, kind=None):
    """The exception for a nonzero ``status`` returned to function ``where``.

    ``argument`` names the argument at fault; ``detail`` says what is wrong
    with it. The exception's ``status`` attribute holds the code. ``kind``
    overrides the exception class, for the binding's own checks of Python
    values (a reduction name, an out-of-range integer), which are
    ValueError as Python users expect.
    """
    message = "%s: %s (argument '%s'%s)" % (
        where, status_string(status), argument, ": " + detail if detail else "")
    try:
        status = Status(status)
    except ValueError:
        pass  # a code from a newer library: still reported, as RuntimeError
    exc = (kind or _EXCEPTION.get(status, RuntimeError))(message)
    exc.status = status
    return exc
