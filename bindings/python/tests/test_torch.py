"""nonlin.torch against PyTorch: every registry activation (functional and
module), softmax, log_softmax and the losses, forward and gradient, on
random, wide and special inputs; tensors passed to the base functions; the
errors for what is not supported. Skipped where torch is not installed.

What is checked: that nonlin.torch's values and gradients are exactly
those of nonlin's kernels (whose accuracy tests/test_ops.py checks against
float64 references, at the header's bounds), and that they agree with
PyTorch's functions in float64 to relative 1e-5 plus absolute 1e-6 of dy
(torch's float64 is not accurate everywhere, so it is not the accuracy
reference). sigmoid's and tanh's gradients come from x and are more
accurate than torch's from y: they are held to their header bounds against
the float64 references of nonlin._table instead.
"""

import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as TF  # noqa: E402

import nonlin  # noqa: E402
import nonlin.torch as F  # noqa: E402
from nonlin import _registry  # noqa: E402

ACTIVATIONS = [row[0] for row in _registry.ELEMENTWISE]
# sigmoid and tanh: their autograd uses the gradient from the input.
GRADIENT_OF = {row[1]: row[0] for row in _registry.GRADIENTS}
PARAMS = {row[0]: row[2] for row in _registry.ELEMENTWISE}
# Parameters other than the defaults, to catch one passed in the wrong place.
OTHER = {"leaky_relu": (0.2,), "hardtanh": (-0.75, 2.5), "elu": (0.75,), "celu": (1.5,),
         "softplus": (2.0, 15.0)}


def torch_reference(name):
    """torch's function for a registry op, and the keyword arguments it takes."""
    if name == "exp":
        return lambda x: torch.exp(x)
    if name == "gelu_tanh":
        return lambda x: TF.gelu(x, approximate="tanh")
    if name in ("sigmoid", "tanh"):
        return getattr(torch, name)
    return getattr(TF, name)


def ours(name):
    if name == "gelu_tanh":
        return lambda x, *p: F.gelu(x, approximate="tanh")
    return getattr(F, name)


def inputs(seed, n=2000):
    g = torch.Generator().manual_seed(seed)
    x = torch.cat([torch.randn(n, generator=g) * 3, torch.randn(n, generator=g) * 30,
                   torch.tensor([0.0, -0.0, 1e-30, -1e-30, 20.0, -20.0, 88.0, -104.0, 1e30,
                                 -1e30])])
    dy = torch.randn(x.shape, generator=g)
    return x, dy


def torch_close(got, want, what, dy_scale=1.0):
    """PyTorch's semantics, to float32 precision: torch's own float64 results
    are not accurate everywhere (elu(-1e-30) = 0, gelu's negative tail), so
    the bound is relative 1e-5 plus an absolute 1e-6 of the gradient's dy."""
    got64, want = got.detach().double(), want.detach()
    ok = (got64 - want).abs() <= 1e-5 * want.abs() + 1e-6 * dy_scale
    ok |= torch.isnan(got64) & torch.isnan(want)
    ok |= torch.isinf(want) & (got64 == want)
    assert ok.all(), "%s: got %r, want %r" % (what, float(got64[~ok][0]), float(want[~ok][0]))


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("other", [False, True], ids=["defaults", "other-params"])
def test_activation_and_gradient_are_the_kernels_and_match_torch(name, other):
    params = OTHER.get(name, ()) if other else tuple(d for _, d in PARAMS[name])
    x, dy = inputs(len(name) + other)
    if name in ("exp",):
        x = x.clamp(-100, 80)
    xr = x.clone().requires_grad_()
    y = ours(name)(xr, *params)
    assert isinstance(y, torch.Tensor) and y.dtype == torch.float32 and y.requires_grad
    y.backward(dy)
    # The values and the gradient are the C kernels' (accurate to their
    # bounds, tests/test_ops.py), with the right saved tensor and parameters.
    from_input = dict((r[0], r[1]) for r in _registry.ELEMENTWISE)[name] == "input"
    from_input |= name in GRADIENT_OF
    backward = GRADIENT_OF.get(name, name + "_backward")
    assert torch.equal(y.detach(), getattr(nonlin, name)(x, *params))
    saved = x if from_input else y.detach()
    assert torch.equal(xr.grad, getattr(nonlin, backward)(saved, dy, *params))
    # And they are PyTorch's functions.
    x64 = x.double().requires_grad_()
    want = torch_reference(name)(x64, *params)
    want.backward(dy.double())
    torch_close(y, want, name)
    if name in GRADIENT_OF:
        # Torch's gradient from y is off by thousands of ulp where y nears
        # its limits; this one is held to its bound against float64.
        reference = pytest.importorskip("reference")
        op = reference.OPS[backward]
        ref, scale = reference.evaluate(op, [x.numpy(), dy.numpy()])
        reference.assert_within(xr.grad.numpy(), ref, op.ulps, scale, backward)
    else:
        torch_close(xr.grad, x64.grad, name + " gradient", dy.abs().double())


