"""Build step that puts the shared library inside the package.

Everything declarative is in pyproject.toml; this file adds

- the copy of ``libnonlin.so.0`` into the built package, found as the
  package itself would at run time, minus the system loader:
  ``NONLIN_LIBRARY`` if set (a relative path is relative to the directory
  the install was started from), else the newest ``build*/`` directory of
  the checkout this file is in. The copy makes the installed package
  independent of the checkout.
- the wheel's tag: ``py3-none-<platform>``. The Python code runs on any
  Python 3 and uses no CPython ABI; only the library ties the wheel to a
  platform.
- a ``bdist_wheel`` of its own for interpreters that have setuptools but
  neither the ``wheel`` package nor a setuptools that includes
  ``bdist_wheel`` (70.1 and later), so that ``pip install
  --no-build-isolation`` works offline with any of them.
"""

import base64
import csv
import hashlib
import importlib.util
import io
import os
import shutil
import sysconfig
import zipfile
from pathlib import Path

from setuptools import Command, setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent
TAG = ("py3", "none")


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
            "(cmake --build <dir> --target nonlin) or set %s to its path (absolute, or "
            "relative to the directory pip is run from)."
            % (loader.SONAME, "\n  ".join("%s: %s" % c for c in candidates), loader.ENV_VAR))


class NativeDistribution(Distribution):
    def has_ext_modules(self):
        return True  # a platform wheel: it carries libnonlin.so.0


def _platform():
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


try:
    from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
except ImportError:
    try:
        from wheel.bdist_wheel import bdist_wheel as _bdist_wheel
    except ImportError:
        _bdist_wheel = None


if _bdist_wheel is not None:
    class BdistWheel(_bdist_wheel):
        """The standard command, with the tag py3-none-<platform>."""

        def get_tag(self):
            return TAG + (super().get_tag()[2],)

else:
    def _record_hash(data):
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        return "sha256=" + digest.decode()

    def _requirements(egg_info):
        """Requires-Dist and Provides-Extra lines from egg_info's requires.txt."""
        lines, extra = [], None
        path = Path(egg_info) / "requires.txt"
        text = path.read_text() if path.is_file() else ""
        for line in text.splitlines():
            line = line.strip()
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                extra = line[1:-1]
                lines.append("Provides-Extra: %s" % extra)
            elif extra:
                lines.append('Requires-Dist: %s; extra == "%s"' % (line, extra))
            else:
                lines.append("Requires-Dist: %s" % line)
        return lines

    class BdistWheel(Command):
        """A wheel of the built package (``build_py`` output plus the
        ``.dist-info`` made from egg_info), without the ``wheel`` package."""

        description = "build a wheel (setuptools' own bdist_wheel is missing)"
        user_options = [("dist-dir=", "d", "directory to put the wheel in"),
                        ("bdist-dir=", "b", "temporary build directory")]

        def initialize_options(self):
            self.dist_dir = None
            self.bdist_dir = None

        def finalize_options(self):
            self.dist_dir = self.dist_dir or "dist"
            if self.bdist_dir is None:
                base = self.get_finalized_command("bdist").bdist_base
                self.bdist_dir = os.path.join(base, "wheel")

        def egg2dist(self, egg_info, dist_info):
            """Also used by setuptools' dist_info (pip's metadata step)."""
            os.makedirs(dist_info, exist_ok=True)
            metadata = Path(egg_info, "PKG-INFO").read_text()
            head, sep, body = metadata.partition("\n\n")
            extra = [line for line in _requirements(egg_info) if line not in head]
            if extra:
                head += "\n" + "\n".join(extra)
            Path(dist_info, "METADATA").write_text(head + sep + body)
            for name in self.distribution.metadata.license_files or ():
                shutil.copyfile(os.path.join(str(HERE), name),
                                os.path.join(dist_info, os.path.basename(name)))

        def run(self):
            name = self.distribution.get_name()
            version = self.distribution.get_version()
            stem = "%s-%s" % (name, version)
            tag = "-".join(TAG + (_platform(),))
            self.run_command("build")
            build_lib = self.get_finalized_command("build_py").build_lib
            self.run_command("egg_info")
            egg_info = self.get_finalized_command("egg_info").egg_info
            if os.path.exists(self.bdist_dir):
                shutil.rmtree(self.bdist_dir)
            shutil.copytree(build_lib, self.bdist_dir)
            dist_info = os.path.join(self.bdist_dir, stem + ".dist-info")
            self.egg2dist(egg_info, dist_info)
            Path(dist_info, "WHEEL").write_text(
                "Wheel-Version: 1.0\nGenerator: nonlin setup.py\nRoot-Is-Purelib: false\n"
                "Tag: %s\n" % tag)
            os.makedirs(self.dist_dir, exist_ok=True)
            wheel = os.path.join(self.dist_dir, "%s-%s.whl" % (stem, tag))
            record = stem + ".dist-info/RECORD"
            rows = []
            with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
                for root, dirs, files in os.walk(self.bdist_dir):
                    dirs.sort()
                    for f in sorted(files):
                        path = os.path.join(root, f)
                        arc = os.path.relpath(path, self.bdist_dir).replace(os.sep, "/")
                        data = Path(path).read_bytes()
                        zf.write(path, arc)
                        rows.append((arc, _record_hash(data), str(len(data))))
                rows.append((record, "", ""))
                text = io.StringIO()
                csv.writer(text, lineterminator="\n").writerows(rows)
                zf.writestr(record, text.getvalue())
            print("nonlin: wrote %s" % wheel)


setup(cmdclass={"build_py": BuildWithLibrary, "bdist_wheel": BdistWheel},
      distclass=NativeDistribution, license="Apache-2.0")
