#!/usr/bin/python3
"""nonlin.torch against PyTorch's own functions, on one thread each.

- Per-call cost on a 64x10 float32 tensor, for every activation and for
  softmax, log_softmax and cross_entropy: the forward alone (no gradient
  recorded) and forward plus backward (``y.backward(g)``, or
  ``loss.backward()``, with ``x.grad`` reset between calls). At this size
  the kernels take well under a microsecond, so the time is the call's
  overhead. Floor: at most 1.5 times torch's.
- Forward plus backward of softmax, log_softmax and cross_entropy at
  4096x128 and 128x1000 (rows x classes, along the rows). Floor: faster
  than torch.

torch's side is ``torch.<name>`` where torch has that builtin (sigmoid,
tanh, relu, softmax, ...; a little cheaper than torch.nn.functional's
Python wrapper), else ``torch.nn.functional.<name>``. The two sides run
in alternation, ``repeat`` times each, and each side's figure is the
median; the ratio is nonlin's over torch's. Usage:

    NONLIN_LIBRARY=build/libnonlin.so.0 /usr/bin/python3 \\
        bindings/python/bench/torch_overhead.py [--breakdown] [repeat]

Exit status 1 when a floor is missed. With ``--breakdown`` it prints
instead where the time of nonlin.torch.sigmoid on 64x10 goes, layer by
layer, in the same alternation.
"""

import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as TF

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import nonlin  # noqa: E402
import nonlin.torch as NF  # noqa: E402
from nonlin import _registry  # noqa: E402
from nonlin._capi import lib  # noqa: E402

SMALL_FLOOR = 1.5
LARGE_FLOOR = 1.0


def batch_us(fn, number):
    start = time.thread_time()
    for _ in range(number):
        fn()
    return (time.thread_time() - start) / number * 1e6


def median_pair(ours, theirs, number, repeat):
    """Median times (us) of two callables measured in alternation, so that
    a change of load on a shared machine shifts both alike."""
    batch_us(ours, number), batch_us(theirs, number)  # warm up allocator and caches
    a, b = [], []
    for _ in range(repeat):
        a.append(batch_us(ours, number))
        b.append(batch_us(theirs, number))
    return statistics.median(a), statistics.median(b)


def torch_function(name):
    fn = getattr(torch, name, None)
    return (fn, "torch") if callable(fn) else (getattr(TF, name), "F")


def forward_backward(f, x, g):
    def call():
        x.grad = None
        f(x).backward(g)
    return call


def loss_backward(f, x, target):
    def call():
        x.grad = None
        f(x, target).backward()
    return call


