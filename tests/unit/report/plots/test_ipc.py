"""The ipc plots (C10): the round trip and the dispatch, drawn from real runs, valid PNGs,
their captions; a subinterpreter series only where the file has one."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from pylab.report.plots import ipc
from tests.unit.report.plots import DEFAULT, FIXTURE, SCALING_ONLY, _load


@pytest.mark.parametrize("path", [FIXTURE, DEFAULT], ids=["tiny", "default"])
def test_plots_from_real_runs(path: Path, check_plot) -> None:
    plots = ipc.make(_load(path))
    assert [p.name for p in plots] == ["ipc", "dispatch"]
    for plot in plots:
        assert plot.title
        check_plot(plot)


def test_no_data_no_plot() -> None:
    assert ipc.make(_load(SCALING_ONLY)) == []
    assert ipc.make({"experiments": {ipc.NAME: {"ok": False, "data": None}}}) == []


def test_the_caption_carries_the_numbers() -> None:
    assert "1 MiB round trip" in ipc.make(_load(DEFAULT))[0].caption


def test_missing_pieces_still_plot(check_plot) -> None:
    """No crossover and no spawn channels."""
    results = copy.deepcopy(_load(FIXTURE))
    data = results["experiments"]["ipc"]["data"]
    data["crossover"] = None
    for table in (data["latency_us"], data["throughput_bytes_per_s"]):
        table.pop("fork_queue")
    plots = ipc.make(results)
    assert [p.name for p in plots] == ["ipc", "dispatch"]
    for plot in plots:
        check_plot(plot)