@pytest.mark.parametrize("name", [n for n in ACTIVATIONS if n not in F.nn.WITHOUT_MODULE])
def test_modules_are_drop_in(name):
    cls = getattr(F.nn, F.nn._CLASS_NAMES[name])
    reference_cls = getattr(torch.nn, cls.__name__)
    params = OTHER.get(name, ())
    x = torch.randn(64, 9)
    got, want = cls(*params)(x), reference_cls(*params)(x)
    assert torch.allclose(got, want, rtol=1e-5, atol=1e-6), name


def test_gelu_module_takes_approximate():
    x = torch.randn(100)
    assert torch.equal(F.nn.GELU(approximate="tanh")(x), F.gelu(x, approximate="tanh"))
    with pytest.raises(ValueError):
        F.gelu(x, approximate="erf")


@pytest.mark.parametrize("log", [False, True], ids=["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,dim", [((7, 10), 1), ((7, 10), 0), ((2, 5, 33), 1),
                                       ((3, 4, 5), -1), ((1, 70000), 1)])
def test_softmax_family_matches_torch(log, shape, dim):
    g = torch.Generator().manual_seed(5)
    x = torch.randn(shape, generator=g) * 5
    dy = torch.randn(shape, generator=g)
    xr = x.clone().requires_grad_()
    fn, ref = (F.log_softmax, TF.log_softmax) if log else (F.softmax, TF.softmax)
    y = fn(xr, dim)
    y.backward(dy)
    x64 = x.double().requires_grad_()
    want = ref(x64, dim)
    want.backward(dy.double())
    torch_close(y, want, "forward")
    torch_close(xr.grad, x64.grad, "gradient", dy.abs().double())
    assert torch.equal(F.nn.LogSoftmax(dim)(x) if log else F.nn.Softmax(dim)(x), y.detach())


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
def test_losses_match_torch(loss, reduction):
    g = torch.Generator().manual_seed(9)
    x = torch.randn(37, 11, generator=g) * 4
    if loss == "nll_loss":
        x = TF.log_softmax(x, 1)
    target = torch.randint(0, 11, (37,), generator=g)
    target[::5] = -100
    dloss = torch.rand(37, generator=g) + 0.5 if reduction == "none" else torch.tensor(1.7)
    xr = x.clone().requires_grad_()
    got = getattr(F, loss)(xr, target, reduction=reduction)
    got.backward(dloss)
    x64 = x.double().requires_grad_()
    want = getattr(TF, loss)(x64, target, reduction=reduction)
    want.backward(dloss.double())
    assert got.shape == want.shape and got.dtype == torch.float32
    torch_close(got, want, loss)
    torch_close(xr.grad, x64.grad, loss + " gradient")
    module = F.nn.CrossEntropyLoss if loss == "cross_entropy" else F.nn.NLLLoss
    assert torch.equal(module(reduction=reduction)(x, target), got.detach())


def test_base_functions_take_and_return_tensors_without_copying():
    x = torch.randn(1000)
    y = nonlin.sigmoid(x)
    assert isinstance(y, torch.Tensor) and y.dtype == torch.float32 and y.shape == x.shape
    assert (y - torch.sigmoid(x)).abs().max() < 1e-6
    assert torch.equal(nonlin.sigmoid(x.clone().requires_grad_()), y)
    out = torch.empty(1000)
    assert nonlin.tanh(x, out=out) is out
    address = x.data_ptr()
    nonlin.relu(x, out=x)
    assert x.data_ptr() == address and (x >= 0).all()
    strided = torch.randn(10, 20)[:, ::2]
    assert torch.allclose(nonlin.exp(strided), torch.exp(strided), rtol=1e-6)
    loss = nonlin.cross_entropy(torch.randn(4, 3), torch.tensor([0, 1, 2, 0]))
    assert isinstance(loss, float)


def test_unsupported_tensors_and_options_are_clear_errors():
    x = torch.randn(4, 3)
    t = torch.tensor([0, 1, 2, 0])
    for bad in (x.double(), x.to(torch.int32)):
        with pytest.raises(TypeError, match="float32, bfloat16 and float16"):
            F.sigmoid(bad)
    for bad in (x.double(), x.to(torch.int32)):
        with pytest.raises(TypeError, match="float32, bfloat16 and float16"):
            F.softmax(bad, 1)
    with pytest.raises(TypeError, match="dtype"):
        F.log_softmax(x, 1, dtype=torch.float64)
    with pytest.raises(TypeError, match="float64"):
        nonlin.sigmoid(x.double())
    with pytest.raises(NotImplementedError, match="weight"):
        F.nll_loss(x, t, weight=torch.ones(3))
    with pytest.raises(TypeError, match="int64"):
        F.cross_entropy(x, t.int())
    with pytest.raises(ValueError, match="outside"):
        F.cross_entropy(x, torch.tensor([0, 1, 3, 0]))
    with pytest.raises(RuntimeError, match="inplace"):
        F.relu(x.clone().requires_grad_(), inplace=True)
    y = x.clone()
    assert F.relu(y, inplace=True) is y and torch.equal(y, torch.relu(x))


def test_every_activation_is_exported_and_gradchecks():
    for name in ACTIVATIONS:
        if name != "gelu_tanh":
            assert name in F.__all__
    x = torch.randn(6, dtype=torch.float32, requires_grad=True)
    # float32 finite differences: loose, but they catch a wrong backward.
    for name in ("sigmoid", "tanh", "silu", "softplus"):
        y = ours(name)(x)
        (g,) = torch.autograd.grad(y.sum(), x)
        h = 1e-2
        fd = (ours(name)(x.detach() + h) - ours(name)(x.detach() - h)) / (2 * h)
        assert torch.allclose(g, fd, rtol=1e-2, atol=1e-3), name


def test_direct_calls_take_every_layout_and_keep_autograd_checks():
    """nonlin.torch hands tensors straight to the C functions: strided
    inputs and gradients, no_grad, saved tensors changed in place and
    parameters the C function refuses behave as through the array
    functions."""
    x = torch.randn(12, 10).t()  # not contiguous
    assert torch.equal(F.sigmoid(x), nonlin.sigmoid(x.contiguous()))
    assert torch.equal(F.log_softmax(x, 0), nonlin.log_softmax(x.contiguous(), axis=0))
    xr = x.clone().requires_grad_()
    with torch.no_grad():
        assert F.tanh(xr).grad_fn is None and F.softmax(xr, 1).grad_fn is None
    # y.sum() sends an expanded, stride-0 gradient back.
    F.silu(xr).sum().backward()
    assert torch.equal(xr.grad, nonlin.silu_backward(x.contiguous(), torch.ones(10, 12)))
    xr.grad = None
    F.softmax(xr, -1).sum().backward()
    y = nonlin.softmax(x.contiguous(), axis=-1)
    assert torch.equal(xr.grad, nonlin.softmax_backward(y, torch.ones(10, 12), axis=-1))
    xs = (xr * 1).contiguous()  # saved as it is, and changed in place below
    y = F.sigmoid(xs)
    xs.mul_(2)  # sigmoid's backward needs x
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    for grad in (False, True):
        with pytest.raises(ValueError, match="min_val"):
            F.hardtanh(x.clone().requires_grad_(grad), 2.0, 1.0)
        with pytest.raises(IndexError):
            F.softmax(x.clone().requires_grad_(grad), 2)
        with pytest.raises(ValueError, match="outside"):
            F.cross_entropy(x.clone().requires_grad_(grad), torch.full((10,), 12))
    assert F.cross_entropy(x, torch.zeros(10, dtype=torch.int64), reduction="none").shape == (10,)


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=["bf16", "f16"])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_16_bit_activations_are_the_float32_results_rounded(name, dtype):
    """bfloat16 and float16 tensors: forward, gradient, in place and the
    module, each the float32 kernel's result rounded once to the tensor's
    dtype (torch's .to() rounds to nearest even, as the C functions)."""
    x, dy = inputs(7, 200)
    if name == "exp":
        x = x.clamp(-30.0, 10.0)  # within float16's range
    x16, dy16 = x.to(dtype), dy.to(dtype)
    wide, dwide = x16.float().requires_grad_(), dy16.float()
    want = ours(name)(wide)
    (want_grad,) = torch.autograd.grad(want, wide, dwide)
    xr = x16.clone().requires_grad_()
    got = ours(name)(xr)
    assert got.dtype == dtype
    assert torch.equal(got.detach(), want.detach().to(dtype)), name
    # Every autograd gradient takes x (sigmoid's and tanh's from the input).
    (got_grad,) = torch.autograd.grad(got, xr, dy16)
    assert got_grad.dtype == dtype
    assert torch.equal(got_grad, want_grad.to(dtype)), name
    with torch.no_grad():
        assert torch.equal(ours(name)(x16), got.detach())
    if name in ("relu", "silu", "elu"):
        y = x16.clone()
        assert getattr(F, name)(y, inplace=True) is y and torch.equal(y, got.detach())


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16], ids=["bf16", "f16"])
@pytest.mark.parametrize("log", [False, True], ids=["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [1, 0])
def test_16_bit_softmax_family_is_the_float32_result_rounded(log, dim, dtype):
    """16-bit tensors: the value is the float32 kernel's on the widened
    input, rounded once; the gradient the float32 backward's on the
    widened 16-bit output and dy, rounded once (nonlin.h)."""
    fn = F.log_softmax if log else F.softmax
    g = torch.Generator().manual_seed(3)
    x16 = (torch.randn(9, 13, generator=g) * 4).to(dtype)
    dy16 = torch.randn(9, 13, generator=g).to(dtype)
    xr = x16.clone().requires_grad_()
    got = fn(xr, dim)
    assert got.dtype == dtype
    assert torch.equal(got.detach(), fn(x16.float(), dim).to(dtype))
    (grad,) = torch.autograd.grad(got, xr, dy16)
    backward = nonlin.log_softmax_backward if log else nonlin.softmax_backward
    want = backward(got.detach().float(), dy16.float(), axis=dim).to(dtype)
    assert grad.dtype == dtype and torch.equal(grad, want)
    # torch's dtype argument casts the input first.
    assert torch.equal(fn(x16.float(), dim, dtype=dtype), fn(x16.float().to(dtype), dim))
