"""The losses against float64 references, on every instruction set.

Bounds from the header: cross-entropy loss 4 ulp of max(|loss|, 1) and its
gradient 4 ulp of the row's scale (1/count for mean, 1 otherwise); NLL and
its gradient are exact up to the final rounding of a double sum (1 ulp).
"""

import array

import numpy as np
import pytest

import nonlin
from reference import assert_within

REDUCTIONS = ("none", "mean", "sum")
SHAPES = [(1, 1), (1, 10), (8, 3), (33, 17), (256, 1000)]


def make_case(rows, classes, seed, ignore_index=-100):
    rng = np.random.default_rng(seed)
    logits = (rng.normal(0.0, 3.0, (rows, classes))
              + rng.choice([0.0, 50.0, -1e4], (rows, 1))).astype(np.float32)
    target = rng.integers(0, classes, rows)
    target[rng.random(rows) < 0.2] = ignore_index  # some rows are ignored
    return logits, target


def reference_ce(logits, target, ignore_index, reduction):
    """(loss, grad, gradient scale) in float64 from the definitions."""
    x = logits.astype(np.float64)
    rows, classes = x.shape
    keep = target != ignore_index
    shifted = x - x.max(axis=1, keepdims=True)
    logsum = np.log(np.exp(shifted).sum(axis=1))
    safe = np.where(keep, target, 0)
    per_row = np.where(keep, logsum - shifted[np.arange(rows), safe], 0.0)
    grad = np.exp(shifted - logsum[:, None])
    grad[np.arange(rows), safe] -= 1.0
    grad[~keep] = 0.0
    count = keep.sum()
    if reduction == "none":
        return per_row, grad, 1.0
    if reduction == "sum":
        return per_row.sum(), grad, 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        return per_row.sum() / count, grad / count, 1.0 / max(count, 1)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_cross_entropy_matches_reference(shape, reduction, isa):
    logits, target = make_case(*shape, seed=sum(shape))
    loss, grad = nonlin.cross_entropy(logits, target, reduction=reduction, return_grad=True)
    ref_loss, ref_grad, grad_scale = reference_ce(logits, target, -100, reduction)
    if reduction == "none":
        assert isinstance(loss, np.ndarray) and loss.dtype == np.float32
    else:
        assert isinstance(loss, float)
    assert_within(loss, ref_loss, 4, np.maximum(np.abs(ref_loss), 1.0), "loss")
    assert grad.shape == shape and grad.dtype == np.float32
    assert_within(grad, ref_grad, 4, grad_scale, "grad")
    # Without the gradient: the same loss.
    again = nonlin.cross_entropy(logits, target, reduction=reduction)
    np.testing.assert_array_equal(again, loss)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_nll_loss_and_its_gradient_match_reference(shape, reduction, isa):
    logits, target = make_case(*shape, seed=3 * sum(shape), ignore_index=-1)
    logp = nonlin.log_softmax(logits, axis=1)
    keep = target != -1
    rows = np.arange(shape[0])
    per_row = np.where(keep, -logp.astype(np.float64)[rows, np.where(keep, target, 0)], 0.0)
    count = keep.sum()
    expected = {"none": per_row, "sum": per_row.sum(),
                "mean": per_row.sum() / count if count else np.nan}[reduction]
    got = nonlin.nll_loss(logp, target, ignore_index=-1, reduction=reduction)
    assert_within(got, expected, 1, np.abs(expected), "nll_loss")

    dloss = np.linspace(0.5, 2.0, shape[0]).astype(np.float32) if reduction == "none" else 0.75
    grad = nonlin.nll_loss_backward(target, dloss, shape[1], ignore_index=-1,
                                    reduction=reduction)
    want = np.zeros(shape)
    scale = np.asarray(dloss, np.float64) * np.ones(shape[0])
    if reduction == "mean":
        scale = scale / max(count, 1)
    want[rows[keep], target[keep]] = -scale[keep]
    assert_within(grad, want, 1, np.abs(want), "nll_loss_backward")


def test_cross_entropy_equals_nll_of_log_softmax():
    logits, target = make_case(64, 12, seed=11)
    fused = nonlin.cross_entropy(logits, target, reduction="none")
    split = nonlin.nll_loss(nonlin.log_softmax(logits), target, reduction="none")
    assert_within(fused, split.astype(np.float64), 8, np.maximum(np.abs(split), 1.0),
                  "fused vs split")


