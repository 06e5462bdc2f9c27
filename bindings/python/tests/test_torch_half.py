"""bfloat16 and float16 torch tensors: in the base functions (any of them,
without numpy's view of bfloat16) and in nonlin.torch's losses, masked
softmax and logsumexp. Each result is checked bit for bit: the 16-bit
kernels compute in float32 and round once (nonlin.h), so a 16-bit result
equals the float32 function's on the widened input, rounded to the dtype
(torch's .to() rounds to nearest even, as the C functions). Skipped where
torch is not installed."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import nonlin  # noqa: E402
import nonlin.torch as F  # noqa: E402

DTYPES = pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=["bf16", "f16"])


def logits(dtype, rows=9, classes=13, seed=5):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(rows, classes, generator=g) * 3).to(dtype)


def numpy_twin(t):
    """The numpy array (and dtype keyword) the base functions take for t."""
    if t.dtype == torch.float16:
        return t.numpy(), None
    return t.view(torch.int16).numpy().view(np.uint16), "bfloat16"


def as_tensor(a, dtype):
    if dtype == torch.float16:
        return torch.from_numpy(a)
    return torch.from_numpy(a.view(np.int16)).view(torch.bfloat16)


@DTYPES
def test_base_functions_take_16_bit_tensors(dtype):
    """A 16-bit tensor reaches the 16-bit C function as its numpy twin does,
    and comes back as a tensor of its dtype."""
    x = logits(dtype)
    a, kind = numpy_twin(x)
    calls = [
        (lambda v, **k: nonlin.sigmoid(v, **k)),
        (lambda v, **k: nonlin.gelu_backward(v, v, **k)),
        (lambda v, **k: nonlin.softmax(v, axis=0, **k)),
        (lambda v, **k: nonlin.log_softmax_backward(v, v, axis=1, **k)),
        (lambda v, **k: nonlin.logsumexp(v, axis=1, **k)),
        (lambda v, **k: nonlin.masked_log_softmax(v, scale=0.5, **k)),
    ]
    for call in calls:
        got = call(x)
        assert isinstance(got, torch.Tensor) and got.dtype == dtype
        assert torch.equal(got, as_tensor(call(a, dtype=kind), dtype))
    # Given dtype keywords must name the tensor's own type.
    other = "float16" if dtype == torch.bfloat16 else "bfloat16"
    with pytest.raises(TypeError, match="tensor"):
        nonlin.sigmoid(x, dtype=other)


@DTYPES
def test_16_bit_tensors_zero_copy_out_and_strides(dtype):
    x = logits(dtype)
    out = torch.empty_like(x)
    assert nonlin.tanh(x, out=out) is out
    assert torch.equal(out, torch.tanh(x.float()).to(dtype))
    address = x.data_ptr()
    nonlin.relu(x, out=x)
    assert x.data_ptr() == address and (x >= 0).all()
    strided = logits(dtype, 8, 20)[:, ::2]
    assert torch.equal(nonlin.exp(strided), nonlin.exp(strided.contiguous()))
    with pytest.raises(TypeError, match="out"):
        nonlin.tanh(x, out=torch.empty(x.shape))
    with pytest.raises(ValueError, match="shape"):
        nonlin.tanh(x, out=torch.empty(3, dtype=dtype))
    with pytest.raises(ValueError, match="contiguous"):
        nonlin.tanh(x, out=torch.empty(x.shape[1], x.shape[0], dtype=dtype).t())


@DTYPES
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy(dtype, reduction):
    """The loss is the float32 loss of the 16-bit logits rounded to their
    dtype (as torch returns it); the gradient the float32 gradient rounded."""
    x = logits(dtype)
    t = torch.tensor([0, 3, 12, 5, -100, 7, 1, 1, 2])
    wide = x.float().requires_grad_()
    want = F.cross_entropy(wide, t, reduction=reduction)
    want_grad, = torch.autograd.grad(want.sum(), wide)
    xr = x.clone().requires_grad_()
    got = F.cross_entropy(xr, t, reduction=reduction)
    assert got.dtype == dtype and got.shape == want.shape
    assert torch.equal(got.detach(), want.detach().to(dtype))
    got_grad, = torch.autograd.grad(got.sum(), xr)
    assert got_grad.dtype == dtype and torch.equal(got_grad, want_grad.to(dtype))
    with torch.no_grad():
        assert torch.equal(F.cross_entropy(x, t, reduction=reduction), got.detach())
    # Within torch's own float32 result on the same logits (relative 1e-5).
    ref = torch.nn.functional.cross_entropy(x.float(), t, reduction=reduction)
    assert torch.allclose(want.detach(), ref, rtol=1e-5, atol=1e-6)
    # One unbatched row.
    one = F.cross_entropy(x[1], t[1])
    assert one.dtype == dtype and torch.equal(one, F.cross_entropy(x[1].float(), t[1]).to(dtype))


@DTYPES
def test_cross_entropy_forms_without_a_16_bit_kernel_are_refused(dtype):
    x, t = logits(dtype), torch.zeros(9, dtype=torch.int64)
    for kwargs in ({"weight": torch.ones(13)}, {"label_smoothing": 0.1}):
        with pytest.raises(TypeError, match="float32"):
            F.cross_entropy(x, t, **kwargs)
    with pytest.raises(TypeError, match="float32"):
        F.cross_entropy(x, torch.softmax(x.float(), 1))
    with pytest.raises(TypeError, match="float32"):
        F.cross_entropy(x.reshape(9, 13, 1), t.reshape(9, 1))


@DTYPES
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss(dtype, reduction):
    x = torch.log_softmax(logits(dtype).float(), 1).to(dtype)
    t = torch.tensor([0, 3, 12, 5, -100, 7, 1, 1, 2])
    wide = x.float().requires_grad_()
    want = F.nll_loss(wide, t, reduction=reduction)
    dloss = torch.full(want.shape, 0.75)
    want_grad, = torch.autograd.grad(want, wide, dloss)
    xr = x.clone().requires_grad_()
    got = F.nll_loss(xr, t, reduction=reduction)
    assert got.dtype == dtype and torch.equal(got.detach(), want.detach().to(dtype))
    got_grad, = torch.autograd.grad(got, xr, dloss.to(dtype))
    assert got_grad.dtype == dtype and torch.equal(got_grad, want_grad.to(dtype))


@DTYPES
@pytest.mark.parametrize("scale", [1.0, 0.125])
def test_masked_softmax(dtype, scale):
    """Forward: the float32 kernel's result rounded. Backward: the float32
    backward of the 16-bit output, scaled, rounded once; masked entries get
    exactly zero."""
    x = logits(dtype, 6, 10)
    g = torch.Generator().manual_seed(9)
    mask = torch.rand(6, 10, generator=g) > 0.3
    mask[2] = False  # a row with nothing kept
    dy = torch.randn(6, 10, generator=g).to(dtype)
    xr = x.clone().requires_grad_()
    got = F.masked_softmax(xr, mask, dim=1, scale=scale, empty_row="zero")
    want = F.masked_softmax(x.float(), mask, dim=1, scale=scale, empty_row="zero")
    assert got.dtype == dtype and torch.equal(got.detach(), want.to(dtype))
    grad, = torch.autograd.grad(got, xr, dy)
    y = got.detach().float()
    want_grad = (nonlin.softmax_backward(y, dy.float(), axis=1) * scale)
    want_grad = want_grad.masked_fill(~mask, 0.0).to(dtype)
    assert grad.dtype == dtype and torch.equal(grad, want_grad)
    assert (grad[~mask] == 0).all()


@DTYPES
@pytest.mark.parametrize("keepdim", [False, True])
def test_logsumexp(dtype, keepdim):
    x = logits(dtype)
    xr = x.clone().requires_grad_()
    got = F.logsumexp(xr, 1, keepdim)
    assert got.dtype == dtype
    assert torch.equal(got.detach(), F.logsumexp(x.float(), 1, keepdim).to(dtype))
    dy = torch.linspace(-2, 2, got.numel()).reshape(got.shape).to(dtype)
    grad, = torch.autograd.grad(got, xr, dy)
    want = nonlin.logsumexp_backward(x.float(), got.detach().float(), dy.float(), axis=1)
    assert grad.dtype == dtype and torch.equal(grad, want.to(dtype))
    # An empty axis: log(0) = -inf in the tensor's dtype.
    empty = nonlin.logsumexp(torch.empty(3, 0, dtype=dtype), axis=1)
    assert empty.dtype == dtype and torch.equal(empty, torch.full((3,), -float("inf"), dtype=dtype))
