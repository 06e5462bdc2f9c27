"""``nonlin.torch.nn``: torch.nn modules whose forward is nonlin.torch's,
drop-in replacements for torch.nn's of the same names and arguments."""

import torch as _torch

from nonlin import _registry
from nonlin import torch as _F

# torch.nn's class name of each registry activation (exp has none; gelu_tanh
# is GELU(approximate='tanh')).
_CLASS_NAMES = {
    "sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "relu6": "ReLU6",
    "leaky_relu": "LeakyReLU", "hardtanh": "Hardtanh", "hardsigmoid": "Hardsigmoid",
    "hardswish": "Hardswish", "softsign": "Softsign", "elu": "ELU", "celu": "CELU",
    "selu": "SELU", "softplus": "Softplus", "logsigmoid": "LogSigmoid", "silu": "SiLU",
    "mish": "Mish", "gelu": "GELU",
}
WITHOUT_MODULE = ("exp", "gelu_tanh")

__all__ = ["Softmax", "LogSoftmax", "CrossEntropyLoss", "NLLLoss", "BCEWithLogitsLoss"]


def _activation_module(name, params):
    keywords = [k for k, _ in params]
    defaults = dict(params)
    function = getattr(_F, name)
    inplace_kw = name in _F._INPLACE

    def __init__(self, *args, **kwargs):
        _torch.nn.Module.__init__(self)
        self.inplace = kwargs.pop("inplace", False) if inplace_kw else False
        if name == "gelu":
            self.approximate = kwargs.pop("approximate", "none")
        values = dict(defaults, **dict(zip(keywords, args)), **kwargs)
        if set(values) != set(defaults):
            raise TypeError("nonlin.torch.nn.%s: unexpected arguments %s"
                            % (_CLASS_NAMES[name], sorted(set(values) - set(defaults))))
        for k in keywords:
            setattr(self, k, values[k])

    def forward(self, input):
        if name == "gelu":
            return function(input, approximate=self.approximate)
        if not keywords and not (inplace_kw and self.inplace):
            return function(input)  # no arguments to parse: the function's fast path
        kwargs = {k: getattr(self, k) for k in keywords}
        if inplace_kw:
            kwargs["inplace"] = self.inplace
        return function(input, **kwargs)

    def extra_repr(self):
        shown = keywords + (["approximate"] if name == "gelu" else [])
        return ", ".join("%s=%r" % (k, getattr(self, k)) for k in shown)

    return type(_CLASS_NAMES[name], (_torch.nn.Module,), {
        "__init__": __init__, "forward": forward, "extra_repr": extra_repr,
        "__doc__": "torch.nn.%s computed by nonlin.torch.%s." % (_CLASS_NAMES[name], name)})


for _name, _from, _params, _, _, _ in _registry.ELEMENTWISE:
    if _name not in WITHOUT_MODULE:
        globals()[_CLASS_NAMES[_name]] = _activation_module(_name, _params)
        __all__.append(_CLASS_NAMES[_name])


class Softmax(_torch.nn.Module):
    """torch.nn.Softmax(dim) computed by nonlin.torch.softmax."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return _F.softmax(input, self.dim)


class LogSoftmax(Softmax):
    """torch.nn.LogSoftmax(dim) computed by nonlin.torch.log_softmax."""

    def forward(self, input):
        return _F.log_softmax(input, self.dim)


class CrossEntropyLoss(_torch.nn.Module):
    """torch.nn.CrossEntropyLoss computed by nonlin.torch.cross_entropy; the
    weight is a buffer, as torch's (it moves with .to() and is saved)."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean", label_smoothing=0.0):
        super().__init__()
        self.register_buffer("weight", weight)
        self.size_average, self.reduce = size_average, reduce
        self.ignore_index, self.reduction = ignore_index, reduction
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return _F.cross_entropy(input, target, self.weight, self.size_average,
                                self.ignore_index, self.reduce, self.reduction,
                                self.label_smoothing)


class NLLLoss(_torch.nn.Module):
    """torch.nn.NLLLoss computed by nonlin.torch.nll_loss."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean"):
        super().__init__()
        self.weight, self.size_average, self.reduce = weight, size_average, reduce
        self.ignore_index, self.reduction = ignore_index, reduction

    def forward(self, input, target):
        return _F.nll_loss(input, target, self.weight, self.size_average, self.ignore_index,
                           self.reduce, self.reduction)


class BCEWithLogitsLoss(_torch.nn.Module):
    """torch.nn.BCEWithLogitsLoss computed by
    nonlin.torch.binary_cross_entropy_with_logits; weight and pos_weight are
    buffers, as torch's."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean",
                 pos_weight=None):
        super().__init__()
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)
        self.size_average, self.reduce, self.reduction = size_average, reduce, reduction

    def forward(self, input, target):
        return _F.binary_cross_entropy_with_logits(input, target, self.weight,
                                                   self.size_average, self.reduce,
                                                   self.reduction, self.pos_weight)