def small_cases(shape):
    """(name, torch's spelling, nonlin forward, torch forward,
    nonlin forward+backward, torch forward+backward)."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(shape, generator=gen)
    xg = x.clone().requires_grad_()
    g = torch.randn(shape, generator=gen)
    target = torch.randint(0, shape[1], (shape[0],), generator=gen)
    for name, _, _, _, _, _ in _registry.ELEMENTWISE:
        if not hasattr(NF, name):  # gelu_tanh is gelu(approximate='tanh')
            continue
        theirs, where = torch_function(name)
        ours = getattr(NF, name)
        yield (name, where, lambda o=ours: o(x), lambda t=theirs: t(x),
               forward_backward(ours, xg, g), forward_backward(theirs, xg, g))
    for name in ("softmax", "log_softmax"):
        theirs, where = torch_function(name)
        ours = getattr(NF, name)
        yield (name, where, lambda o=ours: o(x, 1), lambda t=theirs: t(x, 1),
               forward_backward(lambda v, o=ours: o(v, 1), xg, g),
               forward_backward(lambda v, t=theirs: t(v, 1), xg, g))
    yield ("cross_entropy", "F", lambda: NF.cross_entropy(x, target),
           lambda: TF.cross_entropy(x, target),
           loss_backward(NF.cross_entropy, xg, target),
           loss_backward(TF.cross_entropy, xg, target))


def large_cases():
    gen = torch.Generator().manual_seed(1)
    for shape in ((4096, 128), (128, 1000)):
        xg = torch.randn(shape, generator=gen).requires_grad_()
        g = torch.randn(shape, generator=gen)
        target = torch.randint(0, shape[1], (shape[0],), generator=gen)
        for name in ("softmax", "log_softmax"):
            ours, theirs = getattr(NF, name), getattr(torch, name)
            yield (name, shape, forward_backward(lambda v, o=ours: o(v, 1), xg, g),
                   forward_backward(lambda v, t=theirs: t(v, 1), xg, g))
        yield ("cross_entropy", shape, loss_backward(NF.cross_entropy, xg, target),
               loss_backward(TF.cross_entropy, xg, target))


def breakdown(repeat):
    """The layers of a sigmoid call on 64x10, each measured alone."""
    x = torch.randn(64, 10)
    xg = x.clone().requires_grad_()
    g = torch.randn(64, 10)
    y = torch.empty_like(x)
    c_fwd, c_bwd = lib.nonlin_sigmoid_f32, lib.nonlin_sigmoid_backward_f32

    def checked_output(x=x):  # what nonlin.torch does around the C call
        if isinstance(x, torch.Tensor) and x.is_cpu and x.dtype is torch.float32:
            x = x.contiguous()
            if not (x.requires_grad and torch.is_grad_enabled()):
                out = torch.empty_like(x)
                return x.numel(), x.data_ptr(), out.data_ptr()

    def make(c_calls):
        def forward(ctx, v):
            out = torch.empty_like(v)
            if c_calls:
                c_fwd(v.numel(), v.data_ptr(), out.data_ptr())
            ctx.save_for_backward(out)
            return out

        def backward(ctx, dy):
            (out,) = ctx.saved_tensors
            dx = torch.empty_like(out)
            if c_calls:
                c_bwd(out.numel(), out.data_ptr(), dy.data_ptr(), dx.data_ptr())
            return dx
        return type("Skeleton", (torch.autograd.Function,),
                    {"forward": staticmethod(forward), "backward": staticmethod(backward)})

    layers = [
        ("forward: torch.sigmoid", lambda: torch.sigmoid(x), 2000),
        ("forward: nonlin.torch.sigmoid", lambda: NF.sigmoid(x), 2000),
        ("  checks and torch.empty_like", checked_output, 2000),
        ("  torch.empty_like alone", lambda: torch.empty_like(x), 2000),
        ("  C call through ctypes", lambda: c_fwd(640, x.data_ptr(), y.data_ptr()), 2000),
        ("  C call of 0 elements", lambda: c_fwd(0, x.data_ptr(), y.data_ptr()), 2000),
        ("fwd+bwd: torch.sigmoid", forward_backward(torch.sigmoid, xg, g), 300),
        ("fwd+bwd: nonlin.torch.sigmoid", forward_backward(NF.sigmoid, xg, g), 300),
        ("  autograd.Function, no C call", forward_backward(make(False).apply, xg, g), 300),
        ("  autograd.Function, C calls", forward_backward(make(True).apply, xg, g), 300),
    ]
    times = [[] for _ in layers]
    for (_, fn, number), t in zip(layers, times):
        batch_us(fn, number)
    for _ in range(repeat):
        for (_, fn, number), t in zip(layers, times):
            t.append(batch_us(fn, number))
    print("sigmoid on 64x10, us per call, median of %d" % repeat)
    for (name, _, _), t in zip(layers, times):
        print("%-34s %7.2f" % (name, statistics.median(t)))
    return 0


def main():
    args = sys.argv[1:]
    show_breakdown = "--breakdown" in args
    args = [a for a in args if a != "--breakdown"]
    repeat = int(args[0]) if args else 21
    torch.set_num_threads(1)
    nonlin.set_num_threads(1)
    if show_breakdown:
        return breakdown(repeat)
    print("nonlin %s (ISA %s, %d thread) against torch %s (%d thread), median of %d"
          % (nonlin.version(), nonlin.isa(), nonlin.get_num_threads(), torch.__version__,
             torch.get_num_threads(), repeat))
    ok = True
    print("\n64x10, us per call; ratio = nonlin / torch, floor %.2f" % SMALL_FLOOR)
    print("%-14s %-5s | %8s %8s %6s | %8s %8s %6s" % (
        "function", "torch", "fwd", "torch", "ratio", "fwd+bwd", "torch", "ratio"))
    for name, where, fwd, tfwd, fb, tfb in small_cases((64, 10)):
        f, tf = median_pair(fwd, tfwd, 2000, repeat)
        b, tb = median_pair(fb, tfb, 300, repeat)
        ok &= f / tf <= SMALL_FLOOR and b / tb <= SMALL_FLOOR
        print("%-14s %-5s | %8.2f %8.2f %6.2f | %8.2f %8.2f %6.2f" % (
            name, where, f, tf, f / tf, b, tb, b / tb))
    print("\nforward+backward, us per call; ratio = nonlin / torch, floor %.2f" % LARGE_FLOOR)
    print("%-14s %-10s | %9s %9s %6s" % ("function", "shape", "nonlin", "torch", "ratio"))
    for name, shape, fb, tfb in large_cases():
        b, tb = median_pair(fb, tfb, 5, repeat)
        ok &= b / tb < LARGE_FLOOR
        print("%-14s %-10s | %9.1f %9.1f %6.2f" % (name, "%dx%d" % shape, b, tb, b / tb))
    print("\nfloors: %s" % ("met" if ok else "NOT MET"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
