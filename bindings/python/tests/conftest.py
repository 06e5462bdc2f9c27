"""Which nonlin is tested, and the instruction-set fixture.

By default the package next to this directory is tested (a checkout);
with NONLIN_TEST_INSTALLED=1 the one the interpreter would import anyway
(an installed one). Either finds its library as the package does; the
CTest run sets NONLIN_LIBRARY to the library just built.

This file must not import numpy: the numpy-free suite in nonumpy/ uses it
too, in an interpreter where numpy is hidden (see test_without_numpy.py).
"""

import os
import re
import sys
from pathlib import Path

import pytest

if not os.environ.get("NONLIN_TEST_INSTALLED"):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nonlin  # noqa: E402  (after the path is set)

# The numpy-free suite only makes sense with numpy hidden: it runs in its
# own interpreter, started by test_without_numpy.py.
collect_ignore = [] if os.environ.get("NONLIN_TEST_NO_NUMPY") else ["nonumpy"]

# Every ISA of the C library's list (src/isa/isa_list.def), worst first.
ISA_LIST = Path(__file__).resolve().parents[3] / "src" / "isa" / "isa_list.def"
ISAS = tuple(re.findall(r"^NONLIN_ISA\((\w+),", ISA_LIST.read_text(), re.M))
assert ISAS, "no ISA read from %s" % ISA_LIST


@pytest.fixture(params=ISAS)
def isa(request):
    """Runs the test once per instruction set this CPU has, then restores
    the one that was active (which NONLIN_ISA may have chosen)."""
    before = nonlin.isa()
    try:
        nonlin.set_isa(request.param)
    except RuntimeError:
        pytest.skip("this CPU has no %s" % request.param)
    assert nonlin.isa() == request.param
    yield request.param
    nonlin.set_isa(before)
