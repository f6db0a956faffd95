"""The readiness child, run under this interpreter: its report, and the modules the
catalogue's libraries use. (A free-threaded interpreter answers the GIL question; this
one reports null there on 3.12 and older, True on a 3.13+ GIL build.)"""

from __future__ import annotations

import subprocess
import sys

from pylab.atlas import catalogue, modules


def readiness(module: str) -> dict:
    done = subprocess.run(modules.command(sys.executable, module), capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    found = modules.parse(done.stdout, module)
    assert found is not None, done.stderr
    return found


def test_a_module_that_imports_reports_the_gil_and_subinterpreters() -> None:
    found = readiness("zlib")
    assert found["import_error"] is None
    assert found["gil_enabled_after_import"] in (None, True, False)
    assert set(found["subinterpreters"]) == {"loads", "reason", "own_gil"}


def test_a_module_that_does_not_import_says_why() -> None:
    found = readiness("no_such_module_for_pylab")
    assert found["import_error"].startswith("ModuleNotFoundError")
    assert found["gil_enabled_after_import"] is None and found["subinterpreters"] is None


def test_the_catalogues_modules_with_their_libraries() -> None:
    used = modules.libraries_modules(catalogue.load())
    assert used["_hashlib"] == ["hashlib"]
    assert "numpy" in used["numpy._core._multiarray_umath"]
    assert modules.parse("noise\n", "zlib") is None
