#!/usr/bin/python3
"""Per-call overhead and large-array throughput of the binding.

For every function of the binding's table:

- ``64``: time of one call on 64 floats through the binding (new result
  array, and into ``out=``). It includes the kernel, so it bounds the
  overhead from above. Floor: under 5 us.
- ``1M``: time on 1M floats (1000 x 1000 for the axis functions, along the
  last axis) through the binding into ``out=``, against the C function
  called directly through ctypes on the same buffers (the library's own
  time plus a constant ~0.3 us of ctypes, which is noise at this size).
  Floor: within 10% of C. Also numpy's own expression (the table's float64
  reference formula, evaluated in float32) and PyTorch when importable.

Times are the best of several repeats, in microseconds. Usage:
    NONLIN_LIBRARY=build/libnonlin.so.0 /usr/bin/python3 bindings/python/bench/bench.py [threads]
Exit status 1 when a floor is missed.
"""

import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import nonlin  # noqa: E402
from nonlin import _capi, _table  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

OVERHEAD_FLOOR_US = 5.0
C_RATIO_FLOOR = 1.10


def best_us(fn, number, repeat=7):
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def paired_best_us(a, b, number, repeat=15):
    """Best times of a and b measured in alternation, so that a change of
    load on a shared machine affects both alike."""
    ta, tb = [], []
    for _ in range(repeat):
        ta.append(best_us(a, number, 1))
        tb.append(best_us(b, number, 1))
    return min(ta), min(tb)


def inputs(op, shape, rng):
    x = rng.normal(0, 2, shape).astype(np.float32)
    if op.forward is None:
        return [x]
    y = getattr(nonlin, op.forward)(x)
    return [y, rng.normal(0, 1, shape).astype(np.float32)]


def c_call(op, args, out):
    """The C function on the same buffers, with nothing of the binding."""
    fn = getattr(_capi.lib, _table.symbol(op))
    addresses = [a.ctypes.data for a in args] + [out.ctypes.data]
    if op.kind in (_table.UNARY, _table.UNARY_BACKWARD):
        sizes = [out.size]
    else:
        sizes = [out.shape[0], out.shape[1], 1]
    return lambda: fn(*sizes, *addresses)


def numpy_call(op, args):
    kw = {} if op.kind in (_table.UNARY, _table.UNARY_BACKWARD) else {"axis": -1}
    return lambda: op.reference(np, *args, **kw)


def torch_call(op, args):
    if torch is None:
        return None
    t = [torch.from_numpy(a) for a in args]
    return {
        "sigmoid": lambda: torch.sigmoid(t[0]),
        "tanh": lambda: torch.tanh(t[0]),
        "softmax": lambda: torch.softmax(t[0], -1),
        "log_softmax": lambda: torch.log_softmax(t[0], -1),
    }.get(op.name)


def main():
    if len(sys.argv) > 1:
        nonlin.set_num_threads(int(sys.argv[1]))  # e.g. 1 on a busy machine
    rng = np.random.default_rng(0)
    print("nonlin %s, ISA %s, %d threads, library %s" % (
        nonlin.version(), nonlin.isa(), nonlin.get_num_threads(), nonlin.library_path))
    print("%-22s %9s %9s | %9s %9s %7s %9s %9s" % (
        "function", "64 new", "64 out=", "1M out=", "1M C", "ratio", "1M numpy", "1M torch"))
    ok = True
    for op in _table.OPS:
        fn = getattr(nonlin, op.name)
        small = inputs(op, (64,), rng)
        small_out = np.empty(64, np.float32)
        t_new = best_us(lambda: fn(*small), 20000)
        t_out = best_us(lambda: fn(*small, out=small_out), 20000)

        shape = (1 << 20,) if op.kind in (_table.UNARY, _table.UNARY_BACKWARD) else (1024, 1024)
        big = inputs(op, shape, rng)
        out = np.empty(shape, np.float32)
        t_c, t_py = paired_best_us(c_call(op, big, out), lambda: fn(*big, out=out), 10)
        t_np = best_us(numpy_call(op, big), 10)
        tc = torch_call(op, big)
        t_torch = "%9.1f" % best_us(tc, 20) if tc else "%9s" % "-"
        ratio = t_py / t_c
        ok &= t_new < OVERHEAD_FLOOR_US and ratio < C_RATIO_FLOOR
        print("%-22s %9.2f %9.2f | %9.1f %9.1f %7.3f %9.1f %s" % (
            op.name, t_new, t_out, t_py, t_c, ratio, t_np, t_torch))
    print("floors (64 new < %.0f us, 1M within %d%% of C): %s" % (
        OVERHEAD_FLOOR_US, round((C_RATIO_FLOOR - 1) * 100), "met" if ok else "NOT MET"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
