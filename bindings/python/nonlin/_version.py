"""The binding's own version.

It equals the version of the C API it was written against; at import the
library's major version must match ``API_MAJOR`` (see ``_capi``). This
file is read without being imported by the build (pyproject.toml), so it
holds literals only.
"""

__version__ = "0.1.0"
API_MAJOR = 0
