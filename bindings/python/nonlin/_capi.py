"""ctypes declarations of every function in nonlin.h, and the version check.

Array arguments are declared ``c_void_p`` and passed as integer addresses:
the callers already hold the address (numpy's ``ctypes.data``, a buffer's
address), and a typed ``POINTER(c_float)`` would cost a conversion per
call. Sizes are ``c_size_t``, statuses and enums ``c_int`` (a C enum is an
int in the ABI), ``ignore_index`` is ``c_int64``.
"""

from ctypes import c_char_p, c_float, c_int, c_int64, c_size_t, c_uint32, c_void_p

from . import _loader, _table
from ._version import API_MAJOR

_ptr = c_void_p

# The signature of each calling shape in the table.
_KIND_ARGTYPES = {
    _table.UNARY: [c_size_t, _ptr, _ptr],
    _table.UNARY_BACKWARD: [c_size_t, _ptr, _ptr, _ptr],
    _table.AXIS: [c_size_t, c_size_t, c_size_t, _ptr, _ptr],
    _table.AXIS_BACKWARD: [c_size_t, c_size_t, c_size_t, _ptr, _ptr, _ptr],
}

# Every other function: name -> (restype, argtypes).
_OTHERS = {
    "nonlin_status_string": (c_char_p, [c_int]),
    "nonlin_version": (c_uint32, []),
    "nonlin_version_string": (c_char_p, []),
    "nonlin_isa": (c_char_p, []),
    "nonlin_set_isa": (c_int, [c_char_p]),
    "nonlin_set_accuracy": (c_int, [c_int]),
    "nonlin_get_accuracy": (c_int, []),
    "nonlin_set_num_threads": (c_int, [c_int]),
    "nonlin_get_num_threads": (c_int, []),
    # rows, classes, input, target, loss, ignore_index, reduction
    "nonlin_nll_loss_f32": (c_int, [c_size_t, c_size_t, _ptr, _ptr, _ptr, c_int64, c_int]),
    # rows, classes, target, dloss, dinput, ignore_index, reduction
    "nonlin_nll_loss_backward_f32": (c_int, [c_size_t, c_size_t, _ptr, _ptr, _ptr, c_int64,
                                             c_int]),
    # rows, classes, logits, target, loss, dlogits, ignore_index, reduction
    "nonlin_cross_entropy_f32": (c_int, [c_size_t, c_size_t, _ptr, _ptr, _ptr, _ptr, c_int64,
                                         c_int]),
    # outer, classes, inner, logits, target, weight, loss, dlogits, ignore_index,
    # label_smoothing, reduction
    "nonlin_cross_entropy_ex_f32": (c_int, [c_size_t, c_size_t, c_size_t, _ptr, _ptr, _ptr, _ptr,
                                            _ptr, c_int64, c_float, c_int]),
    # outer, classes, inner, logits, probs, weight, loss, dlogits, label_smoothing, reduction
    "nonlin_cross_entropy_probs_f32": (c_int, [c_size_t, c_size_t, c_size_t, _ptr, _ptr, _ptr,
                                               _ptr, _ptr, c_float, c_int]),
    # rows, classes, logits, target, weight, pos_weight, loss, dlogits, reduction
    "nonlin_binary_cross_entropy_with_logits_f32": (c_int, [c_size_t, c_size_t, _ptr, _ptr,
                                                            _ptr, _ptr, _ptr, _ptr, c_int]),
}

# The masked softmax family and logsumexp.
_MASKED = {
    # outer, axis, inner, mask_outer, x, mask, y, scale, empty_row
    "nonlin_masked_softmax_f32": (c_int, [c_size_t] * 4 + [_ptr] * 3 + [c_float, c_int]),
    "nonlin_masked_log_softmax_f32": (c_int, [c_size_t] * 4 + [_ptr] * 3 + [c_float, c_int]),
    # outer, axis, inner, x, y
    "nonlin_logsumexp_f32": (c_int, [c_size_t] * 3 + [_ptr] * 2),
    # outer, axis, inner, x, y, dy, dx
    "nonlin_logsumexp_backward_f32": (c_int, [c_size_t] * 3 + [_ptr] * 4),
}


def signatures():
    """Every C function the binding uses: name -> (restype, argtypes)."""
    found = {_table.symbol(op): (c_int, _KIND_ARGTYPES[op.kind] + [c_float] * len(op.params))
             for op in _table.OPS}
    # Every table function's 16-bit twins (_half.py): the same arguments.
    for op in _table.OPS:
        for kind in ("bf16", "f16"):
            found["nonlin_%s_%s" % (op.name, kind)] = found[_table.symbol(op)]
    for a, b in (("f32", "bf16"), ("bf16", "f32"), ("f32", "f16"), ("f16", "f32")):
        found["nonlin_%s_to_%s" % (a, b)] = (c_int, [c_size_t, _ptr, _ptr])
    found.update(_OTHERS)
    found.update(_MASKED)
    # Their 16-bit twins: the same arguments (the losses stay float).
    for name in list(_MASKED) + ["nonlin_nll_loss_f32", "nonlin_nll_loss_backward_f32",
                                 "nonlin_cross_entropy_f32"]:
        for kind in ("bf16", "f16"):
            found[name[:-len("f32")] + kind] = found[name]
    return found


def declare(lib, path):
    """Sets restype and argtypes of every function on ``lib``."""
    for name, (restype, argtypes) in signatures().items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            raise ImportError("nonlin: %s has no function %s; it is older than this binding "
                              "(%s)" % (path, name, _version_text(lib))) from None
        fn.restype = restype
        fn.argtypes = argtypes


def _version_text(lib):
    try:
        return "library version %s" % lib.nonlin_version_string().decode()
    except AttributeError:
        return "not a nonlin library"


def check_version(number, path, expected_major=API_MAJOR):
    """Raises ImportError unless ``number`` (``nonlin_version()``) has the
    major version this binding was written for."""
    major = number // 10000
    if major != expected_major:
        raise ImportError(
            "nonlin: %s has major version %d (version number %d) but this binding needs %d; "
            "rebuild the library or reinstall the binding" % (path, major, number,
                                                              expected_major))


lib, path = _loader.load()
# The version first: a library of another major may lack functions.
try:
    lib.nonlin_version.restype, lib.nonlin_version.argtypes = c_uint32, []
except AttributeError:
    raise ImportError("nonlin: %s is not a nonlin library" % path) from None
check_version(lib.nonlin_version(), path)
declare(lib, path)
