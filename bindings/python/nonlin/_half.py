"""The 16-bit path of the elementwise functions.

A numpy float16 array or torch.float16 tensor goes to the C function's
``_f16`` twin; a torch.bfloat16 tensor, or a uint16 array holding bfloat16
bits (``dtype="bfloat16"``), to its ``_bf16`` twin; each without a copy when
contiguous, the result of the input's kind and dtype. Every other input
keeps the float32 path (``_arrays``)."""

import sys

from ._arrays import NUMPY, TORCH, _is_tensor, _on_cpu, float_input, float_output, np, ndarray

# dtype keyword -> (numpy dtype of the arrays, C suffix)
_KINDS = {"float16": ("float16", "f16"), "bfloat16": ("uint16", "bf16")}
# C suffix -> the torch dtype's name
_TORCH_DTYPES = {"f16": "float16", "bf16": "bfloat16"}


def _tensor_kind(t):
    """The C suffix of a 16-bit torch tensor, else None."""
    torch = sys.modules["torch"]
    return {torch.float16: "f16", torch.bfloat16: "bf16"}.get(t.dtype)


def half_kind(arrays, dtype, where):
    """The C suffix for ``arrays`` ('f16', 'bf16') or None for float32.

    ``dtype`` (None, "float16" or "bfloat16") names the 16-bit type; None
    picks float16 for float16 numpy arrays, the tensor's type for float16
    and bfloat16 torch tensors, and float32 for everything else."""
    if dtype is None:
        first = arrays[0]
        if np is not None and isinstance(first, ndarray) and first.dtype == np.float16:
            return "f16"
        if _is_tensor(first):
            return _tensor_kind(first)
        return None
    if dtype not in _KINDS:
        raise TypeError("%s: dtype must be None, 'float16' or 'bfloat16', not %r"
                        % (where, dtype))
    if np is None and not any(_is_tensor(a) for a in arrays):
        raise TypeError("%s: dtype=%r needs numpy arrays or torch tensors" % (where, dtype))
    return _KINDS[dtype][1]


def _numpy_dtype(kind):
    return np.dtype(np.float16 if kind == "f16" else np.uint16)


def half_flavor(obj):
    """The kind of container a 16-bit result of ``obj`` comes back in."""
    return TORCH if _is_tensor(obj) else NUMPY


def half_input(obj, name, where, kind):
    """``(array, address)`` of a 16-bit input: a numpy array of the kind's
    dtype in native byte order, or a CPU torch tensor of the kind's dtype;
    contiguous (else copied once)."""
    if _is_tensor(obj):
        if _tensor_kind(obj) != kind:
            raise TypeError("%s: argument '%s' is a %s tensor; the %s call takes torch.%s"
                            % (where, name, obj.dtype, kind, _TORCH_DTYPES[kind]))
        _on_cpu(obj, name, where)
        t = obj.detach()
        if not t.is_contiguous():
            t = t.contiguous()  # the documented cost: one copy
        return t, t.data_ptr()
    if np is None:
        raise TypeError("%s: argument '%s' must be a torch tensor for %s without numpy, not %s"
                        % (where, name, _type_name(kind), _describe(obj)))
    want = _numpy_dtype(kind)
    if not isinstance(obj, ndarray) or obj.dtype != want or not obj.dtype.isnative:
        raise TypeError("%s: argument '%s' must be a numpy %s array for %s, not %s"
                        % (where, name, want, _type_name(kind), _describe(obj)))
    a = obj if obj.flags.c_contiguous else np.ascontiguousarray(obj)
    return a, a.ctypes.data


def half_output(out, shape, where, kind, flavor=NUMPY):
    """``(array, address)`` where a 16-bit result of ``shape`` goes: a new
    numpy array or torch tensor (``flavor``), or ``out``."""
    if out is None and flavor is TORCH:
        torch = sys.modules["torch"]
        t = torch.empty(tuple(shape), dtype=getattr(torch, _TORCH_DTYPES[kind]))
        return t, t.data_ptr()
    if _is_tensor(out):
        return _tensor_out(out, shape, where, kind)
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


def _tensor_out(out, shape, where, kind):
    if _tensor_kind(out) != kind:
        raise TypeError("%s: argument 'out' is a %s tensor; the %s call takes torch.%s"
                        % (where, out.dtype, kind, _TORCH_DTYPES[kind]))
    _on_cpu(out, "out", where)
    if tuple(out.shape) != tuple(shape):
        raise ValueError("%s: argument 'out' has shape %s, expected %s"
                         % (where, tuple(out.shape), tuple(shape)))
    if not out.is_contiguous():
        raise ValueError("%s: argument 'out' must be contiguous" % where)
    return out, out.data_ptr()


def typed_input(obj, name, where, kind):
    """``(holder, address, shape, flavor)`` of an input of the type ``kind``
    names: float32 (None: any float32 source, ``_arrays``) or a 16-bit
    numpy array."""
    if kind is None:
        return float_input(obj, name, where)
    a, address = half_input(obj, name, where, kind)
    return a, address, tuple(a.shape), half_flavor(a)


def typed_output(out, shape, flavor, name, where, kind):
    """``(holder, address, finish)`` where a result of ``kind``'s type goes."""
    if kind is None:
        return float_output(out, shape, flavor, name, where)
    a, address = half_output(out, shape, where, kind, flavor)
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
