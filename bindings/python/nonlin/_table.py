"""The one table of array functions that the binding wraps.

Each row names a C function family and says everything the binding and
its tests need to know about it: which calling shape it has (``kind``),
which forward function produces its ``y`` input (backward functions),
a summary for the docstring, a float64 reference formula, and the
accuracy bound the C header documents. Names, parameters, their defaults
and the bounds come from ``_registry`` (generated from the C registry), so
they cannot differ from the library's. The wrappers (``_ops``) and the
ctypes signatures (``_capi``) are generated from this table and the tests
are parametrized over it: a registry op without a row here is still
wrapped, with a plain docstring, and the tests fail until it has one.

The reference and scale callables take the numpy module as their first
argument, so this package never imports numpy itself.
"""

import math
from collections import namedtuple

from . import _registry

# Calling shapes, named after the C signatures they stand for.
UNARY = "unary"                    # f(size_t n, const float* x, float* y)
UNARY_BACKWARD = "unary_backward"  # f(size_t n, const float* y, const float* dy, float* dx)
AXIS = "axis"                      # f(outer, axis, inner, const float* x, float* y)
AXIS_BACKWARD = "axis_backward"    # f(outer, axis, inner, const float* y, const float* dy,
                                   #   float* dx)

Op = namedtuple("Op", "name kind forward summary reference ulps scale params from_input",
               defaults=((), False))
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
params     ((keyword, default), ...): the C function's trailing float
           parameters, under PyTorch's keyword names and defaults; the
           reference is written for the defaults.
from_input for backward functions: True when they take the forward input
           x (every activation but sigmoid and tanh), False for y.
"""


def _result(np, ref, *inputs, **axis):
    return np.abs(ref)


def _softmax(np, x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _log_softmax(np, x, axis):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _row_ulps(name):
    """The row function's bound: the largest over its paths."""
    return max(_registry.ROW_BOUNDS[name])


OPS = (
    Op("softmax", AXIS, None,
       "Softmax along one axis: y = exp(x - max) / sum(exp(x - max)).",
       _softmax, _row_ulps("softmax"), _result),
    Op("softmax_backward", AXIS_BACKWARD, "softmax",
       "Gradient of softmax from its output: dx = y * (dy - sum(dy * y)).",
       lambda np, y, dy, axis: y * (dy - np.sum(dy * y, axis=axis, keepdims=True)),
       _row_ulps("softmax_backward"),
       lambda np, ref, y, dy, axis: np.maximum(np.abs(ref), np.abs(y * dy))),
    Op("log_softmax", AXIS, None,
       "Log-softmax along one axis: y = (x - max) - log(sum(exp(x - max))).",
       _log_softmax, _row_ulps("log_softmax"),
       lambda np, ref, x, axis: np.maximum(np.abs(ref), 1.0)),
    Op("log_softmax_backward", AXIS_BACKWARD, "log_softmax",
       "Gradient of log_softmax from its output: dx = dy - exp(y) * sum(dy).",
       lambda np, y, dy, axis: dy - np.exp(y) * np.sum(dy, axis=axis, keepdims=True),
       _row_ulps("log_softmax_backward"),
       lambda np, ref, y, dy, axis: np.maximum(
           np.abs(dy), np.abs(np.exp(y) * np.sum(dy, axis=axis, keepdims=True)))),
)


def _sigmoid(np, x):
    return np.where(x >= 0, 1.0 / (1.0 + np.exp(-np.abs(x))),
                    np.exp(-np.abs(x)) / (1.0 + np.exp(-np.abs(x))))


def _softplus(np, z):
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _silu_grad(np, x):
    s, c = _sigmoid(np, x), _sigmoid(np, -x)
    return np.where(np.isinf(x), np.where(x > 0, 1.0, 0.0), s * (1.0 + x * c))


def _mish_parts(np, x):
    """tanh(softplus(x)) and x sech^2(softplus(x)) sigmoid(x), 0 at +-inf."""
    t = np.tanh(_softplus(np, x))
    c = np.where(np.isinf(x), 0.0, x * _sigmoid(np, x) * (1.0 - t) * (1.0 + t))
    return t, c


def _mish_grad(np, x):
    t, c = _mish_parts(np, x)
    return t + c


def _mish_scale(np, ref, x, dy):
    t, c = _mish_parts(np, x)
    return np.maximum(np.abs(ref), np.abs(dy) * (np.abs(t) + np.abs(c)))


_GELU_K1 = 1.5957691216057307117597842397375  # 2 sqrt(2/pi)
_GELU_K3 = _GELU_K1 * 0.044715


def _gelu_tanh_grad(np, x):
    w = _GELU_K1 * x + _GELU_K3 * x * x * x
    g = _sigmoid(np, w) * (1.0 + x * (_GELU_K1 + 3 * _GELU_K3 * x * x) * _sigmoid(np, -w))
    return np.where(np.isinf(x), np.where(x > 0, 1.0, 0.0), g)


