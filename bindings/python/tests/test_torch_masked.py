"""nonlin.torch.masked_softmax and logsumexp against PyTorch 1.13: values
against float64 at the header's bounds, gradients against autograd's
through PyTorch's own formulation (masked_fill, softmax, logsumexp) in
float64, fully masked rows in both empty-row modes (the zero mode against
a reference built by hand: torch 1.13 has no _safe_softmax), and the
errors. Skipped where torch is not installed."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import nonlin  # noqa: E402
import nonlin.torch as F  # noqa: E402
from nonlin import _registry  # noqa: E402
from reference import assert_within  # noqa: E402


def bound(name):
    return max(_registry.ROW_BOUNDS[name])


def torch_masked(x, mask, dim, scale, zero):
    """PyTorch's masked softmax in float64; the zero mode by hand."""
    x = x.double()
    if mask is not None:
        x = x.masked_fill(~mask, float("-inf"))
    y = torch.softmax(x * scale, dim)
    if zero:
        empty = (x == float("-inf")).all(dim, keepdim=True)
        y = torch.where(empty, torch.zeros_like(y), y)
    return y


def attention_inputs(seed, wide=False):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(2, 3, 5, 17, generator=g) * (1e30 if wide else 3.0)
    mask = torch.rand(5, 17, generator=g) < 0.7
    mask[1] = False  # a fully masked query row
    return x, mask


@pytest.mark.parametrize("empty_row", ["nan", "zero"])
@pytest.mark.parametrize("wide", [False, True], ids=["normal", "wide"])
@pytest.mark.parametrize("scale", [1.0, 0.25])
def test_masked_softmax_matches_torch(empty_row, wide, scale):
    x, mask = attention_inputs(int(wide) + 2 * (empty_row == "zero"), wide)
    xr = x.clone().requires_grad_()
    y = F.masked_softmax(xr, mask, dim=-1, scale=scale, empty_row=empty_row)
    assert y.dtype == torch.float32 and y.requires_grad
    want = torch_masked(x, mask, -1, scale, empty_row == "zero")
    assert_within(y.detach().numpy(), want.numpy(), bound("masked_softmax"), want.numpy(),
                  "masked_softmax")
    dy = torch.randn(x.shape, generator=torch.Generator().manual_seed(9))
    y.backward(dy)
    x64 = x.double().requires_grad_()
    torch_masked(x64, mask, -1, scale, empty_row == "zero").backward(dy.double())
    want_dx = x64.grad
    if empty_row == "nan":  # PyTorch's NaN rows give NaN gradients at kept entries
        rows = ~torch.isnan(want).any(-1)
        got_dx, want_dx = xr.grad[rows], want_dx[rows]
    else:
        got_dx = xr.grad
    ok = (got_dx.double() - want_dx).abs() <= 1e-5 * want_dx.abs() + 1e-6
    assert ok.all()
    assert (xr.grad[~mask.expand_as(x)] == 0).all()


def test_masked_softmax_strided_dim_and_no_mask():
    g = torch.Generator().manual_seed(4)
    x = torch.randn(4, 9, 3, generator=g)
    mask = torch.rand(4, 9, 1, generator=g) < 0.6
    got = F.masked_softmax(x, mask, dim=1, empty_row="zero")
    want = torch_masked(x, mask.expand_as(x), 1, 1.0, True)
    assert_within(got.numpy(), want.numpy(), bound("masked_softmax"), want.numpy(), "dim 1")
    assert torch.equal(F.masked_softmax(x, None, dim=1), F.softmax(x, dim=1))


def test_fully_masked_rows():
    x = torch.randn(3, 4)
    mask = torch.tensor([[False] * 4, [True] * 4, [True, False, True, False]])
    nan = F.masked_softmax(x, mask)
    assert torch.isnan(nan[0]).all() and not torch.isnan(nan[1:]).any()
    assert torch.isnan(torch.softmax(x.masked_fill(~mask, float("-inf")), -1)[0]).all()
    zero = F.masked_softmax(x, mask, empty_row="zero")
    assert (zero[0] == 0).all() and torch.equal(zero[1:], nan[1:])
    xr = x.clone().requires_grad_()
    F.masked_softmax(xr, mask, empty_row="zero").sum().backward()
    assert (xr.grad[0] == 0).all()


@pytest.mark.parametrize("wide", [False, True], ids=["normal", "wide"])
@pytest.mark.parametrize("dim,keepdim", [(-1, False), (1, True), (0, False)])
def test_logsumexp_matches_torch(wide, dim, keepdim):
    g = torch.Generator().manual_seed(5 + wide)
    x = torch.randn(6, 40, 3, generator=g) * (1e30 if wide else 10.0)
    xr = x.clone().requires_grad_()
    y = F.logsumexp(xr, dim, keepdim=keepdim)
    x64 = x.double().requires_grad_()
    want = torch.logsumexp(x64, dim, keepdim=keepdim)
    assert y.shape == want.shape
    assert_within(y.detach().numpy(), want.detach().numpy(), bound("logsumexp"),
                  np.maximum(np.abs(want.detach().numpy()), 1.0), "logsumexp")
    dy = torch.randn(y.shape, generator=g)
    y.backward(dy)
    want.backward(dy.double())
    ok = (xr.grad.double() - x64.grad).abs() <= 1e-5 * x64.grad.abs() + 1e-6 * dy.abs().max()
    assert ok.all()


def test_logsumexp_special_rows_follow_torch():
    x = torch.tensor([[float("-inf")] * 3, [float("inf"), 1.0, 2.0], [float("nan"), 1.0, 0.0],
                      [3.0, 3.0, 3.0]])
    got, want = F.logsumexp(x, 1), torch.logsumexp(x, 1)
    assert torch.equal(torch.isnan(got), torch.isnan(want))
    assert torch.equal(got[:2], want[:2])
    assert got[3] == torch.tensor(3.0 + np.log(3.0), dtype=torch.float32)
    assert F.logsumexp(torch.tensor([2.5]), 0) == 2.5


def test_errors():
    x = torch.randn(4, 3)
    with pytest.raises(ValueError, match="empty_row"):
        F.masked_softmax(x, None, empty_row="zeros")
    with pytest.raises(TypeError, match="bool"):
        F.masked_softmax(x, torch.ones(4, 3))
    with pytest.raises(ValueError, match="broadcast"):
        F.masked_softmax(x, torch.ones(2, 3, dtype=torch.bool))
    with pytest.raises(ValueError, match="scale"):
        F.masked_softmax(x, None, scale=0.0)
    with pytest.raises(TypeError):
        F.masked_softmax(x.double(), None)
    with pytest.raises(NotImplementedError):
        F.logsumexp(x, (0, 1))
