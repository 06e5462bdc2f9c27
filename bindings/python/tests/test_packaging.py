"""What the package tells its users and their tools: stubs with the real
signatures, a docstring naming every function, and a wheel tagged
py3-none-<platform> that states its license; plus the two ways the
install finds the library (a NONLIN_LIBRARY relative to where pip is run,
the checkout's build directory)."""

import ast
import inspect
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import nonlin
from nonlin import _table

SOURCES = Path(__file__).resolve().parent.parent
STUB = SOURCES / "nonlin" / "__init__.pyi"


def stub_functions():
    """name -> ast.arguments of every top-level def in the stub (the first
    one for overloaded names)."""
    found = {}
    for node in ast.parse(STUB.read_text()).body:
        if isinstance(node, ast.FunctionDef):
            found.setdefault(node.name, node.args)
    return found


def described(args):
    """(name, kind, default) per parameter, as inspect describes them."""
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    out = [("/" if a in args.posonlyargs else a.arg, "positional", d and ast.literal_eval(d))
           for a, d in zip(positional, defaults)]
    out += [(a.arg, "keyword", d and ast.literal_eval(d))
            for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    return out


def runtime(fn, op=None):
    """The same description of a function as the package defines it."""
    out = []
    for p in inspect.signature(fn).parameters.values():
        if p.kind is p.VAR_KEYWORD:
            continue
        if p.kind is p.VAR_POSITIONAL:  # the table's float parameters
            out += [(name, "positional", default) for name, default in op.params]
            continue
        kind = "keyword" if p.kind is p.KEYWORD_ONLY else "positional"
        # The elementwise gradients' first argument is called 'a' inside;
        # the stub makes it positional-only (named x or y for the reader).
        name = "/" if op and op.kind == _table.UNARY_BACKWARD and p.name == "a" else p.name
        out.append((name, kind, None if p.default is p.empty else p.default))
    return out


def test_the_stub_has_every_public_name():
    tree = ast.parse(STUB.read_text())
    names = set(stub_functions())
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            names.add(node.target.id)
    assert set(nonlin.__all__) <= names, sorted(set(nonlin.__all__) - names)


@pytest.mark.parametrize("op", _table.OPS, ids=lambda op: op.name)
def test_stub_signatures_are_the_array_functions(op):
    assert described(stub_functions()[op.name]) == runtime(getattr(nonlin, op.name), op)


@pytest.mark.parametrize("name", ["nll_loss", "nll_loss_backward", "cross_entropy", "version",
                                  "isa", "set_isa", "set_num_threads", "get_num_threads"])
def test_stub_signatures_of_the_other_functions(name):
    assert described(stub_functions()[name]) == runtime(getattr(nonlin, name))


def test_help_lists_every_function():
    doc = nonlin.__doc__
    # As a whole word: "exp" inside "exp_backward" or "elu" inside "celu"
    # does not count.
    missing = [n for n in nonlin.__all__ if not re.search(r"\b%s\b" % n, doc)]
    assert not missing, missing


def test_stubs_and_marker_are_package_data():
    assert (SOURCES / "nonlin" / "py.typed").is_file()
    text = (SOURCES / "pyproject.toml").read_text()
    assert '"py.typed"' in text and '"*.pyi"' in text


# ------------------------------------------------------------- installing

def run(args, env, cwd):
    done = subprocess.run([str(a) for a in args], env=env, cwd=str(cwd), capture_output=True,
                          text=True, timeout=600)
    return done.returncode, done.stdout + done.stderr


def clean_env(cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NONLIN_", "PIP_"))}
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PWD=str(cwd))
    return env


def copy_sources(dest):
    shutil.copytree(SOURCES, dest, ignore=shutil.ignore_patterns(
        "__pycache__", "build", "*.egg-info", "tests", "libnonlin.so*"))


def test_wheel_is_py3_none_platform_and_states_its_license(tmp_path):
    """A relative NONLIN_LIBRARY is read from the directory pip runs in."""
    work = tmp_path / "work"
    copy_sources(work / "bindings" / "python")
    (work / "lib").mkdir()
    shutil.copyfile(nonlin.library_path, work / "lib" / "libnonlin.so.0")
    env = dict(clean_env(work), NONLIN_LIBRARY="lib/libnonlin.so.0")
    code, out = run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
                     "-w", tmp_path / "dist", "bindings/python"], env, work)
    assert code == 0, out
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    assert wheel.name == "nonlin-%s-py3-none-%s.whl" % (nonlin.__version__, platform)
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        info = "nonlin-%s.dist-info/" % nonlin.__version__
        metadata = zf.read(info + "METADATA").decode()
        assert "Root-Is-Purelib: false" in zf.read(info + "WHEEL").decode()
        assert "Apache License" in zf.read(info + "LICENSE").decode()
    assert "\nLicense: Apache-2.0\n" in metadata
    assert "# nonlin (Python)" in metadata  # the README is the description
    for name in ("nonlin/libnonlin.so.0", "nonlin/__init__.pyi", "nonlin/py.typed"):
        assert name in names, names


def test_without_nonlin_library_the_checkouts_build_is_packaged(tmp_path):
    checkout = tmp_path / "checkout"
    copy_sources(checkout / "bindings" / "python")
    (checkout / "include" / "nonlin").mkdir(parents=True)
    (checkout / "include" / "nonlin" / "nonlin.h").write_text("/* marks a checkout */\n")
    (checkout / "build").mkdir()
    shutil.copyfile(nonlin.library_path, checkout / "build" / "libnonlin.so.0")
    # A newer sanitizer build is not picked: its library needs the ASan runtime.
    (checkout / "build-asan").mkdir()
    (checkout / "build-asan" / "libnonlin.so.0").write_bytes(b"not this one")
    (checkout / "build-asan" / "CMakeCache.txt").write_text("x\nNONLIN_SANITIZE:BOOL=ON\n")
    code, out = run([sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
                     "-w", tmp_path / "dist", "bindings/python"], clean_env(checkout), checkout)
    assert code == 0, out
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read("nonlin/libnonlin.so.0") == Path(nonlin.library_path).read_bytes()
