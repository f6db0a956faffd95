"""The startup (C03), memory (C11, C12) and killing (C07, C18) plots: real runs, PNGs, captions."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pylab.report.plots import killing, memory, startup
from tests import DATA, REFERENCE

FIXTURE = DATA / "full_small.json"
DEFAULT = REFERENCE / "20261125T032033Z-vm.json"
SCALING_ONLY = DATA / "scaling_only.json"
MODULES = (startup, memory, killing)  # one plot each, named after its experiment


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


@pytest.fixture(scope="module", params=[FIXTURE, DEFAULT], ids=["tiny", "default"])
def results(request: pytest.FixtureRequest) -> dict[str, Any]:
    return _load(request.param)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.NAME)
def test_plots_from_real_runs(module: Any, results: dict[str, Any], check_plot) -> None:
    plots = module.make(results)
    assert [p.name for p in plots] == [module.NAME]
    check_plot(plots[0])


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.NAME)
def test_no_data_no_plot(module: Any) -> None:
    assert module.make(_load(SCALING_ONLY)) == []
    assert module.make({"experiments": {module.NAME: {"ok": False, "data": None}}}) == []


def test_captions_carry_the_numbers() -> None:
    results = _load(DEFAULT)
    assert "77 us" in startup.make(results)[0].caption  # thread start+join
    assert "2.44 MiB" in memory.make(results)[0].caption  # fork's own pages (USS)
    assert "1.38 ms" in killing.make(results)[0].caption  # the slowest stop


def _data(results: dict[str, Any], name: str) -> dict[str, Any]:
    return results["experiments"][name]["data"]


def test_missing_pieces_still_plot(check_plot) -> None:
    """No forkserver; no fork pool, USS as the metric, no thread growth; no Ctrl-C data."""
    results = copy.deepcopy(_load(FIXTURE))
    _data(results, "startup")["start_methods"].remove("forkserver")
    mem = _data(results, "memory")
    mem["start_methods"].remove("fork")
    mem["metric"] = "uss"
    mem["thread_pool"]["per_worker_bytes"] = 0.0
    mem["per_thread"]["per_thread_bytes"] = -1.0
    del _data(results, "killing")["sigint"]
    plots = [plot for module in MODULES for plot in module.make(results)]
    assert [p.name for p in plots] == ["startup", "memory", "killing"]
    assert "forkserver" not in plots[0].caption
    assert "idle thread" not in plots[1].caption
    assert "Ctrl-C" not in plots[2].caption
    for plot in plots:  # drawn in make(); rendering each is left to the tests above
        check_plot(plot)


def test_killing_with_only_ctrl_c(check_plot) -> None:
    results = copy.deepcopy(_load(FIXTURE))
    data = _data(results, "killing")
    del data["processes"], data["flag_stop"]
    (plot,) = killing.make(results)
    assert plot.caption.startswith("Ctrl-C reached the main thread")
    check_plot(plot)