def test_ignored_and_empty_reductions():
    logits = np.zeros((3, 4), np.float32)
    target = np.full(3, -100)
    # A mean over no counted rows is NaN (as in PyTorch); a sum is 0.
    assert np.isnan(nonlin.cross_entropy(logits, target))
    assert nonlin.cross_entropy(logits, target, reduction="sum") == 0.0
    loss, grad = nonlin.cross_entropy(logits, target, reduction="none", return_grad=True)
    assert not loss.any() and not grad.any()
    empty = np.zeros((0, 4), np.float32)
    assert np.isnan(nonlin.nll_loss(empty, []))
    assert nonlin.nll_loss(empty, [], reduction="sum") == 0.0
    assert nonlin.nll_loss(empty, [], reduction="none").shape == (0,)


def test_custom_ignore_index_and_uniform_logits():
    logits = np.zeros((4, 5), np.float32)
    loss = nonlin.cross_entropy(logits, [0, 7, 4, 7], ignore_index=7)
    assert loss == pytest.approx(np.log(5.0), rel=4 * 2.0 ** -23)


@pytest.mark.parametrize("target", [
    np.array([2, 0, 1], np.int32), np.array([2, 0, 1], np.uint8), [2, 0, 1], (2, 0, 1),
    array.array("q", [2, 0, 1]), array.array("i", [2, 0, 1]),
    memoryview(array.array("h", [2, 0, 1])), np.array([9, 2, 9, 0, 9, 1])[1::2]],
    ids=["int32", "uint8", "list", "tuple", "array_q", "array_i", "memoryview_h", "strided"])
def test_any_integer_target_is_converted_to_int64(target):
    logits = np.arange(9, dtype=np.float32).reshape(3, 3)
    expected = nonlin.cross_entropy(logits, np.array([2, 0, 1], np.int64), reduction="none")
    np.testing.assert_array_equal(nonlin.cross_entropy(logits, target, reduction="none"),
                                  expected)


def test_losses_with_options_on_every_isa(isa):
    """The numpy entry points of the losses with PyTorch's options: shapes,
    result types, agreement between the forms (a one-hot probability target
    is the class index), and the errors; their accuracy against PyTorch is
    in test_torch_losses.py."""
    rng = np.random.default_rng(31)
    x = rng.normal(0.0, 3.0, (5, 4, 3)).astype(np.float32)
    t = rng.integers(0, 4, (5, 3))
    w = rng.random(4).astype(np.float32) + 0.1
    onehot = np.moveaxis(np.eye(4, dtype=np.float32)[t], -1, 1)
    for reduction in REDUCTIONS:
        a, ga = nonlin.cross_entropy_ex(x, t, weight=w, reduction=reduction,
                                        label_smoothing=0.2, return_grad=True)
        b, gb = nonlin.cross_entropy_probs(x, onehot, weight=w, reduction=reduction,
                                           label_smoothing=0.2, return_grad=True)
        assert ga.shape == x.shape and gb.shape == x.shape
        if reduction == "none":
            assert a.shape == (5, 3) and np.allclose(a, b, rtol=1e-6)
        elif reduction == "sum":  # the mean's divisors differ: weights, positions
            assert isinstance(a, float) and abs(a - b) <= 1e-6 * abs(a)
        bce = nonlin.binary_cross_entropy_with_logits(x, onehot, weight=np.ones(3, np.float32),
                                                      reduction=reduction)
        assert np.ndim(bce) == (3 if reduction == "none" else 0)
    with pytest.raises(ValueError, match="outside"):
        nonlin.cross_entropy_ex(x, np.full((5, 3), 4))
    with pytest.raises(ValueError, match="one value per class"):
        nonlin.cross_entropy_ex(x, t, weight=np.ones(3, np.float32))
    with pytest.raises(ValueError, match="label_smoothing"):
        nonlin.cross_entropy_probs(x, onehot, label_smoothing=-0.5)
    with pytest.raises(ValueError, match="shape"):
        nonlin.cross_entropy_probs(x, onehot[:, :, :2])
    with pytest.raises(ValueError, match="shape"):
        nonlin.binary_cross_entropy_with_logits(x, onehot[:, :, :2])
    with pytest.raises(TypeError):
        nonlin.binary_cross_entropy_with_logits(x, x.astype(np.float64))
