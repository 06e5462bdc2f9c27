"""Build step that puts the shared library inside the package.

Everything declarative is in pyproject.toml; this file only adds the copy
of ``libnonlin.so.0`` into the built package, found as the package itself
would at run time, minus the system loader: ``NONLIN_LIBRARY`` if set,
else the newest ``build*/`` directory of the checkout this file is in.
The copy makes the installed package independent of the checkout, and the
wheel is marked platform-specific because it carries a native library.
"""

import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent


def _loader():
    """nonlin/_loader.py, loaded alone: importing the package would open the
    library, which this step only copies."""
    spec = importlib.util.spec_from_file_location("nonlin_loader", HERE / "nonlin" / "_loader.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        loader = _loader()
        candidates = loader.install_candidates(HERE.parent.parent)
        for label, path in candidates:
            if path.is_file():
                target = Path(self.build_lib) / "nonlin" / loader.SONAME
                shutil.copyfile(path, target)  # follows the .so.0 symlink
                print("nonlin: packaging %s (%s)" % (path, label))
                return
        raise SystemExit(
            "nonlin: no %s to put in the package; tried:\n  %s\nBuild the library "
            "(cmake --build <dir> --target nonlin) or set %s to its path."
            % (loader.SONAME, "\n  ".join("%s: %s" % c for c in candidates), loader.ENV_VAR))


class NativeDistribution(Distribution):
    def has_ext_modules(self):
        return True  # a platform wheel: it carries libnonlin.so.0


setup(cmdclass={"build_py": BuildWithLibrary}, distclass=NativeDistribution)
