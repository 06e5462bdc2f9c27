"""Turning Python arguments into addresses for the C calls, and results back
into the kind of container the caller passed.

Accepted arrays, fastest first:

- a float32, C-contiguous numpy array: passed by address, no copy;
- any other numpy array: non-contiguous ones are copied to C order (one
  copy of the data), integer and bool ones converted to float32,
  byte-swapped float32 swapped; float64 and every other floating or complex
  dtype is refused with TypeError rather than silently rounded;
- an object with the buffer protocol holding floats (``array.array('f')``,
  a ``memoryview``): passed by address when writable and C-contiguous,
  copied otherwise; integer buffers are converted;
- a (nested) list or tuple, or a real scalar: converted to float32;
- a CPU torch tensor: its own memory when it is contiguous and float32
  (int64 for class indices), else converted as its numpy view would be
  (``requires_grad`` is ignored: ``nonlin.torch`` records gradients);
  bfloat16 and float16 tensors take the 16-bit functions (``_half``); a
  tensor on another device is refused with TypeError.

Results are torch tensors when the first array argument is a torch tensor; numpy arrays when it is a numpy array,
or is a list or scalar and numpy is installed; ``array.array('f')`` (flat, in C
order) when it is another buffer or numpy is missing; a scalar for a scalar.
Given ``out=``, results are written there and ``out`` is returned.

Each ``*_input`` function returns ``(holder, address, shape, flavor)``: the
holder keeps the memory (and any buffer export, which also stops an
``array.array`` from being resized while the C call runs) alive until the
call is over.
"""

import array
import ctypes
import numbers
import sys

try:
    import numpy as np
except ImportError:  # numpy is optional: buffers and lists still work
    np = None

NUMPY, BUFFER, SCALAR, TORCH = "numpy", "buffer", "scalar", "torch"

if np is not None:
    ndarray = np.ndarray
    F32 = np.dtype(np.float32)
    I64 = np.dtype(np.int64)
else:
    class ndarray:  # noqa: N801 -- a stand-in nothing is an instance of
        pass
    F32 = I64 = None

_NATIVE = "<" if sys.byteorder == "little" else ">"
_FLOAT32_FORMATS = {"f", "@f", "=f", _NATIVE + "f"}
_INT64_FORMATS = {"q", "@q", "=q", _NATIVE + "q"}
if ctypes.sizeof(ctypes.c_long) == 8:
    _INT64_FORMATS |= {"l", "@l"}
_INTEGER_CODES = set("bBhHiIlLqQnN")


def size_of(shape):
    """Number of elements of an array of ``shape``."""
    n = 1
    for d in shape:
        n *= d
    return n


def _numpy_view(a):
    """``(holder, address)`` of a C-contiguous numpy array.

    A ctypes view of the buffer is about three times cheaper than
    ``a.ctypes.data`` (this is most of the per-call overhead on small
    arrays) and, like a memoryview, stops the array from being resized while
    it lives. Read-only and empty arrays cannot be viewed that way.
    """
    try:
        holder = _char_view(a)
    except (TypeError, ValueError):
        return a, a.ctypes.data
    return holder, _addressof(holder)


_char_view = ctypes.c_char.from_buffer
_addressof = ctypes.addressof


def _bad_type(where, name, what):
    return TypeError("%s: argument '%s' %s" % (where, name, what))


def _out_of_range(where, name, reason):
    return ValueError("%s: argument '%s' cannot be converted to float32: %s"
                      % (where, name, reason))


INT64_MAX = (1 << 63) - 1
INT64_MIN = -(1 << 63)


def _check_int64(values, name, where):
    """Class indices must fit in int64: a wider value would wrap into
    another class, or into ignore_index."""
    for v in values:
        if not INT64_MIN <= v <= INT64_MAX:
            raise ValueError("%s: argument '%s' holds %d, which does not fit in int64"
                             % (where, name, v))


# ------------------------------------------------------------------- torch

def _is_tensor(obj):
    torch = sys.modules.get("torch")  # never imported here: a tensor means it is loaded
    return torch is not None and isinstance(obj, torch.Tensor)


def _on_cpu(t, name, where):
    if t.device.type != "cpu":
        raise _bad_type(where, name, "is a torch tensor on %s; nonlin runs on the CPU "
                                     "(move it with .cpu())" % t.device)


def _tensor_view(t, name, where):
    """The numpy array sharing a CPU tensor's memory, for the dtypes the
    direct path does not take (they are converted or refused as numpy's)."""
    _on_cpu(t, name, where)
    try:
        return t.detach().contiguous().numpy()
    except (TypeError, RuntimeError) as e:
        raise _bad_type(where, name, "is a torch tensor of dtype %s, which has no numpy view "
                                     "(%s); convert it with .float()" % (t.dtype, e)) from None


