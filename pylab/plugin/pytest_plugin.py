"""pylab's pytest plugin, loaded through the `pytest11` entry point wherever pylab is
installed: the `gil` fixture (pylab.plugin.checks), its options, the end-of-session table of
every GIL assertion and `--gil-json FILE` (pylab.plugin.summary).

Loading it imports pytest's API and nothing of pylab's instruments: numpy, psutil and the
rest load only when a test asks for the fixture (tests/unit/plugin checks it), so a suite
that never uses it pays nothing.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import pytest

from pylab.plugin.settings import BUDGET_S, INCONCLUSIVE_AS, from_config

_OUTCOMES = pytest.StashKey[list]()
_WARNED = pytest.StashKey[bool]()
_SETTINGS = pytest.StashKey[Any]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gil", "pylab's gil fixture (docs/plugin.md)")
    group.addoption(
        "--gil-strict",
        action="store_true",
        default=None,
        help="an inconclusive GIL assertion fails (quiet, dedicated runners)",
    )
    group.addoption(
        "--gil-budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help=f"time for each GIL assertion to decide (default {BUDGET_S:g})",
    )
    group.addoption(
        "--gil-inconclusive",
        choices=INCONCLUSIVE_AS,
        default=None,
        help="what an inconclusive GIL assertion becomes (default skip)",
    )
    group.addoption("--gil-json", default=None, metavar="FILE",
                    help="write every GIL assertion to FILE, a pylab results file")  # fmt: skip
    parser.addini(
        "gil_budget", f"seconds per GIL assertion (default {BUDGET_S:g})", default=str(BUDGET_S)
    )
    parser.addini("gil_strict", "an inconclusive GIL assertion fails", type="bool", default=False)
    parser.addini("gil_inconclusive", "skip or xfail (default skip)", default="skip")


def pytest_configure(config: pytest.Config) -> None:
    try:
        config.stash[_SETTINGS] = from_config(config)
    except ValueError as exc:
        raise pytest.UsageError(f"pylab gil: {exc}") from None
    config.stash[_OUTCOMES] = []


@pytest.fixture
def gil(request: pytest.FixtureRequest) -> Any:
    """GIL assertions for this test: gil.share(fn, *args), gil.assert_released(fn, *args,
    below=0.2), gil.assert_scales(fn, *args, workers=2), gil.assert_keeps_gil_off(module)
    (docs/plugin.md)."""
    from pylab.plugin.checks import Gil

    _warn_xdist(request.config)
    return Gil(request.config.stash[_SETTINGS], request.config.stash[_OUTCOMES].append,
               request.node.nodeid)  # fmt: skip


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Beside pytest-run-parallel, a test that takes `gil` runs once, not in N threads at once:
    its measurement would count the other copies as its own (docs/plugin.md)."""
    if config.getoption("parallel_threads", default=None) is None:
        return
    for item in items:
        if "gil" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.thread_unsafe(
                reason="pylab's gil fixture measures the whole process"))  # fmt: skip


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    outcomes = config.stash.get(_OUTCOMES, [])
    if not outcomes:
        return
    from pylab.plugin import summary

    terminalreporter.write_sep("=", "GIL assertions (pylab)")
    for line in summary.table(outcomes):
        terminalreporter.write_line(line)


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    path, outcomes = config.getoption("gil_json"), config.stash.get(_OUTCOMES, [])
    if not path or not outcomes:
        return
    from pylab.plugin import summary

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    target = Path(path)
    if worker:  # each xdist worker measured its own tests: one file each
        target = target.with_name(f"{target.stem}-{worker}{target.suffix}")
    summary.write_json(target, outcomes, config.invocation_params.args, config.stash[_SETTINGS])


_XDIST_NOTE = (
    "pylab gil: {n} pytest-xdist workers share this machine's cores: each worker's GIL "
    "assertions count the others' CPU as background load, so a scaling or share check beside "
    "busy workers is skipped as inconclusive (the machine was busy), never passed or failed by "
    "their load; run GIL tests in one worker (-p no:xdist, or xdist_group) to have them decide"
)


def _warn_xdist(config: pytest.Config) -> None:
    """Once per xdist worker (pytest relays it to the controller's warnings summary)."""
    workers = os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    if workers and int(workers) > 1 and not config.stash.get(_WARNED, False):
        config.stash[_WARNED] = True
        warnings.warn(pytest.PytestWarning(_XDIST_NOTE.format(n=workers)), stacklevel=2)
