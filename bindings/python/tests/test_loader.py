"""The library search order, each case in a fresh interpreter and a
scratch copy of the package so that the result does not depend on what is
built or installed on this machine."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import nonlin

PACKAGE = Path(nonlin.__file__).resolve().parent
SONAME = "libnonlin.so.0"


def import_nonlin(where, env_library=None):
    """Imports the package found in ``where`` in a new interpreter; returns
    (exit code, library path or error text)."""
    env = {k: v for k, v in os.environ.items() if k != "NONLIN_LIBRARY"}
    if env_library is not None:
        env["NONLIN_LIBRARY"] = str(env_library)
    code = ("import sys; sys.path.insert(0, sys.argv[1])\n"
            "try:\n import nonlin; print(nonlin.library_path)\n"
            "except ImportError as e:\n print(e); sys.exit(3)")
    run = subprocess.run([sys.executable, "-c", code, str(where)], env=env, cwd=str(where),
                         capture_output=True, text=True, timeout=60)
    return run.returncode, run.stdout.strip()


def copy_package(into):
    shutil.copytree(PACKAGE, into / "nonlin", ignore=shutil.ignore_patterns(
        "__pycache__", SONAME))
    return into


def test_the_environment_variable_wins_and_is_the_only_place_tried(tmp_path):
    copy_package(tmp_path)
    shutil.copy(nonlin.library_path, tmp_path / "nonlin" / SONAME)
    missing = tmp_path / "nowhere" / SONAME
    code, text = import_nonlin(tmp_path, missing)
    assert code == 3
    assert "NONLIN_LIBRARY: %s (no such file)" % missing in text
    assert "package copy" not in text
    code, text = import_nonlin(tmp_path, nonlin.library_path)
    assert (code, text) == (0, str(nonlin.library_path))


def test_the_copy_inside_the_package_comes_next(tmp_path):
    copy_package(tmp_path)
    shutil.copy(nonlin.library_path, tmp_path / "nonlin" / SONAME)
    assert import_nonlin(tmp_path) == (0, str(tmp_path / "nonlin" / SONAME))


def test_a_checkouts_newest_build_directory_comes_next(tmp_path):
    checkout = tmp_path / "checkout"
    (checkout / "include" / "nonlin").mkdir(parents=True)
    (checkout / "include" / "nonlin" / "nonlin.h").write_text("/* marks a checkout */\n")
    for name, age in (("build", 100), ("build-new", 0)):
        (checkout / name).mkdir()
        shutil.copy(nonlin.library_path, checkout / name / SONAME)
        t = (checkout / name / SONAME).stat().st_mtime - age
        os.utime(checkout / name / SONAME, (t, t))
    where = checkout / "bindings" / "python"
    where.mkdir(parents=True)
    copy_package(where)
    assert import_nonlin(where) == (0, str(checkout / "build-new" / SONAME))


def test_a_failure_names_every_place_tried(tmp_path):
    copy_package(tmp_path)
    code, text = import_nonlin(tmp_path)
    if code == 0:
        pytest.skip("a system-wide libnonlin exists: %s" % text)
    assert code == 3
    for place in ("package copy: %s" % (tmp_path / "nonlin" / SONAME), "checkout build:",
                  "system loader:", "NONLIN_LIBRARY"):
        assert place in text


def test_another_library_is_refused(tmp_path):
    copy_package(tmp_path)
    libm = "libm.so.6"
    code, text = import_nonlin(tmp_path, libm)
    assert code == 3 and "is not a nonlin library" in text