def _tensor_input(t, name, where, dtype):
    """``(holder, address, shape, TORCH)`` of a tensor of ``dtype``: its own
    memory when it is contiguous, else a contiguous copy; None for other
    dtypes."""
    if t.dtype != dtype:
        return None
    _on_cpu(t, name, where)
    if not t.is_contiguous():
        t = t.contiguous()  # the documented cost: one copy
    return t, t.data_ptr(), tuple(t.shape), TORCH


def _tensor_output(out, shape, name, where):
    torch = sys.modules["torch"]
    if out.dtype != torch.float32:
        raise _bad_type(where, name, "has dtype %s; results are float32" % out.dtype)
    _on_cpu(out, name, where)
    if tuple(out.shape) != shape:
        raise ValueError("%s: argument '%s' has shape %s, the result has shape %s"
                         % (where, name, tuple(out.shape), shape))
    if not out.is_contiguous():
        raise ValueError("%s: argument '%s' must be contiguous" % (where, name))
    return out, out.data_ptr(), lambda: out


# ------------------------------------------------------------------ floats

def float_input(obj, name, where):
    """A read-only float32 argument: ``(holder, address, shape, flavor)``."""
    if _is_tensor(obj):
        direct = _tensor_input(obj, name, where, sys.modules["torch"].float32)
        if direct is not None:
            return direct
        return float_input(_tensor_view(obj, name, where), name, where)[:3] + (TORCH,)
    if isinstance(obj, ndarray):
        a = obj if obj.dtype is F32 else _to_float32(obj, name, where)
        if not a.flags.c_contiguous:
            a = np.ascontiguousarray(a)  # the documented cost: one copy
        return _numpy_view(a) + (a.shape, NUMPY)
    if isinstance(obj, numbers.Real):
        try:
            if np is not None:
                a = np.array(obj, dtype=F32)
                return a, a.ctypes.data, (), SCALAR
            buf = array.array("f", [obj])
        except OverflowError as e:  # an int beyond any float, like 10**400
            raise _out_of_range(where, name, e) from None
        return buf, buf.buffer_info()[0], (), SCALAR
    if isinstance(obj, (list, tuple)):
        if np is not None:
            try:
                a = np.array(obj, dtype=F32)
            except OverflowError as e:
                raise _out_of_range(where, name, e) from None
            except (TypeError, ValueError) as e:
                raise _bad_type(where, name, "cannot be converted to float32: %s" % e) from None
            return a, a.ctypes.data, a.shape, NUMPY
        flat, shape = _flatten(obj, name, where)
        try:
            buf = array.array("f", flat)
        except OverflowError as e:
            raise _out_of_range(where, name, e) from None
        except TypeError as e:
            raise _bad_type(where, name, "cannot be converted to float32: %s" % e) from None
        return buf, _address(buf), shape, BUFFER
    return _float_buffer(obj, name, where)


def _to_float32(a, name, where):
    kind = a.dtype.kind
    if kind == "f" and a.dtype.itemsize == 4:
        return a.astype(F32)  # byte-swapped float32: same values
    if kind in "iub":
        return a.astype(F32)
    raise _bad_type(where, name, "has dtype %s; only float32 kernels exist, convert it "
                                 "explicitly (x.astype(numpy.float32))" % a.dtype)


def _float_buffer(obj, name, where):
    try:
        mv = memoryview(obj)
    except TypeError:
        raise _bad_type(where, name, "must be an array, a buffer of floats, a list or a "
                                     "number, not %s" % type(obj).__name__) from None
    fmt = mv.format
    if fmt in _FLOAT32_FORMATS:
        if mv.c_contiguous and not mv.readonly:
            holder = _export(mv)
            return holder, _address(holder), mv.shape, BUFFER
        buf = array.array("f", mv.tobytes())  # read-only or strided: one copy
        return buf, _address(buf), mv.shape, BUFFER
    if fmt.lstrip("@=<>!") in _INTEGER_CODES:
        buf = array.array("f", _flat_list(mv))
        return buf, _address(buf), mv.shape, BUFFER
    raise _bad_type(where, name, "is a buffer of format %r; only float32 ('f') kernels "
                                 "exist" % fmt)


def float_output(out, shape, flavor, name, where):
    """Where a float32 result of ``shape`` goes.

    Returns ``(holder, address, finish)``; call ``finish()`` after the C
    call succeeded to get the value to return. A failed call leaves
    ``out`` untouched: results written to a temporary are copied into it
    by ``finish`` only.
    """
    if out is None:
        if flavor is TORCH:
            torch = sys.modules["torch"]
            r = torch.empty(shape, dtype=torch.float32)
            return r, r.data_ptr(), lambda: r
        if np is not None and flavor is not BUFFER:
            r = np.empty(shape, F32)
            return _numpy_view(r) + (((lambda: r[()]) if flavor is SCALAR else lambda: r),)
        buf = array.array("f", bytes(4 * size_of(shape)))
        if flavor is SCALAR:
            return buf, _address(buf), lambda: buf[0]
        return buf, _address(buf), lambda: buf
    if _is_tensor(out):
        return _tensor_output(out, shape, name, where)
    if isinstance(out, ndarray):
        if out.dtype is not F32 and out.dtype != F32:
            raise _bad_type(where, name, "has dtype %s; results are float32" % out.dtype)
        if out.shape != shape:
            raise ValueError("%s: argument '%s' has shape %s, the result has shape %s"
                             % (where, name, out.shape, shape))
        if not out.flags.writeable:
            raise ValueError("%s: argument '%s' is read-only" % (where, name))
        if out.flags.c_contiguous:
            return _numpy_view(out) + (lambda: out,)
        tmp = np.empty(shape, F32)

        def finish():
            out[...] = tmp
            return out
        return tmp, tmp.ctypes.data, finish
    return _buffer_output(out, shape, name, where)


