"""Version, instruction set and thread settings; the version check."""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

import nonlin
from conftest import ISA_LIST, ISAS
from nonlin import _capi, _table
from nonlin._errors import Status
from nonlin._version import API_MAJOR, __version__


def test_version_string_and_tuple_agree():
    assert re.fullmatch(r"\d+\.\d+\.\d+", nonlin.version())
    assert nonlin.version() == "%d.%d.%d" % nonlin.version_info
    assert nonlin.version_info[0] == API_MAJOR
    assert __version__.split(".")[0] == str(API_MAJOR)


def test_a_library_of_another_major_is_refused():
    _capi.check_version(API_MAJOR * 10000 + 203, "lib.so")  # other minor: fine
    with pytest.raises(ImportError, match="major version 1 .* needs 0"):
        _capi.check_version(10000, "lib.so", expected_major=0)


def test_a_library_missing_a_function_is_refused():
    class Older:
        def __getattr__(self, name):
            if name == "nonlin_tanh_f32":
                raise AttributeError(name)
            return _capi.lib[name] if name.startswith("nonlin_") else super().__getattr__(name)
    with pytest.raises(ImportError, match="no function nonlin_tanh_f32"):
        _capi.declare(Older(), "old.so")


def test_every_c_function_is_declared():
    symbols = _capi.signatures()
    assert {_table.symbol(op) for op in _table.OPS} <= set(symbols)
    for name, (restype, argtypes) in symbols.items():
        fn = getattr(_capi.lib, name)
        assert fn.restype is restype and fn.argtypes == argtypes, name


def test_set_isa_selects_and_reports(isa):
    assert nonlin.isa() == isa
    best = nonlin.set_isa(None)
    assert best == nonlin.isa() == nonlin.set_isa("auto")
    assert nonlin.set_isa(isa) == isa


def test_every_listed_isa_is_known_and_the_best_available_is_the_default():
    before = nonlin.isa()
    available = []
    try:
        for name in ISAS:
            try:
                available.append(nonlin.set_isa(name))
            except RuntimeError as e:  # known, but not on this CPU or in this build
                assert e.status == Status.UNSUPPORTED, name
        assert available and nonlin.set_isa(None) == available[-1]
    finally:
        nonlin.set_isa(before)


def test_the_header_documents_the_listed_isas():
    header = (ISA_LIST.parents[2] / "include" / "nonlin" / "nonlin.h").read_text()
    doc = header[header.index("The instruction set the kernels use now"):
                 header.index("NONLIN_API const char* nonlin_isa(void);")]
    assert sorted(re.findall(r'"(\w+)"', doc)) == sorted(ISAS)


def test_thread_count_is_settable_and_does_not_change_results():
    x = np.random.default_rng(0).normal(0, 5, (64, 40000)).astype(np.float32)
    nonlin.set_num_threads(1)
    try:
        assert nonlin.get_num_threads() == 1
        one = [nonlin.softmax(x), nonlin.tanh(x), nonlin.cross_entropy(x, np.arange(64))]
        nonlin.set_num_threads(2)
        assert nonlin.get_num_threads() == 2
        two = [nonlin.softmax(x), nonlin.tanh(x), nonlin.cross_entropy(x, np.arange(64))]
    finally:
        nonlin.set_num_threads(0)
    assert nonlin.get_num_threads() >= 1
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)


def test_docstrings_everywhere():
    for name in nonlin.__all__:
        obj = getattr(nonlin, name)
        if callable(obj):
            assert obj.__doc__ and len(obj.__doc__) > 40, name
    assert "outer x axis x inner" in nonlin.softmax.__doc__
    assert nonlin.__doc__


def test_accuracy_tier_is_settable_and_the_context_manager_restores_it():
    assert nonlin.get_accuracy() == "strict"
    with nonlin.accuracy("fast"):
        assert nonlin.get_accuracy() == "fast"
        with nonlin.accuracy("strict"):
            assert nonlin.get_accuracy() == "strict"
        assert nonlin.get_accuracy() == "fast"
    assert nonlin.get_accuracy() == "strict"
    with pytest.raises(RuntimeError, match="boom"):
        with nonlin.accuracy("fast"):
            raise RuntimeError("boom")
    assert nonlin.get_accuracy() == "strict"
    with pytest.raises(ValueError, match="unknown tier 'Fast'"):
        nonlin.set_accuracy("Fast")
    with pytest.raises(TypeError):
        nonlin.set_accuracy(1)
    assert nonlin.get_accuracy() == "strict"
    nonlin.set_accuracy("fast")
    try:
        assert nonlin.get_accuracy() == "fast"
    finally:
        nonlin.set_accuracy("strict")


@pytest.mark.parametrize("value, tier, warned", [
    ("fast", "fast", False), ("strict", "strict", False), ("FAST", "strict", True),
    ("", "strict", True), (None, "strict", False)])
def test_the_environment_sets_the_tier_at_load(value, tier, warned):
    env = {k: v for k, v in os.environ.items() if k != "NONLIN_ACCURACY"}
    if value is not None:
        env["NONLIN_ACCURACY"] = value
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    run = subprocess.run([sys.executable, "-c", "import nonlin; print(nonlin.get_accuracy())"],
                         env=env, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == tier
    assert ("NONLIN_ACCURACY" in run.stderr) == warned
