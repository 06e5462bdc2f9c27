"""Finding and opening the shared library.

Search order, first hit wins:

1. ``NONLIN_LIBRARY``: a path to the library file. When it is set it is the
   only place tried, so a test run or a deployment that names a library
   can never silently fall back to another one.
2. ``libnonlin.so.0`` inside this package (what ``pip install`` puts there).
3. The build directories of the checkout this package sits in
   (``<checkout>/build*/``), most recently built first.
4. The system loader, through ``ctypes.util.find_library("nonlin")``.

A failure raises ImportError naming every place tried and why it failed.
This module depends on nothing but the standard library and is also used
by setup.py at install time (``install_candidates``).
"""

import ctypes
import ctypes.util
import os
from pathlib import Path

ENV_VAR = "NONLIN_LIBRARY"
SONAME = "libnonlin.so.0"

_PACKAGE_DIR = Path(__file__).resolve().parent
# bindings/python/nonlin -> the checkout's root.
_CHECKOUT = _PACKAGE_DIR.parent.parent.parent


def _sanitized(build_dir):
    """True for a build with NONLIN_SANITIZE=ON: its library only loads into
    a process started with the sanitizer runtime, so it is never picked."""
    try:
        cache = (build_dir / "CMakeCache.txt").read_text(errors="replace")
    except OSError:
        return False
    return "\nNONLIN_SANITIZE:BOOL=ON" in cache


def checkout_builds(root=_CHECKOUT):
    """Library files in ``root``'s build directories, newest first.

    ``root`` counts as a checkout only if it holds the public header, so an
    installed package never looks around site-packages' parents.
    """
    if not (root / "include" / "nonlin" / "nonlin.h").is_file():
        return []
    found = [d / SONAME for d in root.glob("build*")
             if (d / SONAME).is_file() and not _sanitized(d)]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def invocation_dir():
    """The directory the install command was typed in.

    pip runs the build with another current directory (the source tree, or
    a copy of it in a temporary directory); the shell's ``PWD``, inherited
    through pip, still names the directory the user was in.
    """
    pwd = os.environ.get("PWD")
    if pwd and os.path.isabs(pwd) and os.path.isdir(pwd):
        return Path(pwd)
    return Path.cwd()


def install_candidates(root=_CHECKOUT):
    """(label, path) pairs setup.py may copy into the package, in order.

    A relative ``NONLIN_LIBRARY`` is taken relative to the directory the
    install was started from (``invocation_dir``). Without it, the build
    directories of the checkout ``root`` are tried.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return [(ENV_VAR, invocation_dir() / Path(env).expanduser())]
    return [("checkout build", p) for p in checkout_builds(root)] or [
        ("checkout build", root / "build*" / SONAME)]


def _candidates():
    env = os.environ.get(ENV_VAR)
    if env:
        return [(ENV_VAR, env)]
    found = [("package copy", str(_PACKAGE_DIR / SONAME))]
    builds = checkout_builds()
    found += [("checkout build", str(p)) for p in builds]
    if not builds:
        found.append(("checkout build", str(_CHECKOUT / "build*" / SONAME)))
    found.append(("system loader", ctypes.util.find_library("nonlin")))
    return found


def load():
    """Opens the library; returns ``(ctypes.CDLL, path it was opened from)``."""
    tried = []
    for label, path in _candidates():
        if path is None:
            tried.append("%s: nothing found" % label)
            continue
        # A bare name from find_library is resolved by the loader itself.
        if os.sep in path and not os.path.isfile(path):
            tried.append("%s: %s (no such file)" % (label, path))
            continue
        try:
            # CDLL, not PyDLL: ctypes releases the GIL around every call.
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append("%s: %s (%s)" % (label, path, e))
    raise ImportError(
        "nonlin: cannot load the shared library %s. Tried, in order:\n  %s\n"
        "Build the library (target 'nonlin') or set %s to its path."
        % (SONAME, "\n  ".join(tried), ENV_VAR))