def _buffer_output(out, shape, name, where):
    try:
        mv = memoryview(out)
    except TypeError:
        raise _bad_type(where, name, "must be a float32 array or buffer, not %s"
                        % type(out).__name__) from None
    if mv.format not in _FLOAT32_FORMATS:
        raise _bad_type(where, name, "is a buffer of format %r; results are float32 ('f')"
                        % mv.format)
    n = size_of(shape)
    # array.array is always flat, so a flat buffer of the right size fits any shape.
    if mv.shape != shape and mv.shape != (n,):
        raise ValueError("%s: argument '%s' has shape %s, the result has shape %s"
                         % (where, name, mv.shape, shape))
    if mv.readonly:
        raise ValueError("%s: argument '%s' is read-only" % (where, name))
    if not mv.c_contiguous:
        raise ValueError("%s: argument '%s' must be C-contiguous" % (where, name))
    holder = _export(mv)
    return holder, _address(holder), lambda: out


def _export(mv):
    """A ctypes view of a writable contiguous buffer; it holds the export."""
    if mv.nbytes == 0:
        return None
    return (ctypes.c_char * mv.nbytes).from_buffer(mv)


def _address(holder):
    if holder is None:
        return None
    if isinstance(holder, array.array):
        return holder.buffer_info()[0] if len(holder) else None
    return ctypes.addressof(holder)


def _flatten(obj, name, where):
    """A nested list's elements in C order and its shape, without numpy."""
    shape = []
    level = [obj]
    while level and isinstance(level[0], (list, tuple)):
        n = len(level[0])
        if any(not isinstance(v, (list, tuple)) or len(v) != n for v in level):
            raise ValueError("%s: argument '%s' is a ragged nested list" % (where, name))
        shape.append(n)
        level = [v for sub in level for v in sub]
    if any(isinstance(v, (list, tuple)) for v in level):
        raise ValueError("%s: argument '%s' is a ragged nested list" % (where, name))
    return level, tuple(shape)


def _flat_list(mv):
    values = mv.tolist()
    for _ in range(mv.ndim - 1):
        values = [v for sub in values for v in sub]
    return values if mv.ndim else [values]


# ----------------------------------------------------------------- targets

def index_input(obj, name, where):
    """A read-only int64 argument (class indices):
    ``(holder, address, shape, flavor)``.

    Any integer array, buffer or list is converted to int64; floating or
    bool values are refused, since a class index must be an integer.
    """
    if _is_tensor(obj):
        direct = _tensor_input(obj, name, where, sys.modules["torch"].int64)
        if direct is not None:
            return direct
        return index_input(_tensor_view(obj, name, where), name, where)[:3] + (TORCH,)
    if isinstance(obj, (list, tuple)):
        flat, shape = _flatten(obj, name, where)
        for v in flat:
            if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                raise _bad_type(where, name, "holds %r; class indices must be integers" % (v,))
        _check_int64(flat, name, where)
        if np is not None:
            a = np.array(flat, dtype=I64).reshape(shape)
            return a, a.ctypes.data, a.shape, NUMPY
        buf = array.array("q", flat)
        return buf, _address(buf), shape, BUFFER
    if isinstance(obj, ndarray):
        a = obj
        if a.dtype.kind not in "iu":
            raise _bad_type(where, name, "has dtype %s; class indices must be integers"
                            % a.dtype)
        if a.dtype.kind == "u" and a.size and a.dtype.itemsize >= 8:
            _check_int64([int(a.max())], name, where)
        if a.dtype != I64 or not a.flags.c_contiguous:
            a = np.ascontiguousarray(a, dtype=I64)
        return a, a.ctypes.data, a.shape, NUMPY
    try:
        mv = memoryview(obj)
    except TypeError:
        raise _bad_type(where, name, "must be an integer array, buffer or list, not %s"
                        % type(obj).__name__) from None
    if mv.format in _INT64_FORMATS and mv.c_contiguous and not mv.readonly:
        holder = _export(mv)
        return holder, _address(holder), mv.shape, BUFFER
    if mv.format.lstrip("@=<>!") not in _INTEGER_CODES:
        raise _bad_type(where, name, "is a buffer of format %r; class indices must be "
                                     "integers" % mv.format)
    values = _flat_list(mv)
    _check_int64(values, name, where)
    buf = array.array("q", values)
    return buf, _address(buf), mv.shape, BUFFER
