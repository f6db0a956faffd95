"""The sharing (C02, C13) and ipc (C10) plots: drawn from real runs, valid PNGs, captions."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pylab.report.plots import ipc, sharing
from tests import DATA, REFERENCE

FIXTURE = DATA / "full_small.json"
DEFAULT = REFERENCE / "20261125T032033Z-vm.json"
SCALING_ONLY = DATA / "scaling_only.json"
# Plots per module for a file with every experiment: ipc draws "ipc" and "dispatch".
EXPECTED = {sharing: ["sharing"], ipc: ["ipc", "dispatch"]}


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


@pytest.fixture(scope="module", params=[FIXTURE, DEFAULT], ids=["tiny", "default"])
def results(request: pytest.FixtureRequest) -> dict[str, Any]:
    return _load(request.param)


@pytest.mark.parametrize("module", list(EXPECTED), ids=lambda m: m.NAME)
def test_plots_from_real_runs(module: Any, results: dict[str, Any], check_plot) -> None:
    plots = module.make(results)
    assert [p.name for p in plots] == EXPECTED[module]
    for plot in plots:
        assert plot.title
        check_plot(plot)


@pytest.mark.parametrize("module", list(EXPECTED), ids=lambda m: m.NAME)
def test_no_data_no_plot(module: Any) -> None:
    assert module.make(_load(SCALING_ONLY)) == []
    assert module.make({"experiments": {module.NAME: {"ok": False, "data": None}}}) == []


def test_captions_carry_the_numbers() -> None:
    results = _load(DEFAULT)
    assert "256 MiB" in sharing.make(results)[0].caption
    assert "1 MiB round trip" in ipc.make(results)[0].caption


def test_missing_pieces_still_plot(check_plot) -> None:
    """No shared memory and no read-back; no crossover and no spawn channels."""
    results = copy.deepcopy(_load(FIXTURE))
    shared = results["experiments"]["sharing"]["data"]
    del shared["methods"]["shared_memory"], shared["read_back"]
    data = results["experiments"]["ipc"]["data"]
    data["crossover"] = None
    for table in (data["latency_us"], data["throughput_bytes_per_s"]):
        table.pop("fork_queue")
    plots = sharing.make(results) + ipc.make(results)
    assert [p.name for p in plots] == ["sharing", "ipc", "dispatch"]
    assert "shared memory" not in plots[0].caption
    for plot in plots:
        check_plot(plot)
