"""nonlin.torch's cross_entropy and binary_cross_entropy_with_logits (and
the base functions under them) against PyTorch 1.13 in float64: every
combination of weight, ignore_index, label_smoothing and reduction, (N, C)
and (N, C, d1, d2) inputs, class indices and probabilities, random and wide
(|x| up to 1e30) logits, forward within the header's bounds and gradients
against autograd's; the modules; the errors. Skipped without torch.

The bounds are the header's (nonlin._registry.ROW_BOUNDS): ulps of the
magnitudes the header names, computed here in float64.
"""

import itertools

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as TF  # noqa: E402

import nonlin  # noqa: E402
import nonlin.torch as F  # noqa: E402
from nonlin import _registry  # noqa: E402

from reference import assert_within  # noqa: E402

CE_LOSS, CE_GRAD = (_registry.ROW_BOUNDS["cross_entropy_ex_" + k][0] for k in ("loss", "gradient"))
BCE_LOSS, BCE_GRAD = (_registry.ROW_BOUNDS["bce_with_logits_" + k][0]
                      for k in ("loss", "gradient"))
REDUCTIONS = ("none", "mean", "sum")


def logits(shape, wide, seed):
    g = torch.Generator().manual_seed(seed)
    if wide:  # magnitudes up to 1e30, mixed with ordinary values
        x = torch.randn(shape, generator=g, dtype=torch.float64) * 1e29
        x = torch.where(torch.rand(shape, generator=g) < 0.5, x, x * 1e-29 * 4)
        return x.clamp(-1e30, 1e30).float()
    return torch.randn(shape, generator=g) * 4


def class_targets(shape, classes, ignore_index, seed, all_ignored=False):
    g = torch.Generator().manual_seed(seed)
    t = torch.randint(0, classes, (shape[0],) + tuple(shape[2:]), generator=g)
    t.view(-1)[::4] = ignore_index
    if all_ignored:
        t.fill_(ignore_index)
    return t


def probabilities(shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=g).softmax(1)