def _gelu_tanh_scale(np, ref, x, dy):
    w = _GELU_K1 * x + _GELU_K3 * x * x * x
    return np.maximum(np.abs(ref), np.abs(dy) * _sigmoid(np, w) * (
        1.0 + np.abs(x * (_GELU_K1 + 3 * _GELU_K3 * x * x)) * _sigmoid(np, -w)))


def _phi_cdf(np, x):
    return 0.5 * np.vectorize(math.erfc, otypes=[float])(-x / math.sqrt(2.0))


def _gelu_grad(np, x):
    g = _phi_cdf(np, x) + x * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return np.where(np.isinf(x), np.where(x > 0, 1.0, 0.0), g)


_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_ALPHA = 1.6732632423543772848170429916717


def _as_float32(np, v):
    """Exact values that round to an infinity in float32, made infinite."""
    return np.where(np.abs(v) >= 3.4028235677973366e38, v * np.inf, v)


_ELEMENTWISE = {row[0]: row for row in _registry.ELEMENTWISE}


def _activation(name, summary, forward, backward, grad_scale=None, grad_summary=None):
    """The forward and backward rows of one registry op. ``backward(np, v)``
    is f' as a function of what the C backward takes: x, or y for the ops
    whose gradient comes from the output."""
    _, backward_from, params, ulps, grad_ulps, _ = _ELEMENTWISE.pop(name)
    from_input = backward_from == "input"
    grad_summary = grad_summary or "Gradient of %s from its input: dx = dy * %s'(x)." % (
        name, name)
    return (Op(name, UNARY, None, summary, lambda np, x: _as_float32(np, forward(np, x)), ulps,
               _result, params),
            Op(name + "_backward", UNARY_BACKWARD, name, grad_summary,
               lambda np, v, dy: _as_float32(np, np.where(np.isnan(v), v, dy * backward(np, v))),
               grad_ulps, grad_scale or _result, params, from_input))


OPS += (
    _activation("sigmoid", "Logistic sigmoid, y = 1 / (1 + exp(-x)), without overflow anywhere.",
                lambda np, x: _sigmoid(np, x), lambda np, y: y * (1.0 - y),
                grad_summary="Gradient of sigmoid from its output: dx = dy * y * (1 - y)."),
    _activation("tanh", "Hyperbolic tangent, y = tanh(x).",
                lambda np, x: np.tanh(x), lambda np, y: (1.0 - y) * (1.0 + y),
                grad_summary="Gradient of tanh from its output: dx = dy * (1 - y) * (1 + y)."),
    _activation("relu", "Rectified linear unit, y = max(x, 0).",
                lambda np, x: np.where(x > 0, x, np.where(np.isnan(x), x, 0.0)),
                lambda np, x: np.where(x <= 0, 0.0, 1.0)),
    _activation("relu6", "y = min(max(x, 0), 6).",
                lambda np, x: np.where(np.isnan(x), x, np.clip(x, 0.0, 6.0)),
                lambda np, x: np.where((x <= 0) | (x >= 6), 0.0, 1.0)),
    _activation("leaky_relu", "y = x if x > 0 else negative_slope * x.",
                lambda np, x: np.where(x > 0, x, np.float64(np.float32(0.01)) * x),
                lambda np, x: np.where(x > 0, 1.0, np.float64(np.float32(0.01)))),
    _activation("hardtanh", "y = clamp(x, min_val, max_val).",
                lambda np, x: np.where(np.isnan(x), x, np.clip(x, -1.0, 1.0)),
                lambda np, x: np.where((x <= -1) | (x >= 1), 0.0, 1.0)),
    _activation("hardsigmoid", "y = relu6(x + 3) / 6.",
                lambda np, x: np.where(np.isnan(x), x, np.clip(x + 3.0, 0.0, 6.0) / 6.0),
                lambda np, x: np.where((x > -3) & (x < 3), 1.0 / 6.0, 0.0)),
    _activation("hardswish", "y = x * relu6(x + 3) / 6.",
                lambda np, x: np.where(x <= -3, 0.0, np.where(x >= 3, x, x * (x + 3.0) / 6.0)),
                lambda np, x: np.where(x < -3, 0.0, np.where(x <= 3, (2.0 * x + 3.0) / 6.0,
                                                             1.0))),
    _activation("softsign", "y = x / (1 + |x|); +-1 at +-inf.",
                lambda np, x: np.where(np.isinf(x), np.sign(x), x / (1.0 + np.abs(x))),
                lambda np, x: 1.0 / (1.0 + np.abs(x)) ** 2),
    _activation("exp", "Exponential, y = e^x.",
                lambda np, x: np.exp(x), lambda np, x: np.exp(x)),
    _activation("elu", "y = x if x > 0 else alpha * (exp(x) - 1), with an accurate expm1.",
                lambda np, x: np.where(x > 0, x, np.expm1(x)),
                lambda np, x: np.where(x > 0, 1.0, np.exp(x))),
    _activation("celu", "y = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)), alpha > 0.",
                lambda np, x: np.where(x > 0, x, np.expm1(x)),
                lambda np, x: np.where(x > 0, 1.0, np.exp(x))),
    _activation("selu", "y = scale * (x if x > 0 else alpha * (exp(x) - 1)), PyTorch's "
                "constants.",
                lambda np, x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(x)),
                lambda np, x: _SELU_SCALE * np.where(x > 0, 1.0, _SELU_ALPHA * np.exp(x))),
    _activation("softplus", "y = log(1 + exp(beta * x)) / beta, x where beta * x > threshold; "
                "never overflows.",
                lambda np, x: np.where(x > 20, x, _softplus(np, x)),
                lambda np, x: np.where(x > 20, 1.0, _sigmoid(np, x))),
    _activation("logsigmoid", "y = log(sigmoid(x)) = -softplus(-x); never overflows.",
                lambda np, x: -_softplus(np, -x), lambda np, x: _sigmoid(np, -x)),
    _activation("silu", "y = x * sigmoid(x) (swish); -0 at -inf.",
                lambda np, x: np.where(np.isneginf(x), -0.0, x * _sigmoid(np, x)),
                _silu_grad,
                lambda np, ref, x, dy: np.maximum(np.abs(ref), np.abs(dy) * (
                    _sigmoid(np, x) * (1.0 + np.abs(x) * _sigmoid(np, -x))))),
    _activation("mish", "y = x * tanh(softplus(x)); -0 at -inf.",
                lambda np, x: np.where(np.isneginf(x), -0.0, x * np.tanh(_softplus(np, x))),
                _mish_grad, _mish_scale),
    _activation("gelu_tanh", "GELU with the tanh approximation (PyTorch's "
                "approximate='tanh'): y = x * sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)).",
                lambda np, x: np.where(np.isneginf(x), -0.0, x * _sigmoid(
                    np, _GELU_K1 * x + _GELU_K3 * x * x * x)),
                _gelu_tanh_grad, _gelu_tanh_scale),
    _activation("gelu", "GELU, y = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), with no "
                "cancellation for negative x; -0 at -inf.",
                lambda np, x: np.where(np.isneginf(x), -0.0, x * _phi_cdf(np, x)),
                _gelu_grad,
                lambda np, ref, x, dy: np.maximum(np.abs(ref), np.abs(dy) * (
                    _phi_cdf(np, x) + np.abs(x) * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)))),
)


