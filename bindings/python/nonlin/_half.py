"""The 16-bit path of the elementwise functions.

A numpy float16 array goes to the C function's ``_f16`` twin, a uint16
array holding bfloat16 bits (``dtype="bfloat16"``) to its ``_bf16`` twin,
both without a copy when C-contiguous; the result has the input's dtype.
Every other input keeps the float32 path (``_arrays``)."""

from ._arrays import NUMPY, float_input, float_output, np, ndarray

# dtype keyword -> (numpy dtype of the arrays, C suffix)
_KINDS = {"float16": ("float16", "f16"), "bfloat16": ("uint16", "bf16")}


def half_kind(arrays, dtype, where):
    """The C suffix for ``arrays`` ('f16', 'bf16') or None for float32.

    ``dtype`` (None, "float16" or "bfloat16") names the 16-bit type; None
    picks float16 for float16 numpy arrays and float32 for everything else."""
    if dtype is None:
        first = arrays[0]
        if np is not None and isinstance(first, ndarray) and first.dtype == np.float16:
            return "f16"
        return None
    if dtype not in _KINDS:
        raise TypeError("%s: dtype must be None, 'float16' or 'bfloat16', not %r"
                        % (where, dtype))
    if np is None:
        raise TypeError("%s: dtype=%r needs numpy arrays" % (where, dtype))
    return _KINDS[dtype][1]


def _numpy_dtype(kind):
    return np.dtype(np.float16 if kind == "f16" else np.uint16)


def half_input(obj, name, where, kind):
    """``(array, address)`` of a 16-bit input: a numpy array of the kind's
    dtype in native byte order, C-contiguous (else copied once)."""
    want = _numpy_dtype(kind)
    if not isinstance(obj, ndarray) or obj.dtype != want or not obj.dtype.isnative:
        raise TypeError("%s: argument '%s' must be a numpy %s array for %s, not %s"
                        % (where, name, want, _type_name(kind), _describe(obj)))
    a = obj if obj.flags.c_contiguous else np.ascontiguousarray(obj)
    return a, a.ctypes.data


def half_output(out, shape, where, kind):
    """``(array, address)`` where a 16-bit result of ``shape`` goes."""
    want = _numpy_dtype(kind)
    if out is None:
        a = np.empty(shape, want)
        return a, a.ctypes.data
    if not isinstance(out, ndarray) or out.dtype != want or not out.dtype.isnative:
        raise TypeError("%s: argument 'out' must be a numpy %s array for %s, not %s"
                        % (where, want, _type_name(kind), _describe(out)))
    if out.shape != shape:
        raise ValueError("%s: argument 'out' has shape %s, expected %s"
                         % (where, out.shape, shape))
    if not out.flags.c_contiguous:
        raise ValueError("%s: argument 'out' must be C-contiguous" % where)
    if not out.flags.writeable:
        raise ValueError("%s: argument 'out' is read-only" % where)
    return out, out.ctypes.data


def typed_input(obj, name, where, kind):
    """``(holder, address, shape, flavor)`` of an input of the type ``kind``
    names: float32 (None: any float32 source, ``_arrays``) or a 16-bit
    numpy array."""
    if kind is None:
        return float_input(obj, name, where)
    a, address = half_input(obj, name, where, kind)
    return a, address, a.shape, NUMPY


def typed_output(out, shape, flavor, name, where, kind):
    """``(holder, address, finish)`` where a result of ``kind``'s type goes."""
    if kind is None:
        return float_output(out, shape, flavor, name, where)
    a, address = half_output(out, shape, where, kind)
    return a, address, lambda: a


def typed_function(lib, f32_name, kind):
    """The C function ``f32_name`` or its twin for ``kind`` ('bf16', 'f16')."""
    return getattr(lib, f32_name if kind is None else f32_name[:-len("f32")] + kind)


def _type_name(kind):
    return "float16" if kind == "f16" else "bfloat16 (dtype='bfloat16')"


def _describe(obj):
    if isinstance(obj, ndarray):
        return "an array of dtype %s" % obj.dtype
    return type(obj).__name__