def ce_magnitudes(x, target, weight, eps, reduction, ignore_index=None):
    """Per position sum_c |w_c q_c log p_c| and per element
    max(|p_j S|, |w_j q_j|) times the mean's divisor, in float64."""
    x64 = x.double()
    C = x.shape[1]
    logp = x64.log_softmax(1)
    w = (weight.double() if weight is not None else torch.ones(C, dtype=torch.float64))
    wshape = (1, C) + (1,) * (x.dim() - 2)
    if target.dtype == torch.int64:
        keep = target != ignore_index
        onehot = torch.zeros_like(x64).scatter_(1, target.clamp(0, C - 1).unsqueeze(1), 1.0)
        q = (1 - eps) * onehot + eps / C
        q = q * keep.unsqueeze(1)
        divisor = (w[target.clamp(0, C - 1)] * keep).sum()
    else:
        q = (1 - eps) * target.double() + eps / C
        divisor = torch.tensor(float(target.numel() // C), dtype=torch.float64)
    wq = w.view(wshape) * q
    terms = (wq * logp).abs().nan_to_num(0.0).sum(1)
    s = wq.sum(1, keepdim=True)
    grad = torch.maximum((logp.exp() * s).abs(), wq.abs())
    if reduction == "mean":
        return terms.sum() / divisor.abs(), grad / divisor.abs()
    if reduction == "sum":
        return terms.sum(), grad
    return terms, grad


def check_cross_entropy(x, target, weight, eps, reduction, ignore_index=-100):
    """nonlin.torch.cross_entropy against torch's in float64: the loss within
    the bound, the gradient (for dloss = 1, which scales exactly) within the
    bound of autograd's; a random dloss scales the kernel's gradient."""
    kwargs = dict(weight=weight, reduction=reduction, label_smoothing=eps)
    if target.dtype == torch.int64:
        kwargs["ignore_index"] = ignore_index
    xr = x.clone().requires_grad_()
    got = F.cross_entropy(xr, target, **kwargs)
    got.backward(torch.ones_like(got))
    x64 = x.double().requires_grad_()
    w64 = None if weight is None else weight.double()
    t64 = target if target.dtype == torch.int64 else target.double()
    want = TF.cross_entropy(x64, t64, **dict(kwargs, weight=w64))
    want.backward(torch.ones_like(want))
    assert got.shape == want.shape and got.dtype == torch.float32
    loss_scale, grad_scale = ce_magnitudes(x, target, weight, eps, reduction, ignore_index)
    assert_within(got.detach().numpy(), want.detach().numpy(), CE_LOSS, loss_scale.numpy(),
                  "cross_entropy loss")
    assert_within(xr.grad.numpy(), x64.grad.numpy(), CE_GRAD, grad_scale.numpy(),
                  "cross_entropy gradient")
    # Any incoming gradient multiplies the one the forward computed.
    dloss = torch.rand(got.shape) + 0.5
    xr.grad = None
    F.cross_entropy(xr, target, **kwargs).backward(dloss)
    scale = dloss.unsqueeze(1) if reduction == "none" else dloss
    base = torch.ones_like(got)
    xr2 = x.clone().requires_grad_()
    F.cross_entropy(xr2, target, **kwargs).backward(base)
    assert torch.equal(xr.grad, xr2.grad * scale)
    # The module gives the same loss.
    module = F.nn.CrossEntropyLoss(**kwargs)
    assert torch.equal(module(x, target), got.detach()) or torch.isnan(got).all()


@pytest.mark.parametrize("shape", [(37, 11), (5, 4, 3, 2)])
@pytest.mark.parametrize("wide", [False, True])
def test_cross_entropy_every_option_matches_torch(shape, wide):
    x = logits(shape, wide, 1)
    C = shape[1]
    weight = torch.rand(C, generator=torch.Generator().manual_seed(2)) + 0.1
    for ignore_index in (-100, 2):
        target = class_targets(shape, C, ignore_index, 3)
        for w, eps, reduction in itertools.product((None, weight), (0.0, 0.2, 1.0), REDUCTIONS):
            check_cross_entropy(x, target, w, eps, reduction, ignore_index)


@pytest.mark.parametrize("shape", [(37, 11), (5, 4, 3, 2)])
@pytest.mark.parametrize("wide", [False, True])
def test_cross_entropy_probability_targets_match_torch(shape, wide):
    x = logits(shape, wide, 4)
    weight = torch.rand(shape[1], generator=torch.Generator().manual_seed(5)) + 0.1
    target = probabilities(shape, 6)
    for w, eps, reduction in itertools.product((None, weight), (0.0, 0.2, 1.0), REDUCTIONS):
        check_cross_entropy(x, target, w, eps, reduction)


@pytest.mark.parametrize("eps", [0.0, 0.3])
def test_cross_entropy_all_targets_ignored(eps):
    x = logits((6, 5, 2), False, 7)
    target = class_targets((6, 5, 2), 5, -100, 8, all_ignored=True)
    for w in (None, torch.rand(5) + 0.1):
        xr = x.clone().requires_grad_()
        got = F.cross_entropy(xr, target, weight=w, label_smoothing=eps)
        want = TF.cross_entropy(x.double(), target, weight=None if w is None else w.double(),
                                label_smoothing=eps)
        assert torch.isnan(got) and torch.isnan(want)
        got.backward()
        assert torch.equal(xr.grad, torch.zeros_like(x))
        assert F.cross_entropy(x, target, weight=w, label_smoothing=eps,
                               reduction="sum").item() == 0.0


def test_cross_entropy_unbatched_and_no_grad():
    x = logits((7,), False, 9)
    t = torch.tensor(3)
    for reduction in REDUCTIONS:
        got = F.cross_entropy(x, t, reduction=reduction, label_smoothing=0.1)
        want = TF.cross_entropy(x.double(), t, reduction=reduction, label_smoothing=0.1)
        assert got.shape == want.shape
        assert abs(got.item() - want.item()) <= 1e-6 * abs(want.item())
    with torch.no_grad():
        y = F.cross_entropy(x.unsqueeze(0).requires_grad_(), t.unsqueeze(0))
    assert y.grad_fn is None


def bce_magnitudes(x, t, w, pw, reduction):
    x, t = x.double(), t.double()
    C = x.shape[-1]
    w = torch.ones(C, dtype=torch.float64) if w is None else w.double()
    pw = torch.ones(C, dtype=torch.float64) if pw is None else pw.double()
    lw = 1 + (pw - 1) * t
    log_term = torch.log1p(torch.exp(-x.abs()))
    loss = w * ((x.clamp(min=0) * (1 - t)).abs() + (x.clamp(max=0) * pw * t).abs()
                + (lw * log_term).abs())
    grad = w.abs() * ((1 - t).abs() + (pw * t).abs() + (lw * torch.sigmoid(-x.abs())).abs())
    n = x.numel()
    if reduction == "mean":
        return loss.sum() / n, grad / n
    if reduction == "sum":
        return loss.sum(), grad
    return loss, grad


def bce_reference(x, t, w, pw, reduction):
    """The header's formula in float64 (torch's own float64 form cancels
    for |x| near 1e30)."""
    x, t = x.double(), t.double()
    C = x.shape[-1]
    w = torch.ones(C, dtype=torch.float64) if w is None else w.double()
    pw = torch.ones(C, dtype=torch.float64) if pw is None else pw.double()
    lw = 1 + (pw - 1) * t
    loss = w * (x.clamp(min=0) * (1 - t) - x.clamp(max=0) * pw * t
                + lw * torch.log1p(torch.exp(-x.abs())))
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


@pytest.mark.parametrize("shape", [(37, 11), (4, 3, 5)])
@pytest.mark.parametrize("wide", [False, True])
@pytest.mark.parametrize("hard", [False, True])
def test_bce_with_logits_every_option_matches_torch(shape, wide, hard):
    x = logits(shape, wide, 10)
    g = torch.Generator().manual_seed(11)
    t = torch.rand(shape, generator=g)
    if hard:
        t = (t > 0.5).float()
    C = shape[-1]
    weight = torch.rand(C, generator=g) + 0.1
    pos_weight = torch.rand(C, generator=g) * 4
    for w, pw, reduction in itertools.product((None, weight), (None, pos_weight), REDUCTIONS):
        kwargs = dict(weight=w, pos_weight=pw, reduction=reduction)
        xr = x.clone().requires_grad_()
        got = F.binary_cross_entropy_with_logits(xr, t, **kwargs)
        got.backward(torch.ones_like(got))
        x64 = x.double().requires_grad_()
        want = TF.binary_cross_entropy_with_logits(
            x64, t.double(), weight=None if w is None else w.double(),
            pos_weight=None if pw is None else pw.double(), reduction=reduction)
        want.backward(torch.ones_like(want))
        assert got.shape == want.shape and got.dtype == torch.float32
        loss_scale, grad_scale = bce_magnitudes(x, t, w, pw, reduction)
        what = "bce %s w=%s pw=%s" % (reduction, w is not None, pw is not None)
        assert_within(got.detach().numpy(), bce_reference(x, t, w, pw, reduction).numpy(),
                      BCE_LOSS, loss_scale.numpy(), what + " loss")
        if not wide:  # torch's float64 form is accurate here
            assert_within(got.detach().numpy(), want.detach().numpy(), BCE_LOSS,
                          loss_scale.numpy(), what + " loss vs torch")
        assert_within(xr.grad.numpy(), x64.grad.numpy(), BCE_GRAD, grad_scale.numpy(),
                      what + " gradient")
        module = F.nn.BCEWithLogitsLoss(weight=w, reduction=reduction, pos_weight=pw)
        assert torch.equal(module(x, t), got.detach())
        dloss = torch.rand(got.shape) + 0.5
        xr2 = x.clone().requires_grad_()
        F.binary_cross_entropy_with_logits(xr2, t, **kwargs).backward(dloss)
        assert torch.equal(xr2.grad, xr.grad * dloss)


def test_bce_weight_broadcasts_that_fit_and_those_that_do_not():
    x, t = torch.randn(4, 3), torch.rand(4, 3)
    want = TF.binary_cross_entropy_with_logits(x, t, weight=torch.tensor([1.0, 2.0, 3.0]))
    for w in (torch.tensor([1.0, 2.0, 3.0]), torch.tensor([[1.0, 2.0, 3.0]])):
        got = F.binary_cross_entropy_with_logits(x, t, weight=w)
        assert abs(got.item() - want.item()) <= 1e-6 * abs(want.item())
    scalar = F.binary_cross_entropy_with_logits(x, t, weight=torch.tensor(2.0))
    assert abs(scalar.item() - 2 * TF.binary_cross_entropy_with_logits(x, t).item()) < 1e-5
    with pytest.raises(ValueError, match="one value per class"):
        F.binary_cross_entropy_with_logits(x, t, weight=torch.ones(4, 1))
    with pytest.raises(ValueError, match="one value per class"):
        F.binary_cross_entropy_with_logits(x, t, pos_weight=torch.ones(4, 3))
    with pytest.raises(ValueError, match="must match"):
        F.binary_cross_entropy_with_logits(x, t[:, :2])
    with pytest.raises(TypeError, match="float32"):
        F.binary_cross_entropy_with_logits(x, t.double())
    with pytest.raises(NotImplementedError, match="require grad"):
        F.binary_cross_entropy_with_logits(x, t.clone().requires_grad_())


def test_cross_entropy_bad_calls_are_clear_errors():
    x = torch.randn(4, 3)
    t = torch.tensor([0, 1, 2, 0])
    with pytest.raises(ValueError, match="outside"):
        F.cross_entropy(x, torch.tensor([0, 1, 3, 0]))
    with pytest.raises(ValueError, match="outside"):
        F.cross_entropy(torch.randn(2, 3, 4), torch.full((2, 4), 5))
    with pytest.raises(ValueError, match="one value per class"):
        F.cross_entropy(x, t, weight=torch.ones(4))
    with pytest.raises(TypeError, match="float32"):
        F.cross_entropy(x, t, weight=torch.ones(3, dtype=torch.float64))
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(x, t, label_smoothing=1.5)
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(x, t, label_smoothing=float("nan"))
    with pytest.raises(ValueError, match="shape"):
        F.cross_entropy(x, torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="shape"):
        F.cross_entropy(x, torch.rand(4, 2))
    with pytest.raises(TypeError, match="int64 class indices or float32"):
        F.cross_entropy(x, t.int())
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(x, t, reduction="avg")
    with pytest.raises(NotImplementedError, match="reduction"):
        F.cross_entropy(x, t, size_average=True)
    with pytest.raises(ValueError, match="shape"):
        nonlin.cross_entropy_ex(np.zeros(3, np.float32), np.zeros(1, np.int64))


def test_base_functions_on_numpy():
    rng = np.random.default_rng(12)
    x = rng.normal(size=(6, 4, 3)).astype(np.float32)
    t = rng.integers(0, 4, (6, 3))
    loss, grad = nonlin.cross_entropy_ex(x, t, weight=np.ones(4, np.float32), reduction="none",
                                         label_smoothing=0.1, return_grad=True)
    assert loss.shape == (6, 3) and grad.shape == x.shape and isinstance(loss, np.ndarray)
    want = TF.cross_entropy(torch.from_numpy(x).double(), torch.from_numpy(t),
                            reduction="none", label_smoothing=0.1).numpy()
    assert np.allclose(loss, want, rtol=1e-6)
    q = rng.random((6, 4, 3)).astype(np.float32)
    assert isinstance(nonlin.cross_entropy_probs(x, q), float)
    b = nonlin.binary_cross_entropy_with_logits(x, q, reduction="none")
    assert b.shape == x.shape
