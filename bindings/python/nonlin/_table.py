"""The one table of array functions that the binding wraps.

Each row names a C function family and says everything the binding and
its tests need to know about it: which calling shape it has (``kind``),
which forward function produces its ``y`` input (backward functions),
a summary for the docstring, a float64 reference formula, and the
accuracy bound the C header documents. The wrappers (``_elementwise``,
``_axis``) and the ctypes signatures (``_capi``) are generated from it, and
the tests are parametrized over it, so adding a C function of an existing
kind is one line here.

The reference and scale callables take the numpy module as their first
argument, so this package never imports numpy itself.
"""

from collections import namedtuple

# Calling shapes, named after the C signatures they stand for.
UNARY = "unary"                    # f(size_t n, const float* x, float* y)
UNARY_BACKWARD = "unary_backward"  # f(size_t n, const float* y, const float* dy, float* dx)
AXIS = "axis"                      # f(outer, axis, inner, const float* x, float* y)
AXIS_BACKWARD = "axis_backward"    # f(outer, axis, inner, const float* y, const float* dy,
                                   #   float* dx)

Op = namedtuple("Op", "name kind forward summary reference ulps scale")
Op.__doc__ = """One C function ``nonlin_<name>_f32``.

name       Python name; the C symbol is ``nonlin_<name>_f32``.
kind       one of UNARY, UNARY_BACKWARD, AXIS, AXIS_BACKWARD.
forward    for backward functions, the forward function whose output
           they take as ``y``; None for forward functions.
summary    first paragraph of the wrapper's docstring.
reference  ``f(np, *inputs, axis=...)``: the exact formula in float64
           (``axis`` is passed to AXIS kinds only).
ulps       the header's error bound, in float32 ulp of ``scale``.
scale      ``f(np, ref, *inputs, axis=...)``: the per-element magnitude
           the bound is relative to, as the header states it.
"""


def _result(np, ref, *inputs, **axis):
    return np.abs(ref)


def _softmax(np, x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _log_softmax(np, x, axis):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


OPS = (
    Op("sigmoid", UNARY, None,
       "Logistic sigmoid, y = 1 / (1 + exp(-x)), without overflow anywhere.",
       lambda np, x: 1.0 / (1.0 + np.exp(-x)), 2, _result),
    Op("sigmoid_backward", UNARY_BACKWARD, "sigmoid",
       "Gradient of sigmoid from its output: dx = dy * y * (1 - y).",
       lambda np, y, dy: dy * y * (1.0 - y), 2, _result),
    Op("tanh", UNARY, None,
       "Hyperbolic tangent, y = tanh(x).",
       lambda np, x: np.tanh(x), 2, _result),
    Op("tanh_backward", UNARY_BACKWARD, "tanh",
       "Gradient of tanh from its output: dx = dy * (1 - y) * (1 + y).",
       lambda np, y, dy: dy * (1.0 - y) * (1.0 + y), 2, _result),
    Op("softmax", AXIS, None,
       "Softmax along one axis: y = exp(x - max) / sum(exp(x - max)).",
       _softmax, 4, _result),
    Op("softmax_backward", AXIS_BACKWARD, "softmax",
       "Gradient of softmax from its output: dx = y * (dy - sum(dy * y)).",
       lambda np, y, dy, axis: y * (dy - np.sum(dy * y, axis=axis, keepdims=True)), 4,
       lambda np, ref, y, dy, axis: np.maximum(np.abs(ref), np.abs(y * dy))),
    Op("log_softmax", AXIS, None,
       "Log-softmax along one axis: y = (x - max) - log(sum(exp(x - max))).",
       _log_softmax, 4,
       lambda np, ref, x, axis: np.maximum(np.abs(ref), 1.0)),
    Op("log_softmax_backward", AXIS_BACKWARD, "log_softmax",
       "Gradient of log_softmax from its output: dx = dy - exp(y) * sum(dy).",
       lambda np, y, dy, axis: dy - np.exp(y) * np.sum(dy, axis=axis, keepdims=True), 4,
       lambda np, ref, y, dy, axis: np.maximum(
           np.abs(dy), np.abs(np.exp(y) * np.sum(dy, axis=axis, keepdims=True)))),
)


def symbol(op):
    """The C symbol of ``op``: every table entry is a float32 function."""
    return "nonlin_%s_f32" % op.name
