"""Inside `with nogil:` blocks and nogil functions, the kernels are pure C.

Cython refuses Python operations there at compile time, but it still accepts
code that briefly re-takes the GIL (an exception check after a call that may
raise, a bounds error). Cython's annotation scores such lines above 0; every
line of a nogil region must score 0.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from tests import REPO

PYX = sorted((REPO / "ext").glob("*.pyx"))
NOGIL_HEADER = re.compile(r"^(with\s+nogil\s*:|cdef\b.*\bnogil\s*:)\s*(#.*)?$")


def _release_directives() -> dict:
    spec = importlib.util.spec_from_file_location("pylab_setup", REPO / "setup.py")
    setup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup)  # guarded: defines DIRECTIVES, builds nothing
    return setup.DIRECTIVES


def nogil_lines(source: str) -> set[int]:
    """1-based numbers of the lines inside nogil blocks and nogil cdef functions."""
    inside, open_blocks = set(), []
    for number, line in enumerate(source.splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        while open_blocks and indent <= open_blocks[-1]:
            open_blocks.pop()
        if open_blocks:
            inside.add(number)
        if NOGIL_HEADER.match(text):
            open_blocks.append(indent)
    return inside


def test_the_region_finder_sees_blocks_and_functions() -> None:
    src = "def f():\n    x = 1\n    with nogil:\n        y()\n\n        z()\n    w()\n"
    src += "cdef int g() noexcept nogil:\n    return 1\n"
    assert nogil_lines(src) == {4, 6, 9}


@pytest.mark.parametrize("pyx", PYX, ids=[p.name for p in PYX])
def test_nogil_regions_score_zero(pyx: Path, tmp_path: Path) -> None:
    from Cython.Build import cythonize

    for f in (REPO / "ext").iterdir():
        if f.is_file():  # not ext/subinterpreters/: its twins include these very files
            shutil.copy(f, tmp_path)
    cythonize(
        [str(tmp_path / pyx.name)],
        compiler_directives=_release_directives(),
        include_path=[str(tmp_path)],
        annotate=True,
        quiet=True,
    )
    html = (tmp_path / pyx.with_suffix(".html").name).read_text()
    scores = [int(s) for s in re.findall(r'<pre class="cython line score-(\d+)"', html)]
    source = pyx.read_text()
    assert len(scores) == len(source.splitlines())
    yellow = {n: scores[n - 1] for n in nogil_lines(source) if scores[n - 1] > 0}
    assert not yellow, f"{pyx.name}: lines touching Python inside nogil: {yellow}"
    # Importing it on a free-threaded build must leave the GIL off: the module's
    # Py_mod_gil slot defaults to Py_MOD_GIL_NOT_USED (Cython's default is USED).
    c_source = (tmp_path / pyx.with_suffix(".c").name).read_text()
    default = c_source.split("#ifdef CYTHON_FREETHREADING_COMPATIBLE", 1)[1].split("#endif\n", 2)
    assert "Py_MOD_GIL_NOT_USED" in default[1], pyx.name
