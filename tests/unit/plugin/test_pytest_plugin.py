"""The plugin as pytest loads it (the pytest11 entry point, in a fresh pytest process):
loading it imports nothing heavy; its options and ini values; an inconclusive assertion is a
skip with its reason, an xfail, or with --gil-strict a failure. Nothing here measures: the
inconclusive case is more threads than usable cores, decided before any measurement."""

from __future__ import annotations

import pytest

from pylab.host.machine import usable_cores

HEAVY = ("numpy", "matplotlib", "psutil", "distributed")

# Written at the session's end: which heavy modules the session had imported.
RECORD_HEAVY = f"""
import sys

def pytest_sessionfinish(session):
    with open("heavy.txt", "w") as out:
        out.write(repr(sorted(m for m in {HEAVY!r} if m in sys.modules)))
        out.write(" " + repr("pylab.plugin.pytest_plugin" in sys.modules))
"""

TOO_MANY = f"""
def test_too_many_threads(gil):
    gil.assert_scales(sum, range(100), workers={usable_cores() + 1})
"""


def test_loading_the_plugin_imports_nothing_heavy(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(RECORD_HEAVY)
    pytester.makepyfile("def test_plain():\n    assert True\n")
    pytester.runpytest_subprocess("-q").assert_outcomes(passed=1)
    assert (pytester.path / "heavy.txt").read_text() == "[] True"


def test_the_options_are_in_help(pytester: pytest.Pytester) -> None:
    found = pytester.runpytest_subprocess("--help")
    for option in ("--gil-strict", "--gil-budget=SECONDS", "--gil-inconclusive", "--gil-json"):
        found.stdout.fnmatch_lines([f"*{option}*"])


def test_an_inconclusive_assertion_is_skipped_with_its_reason(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(TOO_MANY)
    found = pytester.runpytest_subprocess("-rs")
    found.assert_outcomes(skipped=1)
    found.stdout.fnmatch_lines([
        "*GIL assertions (pylab)*", "*::test_too_many_threads*scales*sum*inconclusive",
        "1 inconclusive", "SKIPPED ?1? test_*.py:?: inconclusive: sum: too few cores: * threads "
        "on * usable cores cannot show scaling*",
    ])  # fmt: skip


def test_inconclusive_as_xfail_or_strict_failure(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(TOO_MANY)
    pytester.runpytest_subprocess("--gil-inconclusive=xfail").assert_outcomes(xfailed=1)
    strict = pytester.runpytest_subprocess("--gil-strict")
    strict.assert_outcomes(failed=1)
    strict.stdout.fnmatch_lines(["*inconclusive (--gil-strict): sum: too few cores*"])
    pytester.makeini("[pytest]\ngil_strict = true\n")
    pytester.runpytest_subprocess().assert_outcomes(failed=1)


def test_a_wrong_budget_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    pass\n")
    found = pytester.runpytest_subprocess("--gil-budget", "0")
    assert found.ret == pytest.ExitCode.USAGE_ERROR
    found.stderr.fnmatch_lines(["*pylab gil: gil budget 0 s: it must be more than 0*"])
    pytester.makeini("[pytest]\ngil_inconclusive = maybe\n")
    found = pytester.runpytest_subprocess()
    found.stderr.fnmatch_lines(["*gil_inconclusive 'maybe': skip or xfail*"])


# What pytest-run-parallel adds that the plugin reads (its --parallel-threads, dest
# parallel_threads, and its thread_unsafe marker), without installing it.
RUN_PARALLEL = """
def pytest_addoption(parser):
    parser.addoption("--parallel-threads", dest="parallel_threads", default=1)

def pytest_configure(config):
    config.addinivalue_line("markers", "thread_unsafe: run in one thread")
"""


def test_beside_run_parallel_a_test_with_gil_is_marked_to_run_once(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(RUN_PARALLEL)
    pytester.makepyfile("""
        def test_with(gil, request):
            marker = request.node.get_closest_marker("thread_unsafe")
            assert "whole process" in marker.kwargs["reason"]

        def test_without(request):
            assert request.node.get_closest_marker("thread_unsafe") is None
    """)  # fmt: skip
    pytester.runpytest_subprocess("--strict-markers").assert_outcomes(passed=2)
