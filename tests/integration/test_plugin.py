"""The gil fixture against the lab's own kernels, as an extension author's suite would use
it (pytest in a fresh process, the plugin from its entry point): compute/nogil releases the
GIL and scales in threads; compute/gil fails both with the numbers; beside a busy background
process every assertion is skipped with the reason, never passed or failed; on a
free-threaded interpreter the module check flags a module built without
freethreading_compatible and passes the lab's kernels.

The machine is shared: an assertion this test expects to decide may find it busy and skip
(that is the plugin being honest); the test then skips too, with the plugin's reason."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from pylab.host.machine import usable_cores

N = 2_000_000  # about 1.5 ms a call on the development VM

KERNEL_TESTS = f"""
from pylab.kernels._ext import compute

def test_released(gil):
    gil.assert_released(compute.hash_sum_{{variant}}, 0, {N})

def test_scales(gil):
    gil.assert_scales(compute.hash_sum_{{variant}}, 0, {N})
"""


def run_kernel_tests(pytester: pytest.Pytester, variant: str) -> tuple[pytest.RunResult, dict]:
    pytester.makepyfile(**{f"test_{variant}": KERNEL_TESTS.format(variant=variant)})
    found = pytester.runpytest_subprocess("-rA", "-p", "no:cacheprovider", "--gil-json", "g.json")
    data = json.loads((pytester.path / "g.json").read_text())
    (record,) = data["pythons"].values()
    return found, record["claims"]


def skip_if_inconclusive(claims: dict) -> None:
    """Skip, with the plugin's own reasons, where it could not decide (a busy machine)."""
    reasons = [c["uncertain"] for c in claims.values() if c["verdict"] == "undecided"]
    if reasons:
        pytest.skip("the plugin could not decide: " + " | ".join(reasons))


def test_compute_nogil_releases_the_gil_and_scales(pytester: pytest.Pytester) -> None:
    found, claims = run_kernel_tests(pytester, "nogil")
    assert found.parseoutcomes().get("failed", 0) == 0, found.stdout.str()
    skip_if_inconclusive(claims)
    found.assert_outcomes(passed=2)
    assert {c["verdict"] for c in claims.values()} == {"holds"}
    found.stdout.fnmatch_lines(["*GIL assertions (pylab)*", "2 pass"])


def test_compute_gil_fails_both_with_the_numbers(pytester: pytest.Pytester) -> None:
    found, claims = run_kernel_tests(pytester, "gil")
    assert found.parseoutcomes().get("passed", 0) == 0, found.stdout.str()
    skip_if_inconclusive(claims)
    found.assert_outcomes(failed=2)
    found.stdout.fnmatch_lines_random([
        # fnmatch reads "[...]" as a set of characters: "[[]" is a literal "["
        "*hash_sum_gil: holds the GIL: GIL held 0.* [[]0.*-*] of its run time (* samples, *% "
        "interval), bound 0.2*",
        "*hash_sum_gil: does not scale in threads: 2 threads *x [[]*-*] against serial (* pairs,"
        "*; scaling needs *x*",
    ])  # fmt: skip


# One busy loop per usable core, bounded in time, started by this test (not by the measured
# pytest: its own process tree is not background); killed when the test ends.
BUSY_LOOP = "import time\nend = time.time() + 90\nwhile time.time() < end:\n    pass\n"


def test_a_busy_machine_skips_with_the_reason_never_passes_or_fails(
    pytester: pytest.Pytester,
) -> None:
    held = KERNEL_TESTS.format(variant="gil").replace("def test_", "def test_gil_")
    pytester.makepyfile(test_both=KERNEL_TESTS.format(variant="nogil") + held)
    loops = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(usable_cores())]
    try:
        time.sleep(0.5)  # every loop running before the measured pytest starts
        found = pytester.runpytest_subprocess("-rs", "-p", "no:cacheprovider")
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    found.assert_outcomes(skipped=4)
    assert found.stdout.str().count("the machine was busy: other work took") >= 4


# A Cython module without the freethreading_compatible directive: importing it switches the
# GIL back on under a free-threaded interpreter (CPython warns, naming it).
NOT_DECLARED = "def answer():\n    return 42\n"

MODULE_TESTS = """
def test_kernels(gil):
    gil.assert_keeps_gil_off("pylab.kernels._ext.compute")

def test_not_declared(gil):
    gil.assert_keeps_gil_off("not_declared")
"""


def _free_threaded() -> object:
    from pylab.pythons import discovery

    found = [p for p in discovery.discover() if p.usable and p.free_threaded]
    if not found:
        pytest.skip("no free-threaded CPython here (`pyenv install 3.13t`)")
    return found[-1]


def _build_not_declared(python: Path, where: Path) -> None:
    """not_declared.pyx compiled for `python`: Cython here writes the C, `python`'s own
    headers and suffix build it."""
    (where / "not_declared.pyx").write_text(NOT_DECLARED)
    subprocess.run([sys.executable, "-m", "cython", "-3", "not_declared.pyx"], cwd=where,
                   check=True, capture_output=True)  # fmt: skip
    ask = "import sysconfig as s; print(s.get_paths()['include'], s.get_config_var('EXT_SUFFIX'))"
    include, suffix = subprocess.run([str(python), "-c", ask], capture_output=True, text=True,
                                     check=True).stdout.split()  # fmt: skip
    cc = sysconfig.get_config_var("CC") or "cc"
    subprocess.run([*cc.split()[:1], "-shared", "-fPIC", "-O0", f"-I{include}",
                    "not_declared.c", "-o", f"not_declared{suffix}"], cwd=where, check=True,
                   capture_output=True)  # fmt: skip


@pytest.mark.slow
def test_on_free_threaded_the_module_check_flags_an_undeclared_module(
    pytester: pytest.Pytester, environments
) -> None:
    from pylab.pythons import envs

    python = _free_threaded()
    try:
        env = envs.ensure(python, environments.root_for(python))
    except envs.EnvError as exc:
        pytest.skip(f"cannot build a {python.name} environment here: {exc}")
    pip = [str(env.executable), "-m", "pip", "install", "--quiet", "--only-binary=:all:"]
    subprocess.run([*pip, "pytest"], check=True, capture_output=True, timeout=600)
    _build_not_declared(env.executable, pytester.path)
    pytester.makepyfile(test_modules=MODULE_TESTS)
    found = pytester.run(str(env.executable), "-m", "pytest", "-rA", "-p", "no:cacheprovider",
                         timeout=300)  # fmt: skip
    found.assert_outcomes(passed=1, failed=1)
    found.stdout.fnmatch_lines_random([
        "PASSED test_modules.py::test_kernels",
        "*not_declared: importing not_declared switched the GIL on*freethreading_compatible*"
        "CPython said: *not_declared*",
    ])  # fmt: skip