def _logistic_slope(np, x, k):
    """k^2 e / (1 + e)^2 with e = exp(-k |x|): sigmoid'(x) for k = 1,
    tanh'(x) for k = 2, with nothing to overflow or cancel."""
    e = np.exp(-k * np.abs(x))
    return k * k * e / ((1.0 + e) * (1.0 + e))


def _gradient(name, summary, slope):
    """The row of a backward-only registry line (its gradient from x)."""
    _, of, ulps, _ = _GRADIENTS.pop(name)
    return Op(name, UNARY_BACKWARD, of, summary,
              lambda np, x, dy: _as_float32(np, np.where(np.isnan(x), x, dy * slope(np, x))),
              ulps, _result, (), True)


_GRADIENTS = {row[0]: row for row in _registry.GRADIENTS}
OPS += (
    _gradient("sigmoid_backward_from_input",
              "Gradient of sigmoid from its input: dx = dy * s * (1 - s), s = sigmoid(x), "
              "without the cancellation of 1 - y as y nears 1.",
              lambda np, x: _logistic_slope(np, x, 1.0)),
    _gradient("tanh_backward_from_input",
              "Gradient of tanh from its input: dx = dy * (1 - tanh(x)^2), without the "
              "cancellation of 1 - y^2 as |y| nears 1.",
              lambda np, x: _logistic_slope(np, x, 2.0)),
)
# Registry gradients without a formula here: wrapped, and the tests fail on
# their missing reference.
OPS += tuple(Op(name, UNARY_BACKWARD, of, "nonlin_%s_f32; see nonlin/nonlin.h." % name, None,
                ulps, _result, (), True) for name, of, ulps, _ in _GRADIENTS.values())


def _without_reference(name):
    """The rows of a registry op this table has no formula for: wrapped and
    documented from the registry; the tests fail on their missing
    reference."""
    summary = "nonlin_%s_f32; see nonlin/nonlin.h." % name
    forward, backward = _activation(name, summary, None, None)
    return (forward._replace(reference=None),
            backward._replace(summary="Gradient of " + summary, reference=None))


OPS += tuple(_without_reference(name) for name in list(_ELEMENTWISE))
OPS = tuple(op for group in OPS for op in ((group,) if isinstance(group, Op) else group))


def symbol(op):
    """The C symbol of ``op``: every table entry is a float32 function."""
    return "nonlin_%s_f32" % op.name
