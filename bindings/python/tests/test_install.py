"""The package installs offline into a virtual environment and carries the
library: the commands of the README, on a scratch copy of the sources so the
checkout is not written to."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nonlin

SOURCES = Path(__file__).resolve().parent.parent


def run(args, env, cwd):
    done = subprocess.run([str(a) for a in args], env=env, cwd=str(cwd), capture_output=True,
                          text=True, timeout=600)
    return done.returncode, done.stdout + done.stderr


def test_pip_install_into_a_venv_carries_the_library(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SOURCES, src, ignore=shutil.ignore_patterns(
        "__pycache__", "build", "*.egg-info", "tests", "libnonlin.so*"))
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NONLIN_", "PIP_"))}
    env["PIP_NO_INDEX"] = "1"  # offline: nothing may come from an index
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    code, out = run([sys.executable, "-m", "venv", "--system-site-packages", venv], env, tmp_path)
    assert code == 0, out
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--no-build-isolation", src]

    # Outside a checkout and without NONLIN_LIBRARY there is nothing to carry.
    code, out = run(pip, env, tmp_path)
    assert code != 0 and "no libnonlin.so.0 to put in the package" in out, out

    code, out = run(pip, dict(env, NONLIN_LIBRARY=nonlin.library_path), tmp_path)
    assert code == 0, out

    check = ("import nonlin, sys; print(nonlin.library_path); "
             "assert nonlin.library_path.startswith(sys.prefix), nonlin.library_path; "
             "assert nonlin.sigmoid([0.0])[0] == 0.5; print(nonlin.version())")
    code, out = run([venv / "bin" / "python", "-c", check], env, tmp_path)
    assert code == 0, out
    assert out.split()[1] == nonlin.version()
