"""The op registry: generated from src/ops/registry.def and
src/ops/row_bounds.def by
``NONLIN_REGENERATE=1 build/tests/nonlin_tests '[registry]'``; do not edit."""

# (name, backward input, ((keyword, default), ...), forward ulp, backward ulp,
#  backward scale: "result" or "terms"), in the registry's order.
ELEMENTWISE = (
    ("sigmoid", "output", (), 1, 1, "result"),
    ("tanh", "output", (), 1, 1, "result"),
    ("relu", "input", (), 0, 0, "result"),
    ("relu6", "input", (), 0, 0, "result"),
    ("leaky_relu", "input", (("negative_slope", 0.01),), 0.5, 0.5, "result"),
    ("hardtanh", "input", (("min_val", -1.0), ("max_val", 1.0)), 0, 0, "result"),
    ("hardsigmoid", "input", (), 0.5, 0.5, "result"),
    ("hardswish", "input", (), 1, 1, "result"),
    ("softsign", "input", (), 1, 1, "result"),
    ("exp", "input", (), 1, 2, "result"),
    ("elu", "input", (("alpha", 1.0),), 2, 2, "result"),
    ("celu", "input", (("alpha", 1.0),), 2, 2, "result"),
    ("selu", "input", (), 2, 2, "result"),
    ("softplus", "input", (("beta", 1.0), ("threshold", 20.0)), 2, 2, "result"),
    ("logsigmoid", "input", (), 2, 2, "result"),
    ("silu", "input", (), 2, 2, "terms"),
    ("gelu_tanh", "input", (), 2, 2, "terms"),
    ("gelu", "input", (), 2, 2, "terms"),
    ("mish", "input", (), 2, 2, "terms"),
)

# Backward-only functions: (name, the op they differentiate, from its
#  input x; backward ulp, backward scale), in the registry's order.
GRADIENTS = (
    ("sigmoid_backward_from_input", "sigmoid", 2, "result"),
    ("tanh_backward_from_input", "tanh", 2, "result"),
)

# name: ulp bound on (short rows, long rows, strided axes).
ROW_BOUNDS = {
    "softmax": (4, 4, 4),
    "softmax_backward": (1, 1, 1),
    "log_softmax": (4, 4, 4),
    "log_softmax_maximum": (2, 2, 2),
    "log_softmax_backward": (2, 2, 2),
    "nll_loss": (0, 0, 0),
    "nll_loss_backward": (0, 0, 0),
    "cross_entropy_loss": (2, 2, 2),
    "cross_entropy_gradient": (4, 4, 4),
    "masked_softmax": (4, 4, 4),
    "masked_log_softmax": (4, 4, 4),
    "masked_log_softmax_maximum": (2, 2, 2),
    "logsumexp": (2, 2, 2),
    "logsumexp_backward": (2, 2, 2),
    "cross_entropy_ex_loss": (2, 2, 2),
    "cross_entropy_ex_gradient": (4, 4, 4),
    "bce_with_logits_loss": (2, 2, 2),
    "bce_with_logits_gradient": (2, 2, 2),
}
