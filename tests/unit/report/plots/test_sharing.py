"""The sharing plot (C02, C13): drawn from real runs, a valid PNG, its caption; a
subinterpreter series only where the file has one."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from pylab.report.plots import sharing
from tests.unit.report.plots import DEFAULT, FIXTURE, SCALING_ONLY, _load


@pytest.mark.parametrize("path", [FIXTURE, DEFAULT], ids=["tiny", "default"])
def test_plot_from_real_runs(path: Path, check_plot) -> None:
    plots = sharing.make(_load(path))
    assert [p.name for p in plots] == ["sharing"]
    for plot in plots:
        assert plot.title
        check_plot(plot)


def test_no_data_no_plot() -> None:
    assert sharing.make(_load(SCALING_ONLY)) == []
    assert sharing.make({"experiments": {sharing.NAME: {"ok": False, "data": None}}}) == []


def test_the_caption_carries_the_numbers() -> None:
    assert "256 MiB" in sharing.make(_load(DEFAULT))[0].caption


def test_missing_pieces_still_plot(check_plot) -> None:
    """No shared memory and no read-back."""
    results = copy.deepcopy(_load(FIXTURE))
    shared = results["experiments"]["sharing"]["data"]
    del shared["methods"]["shared_memory"], shared["read_back"]
    plots = sharing.make(results)
    assert [p.name for p in plots] == ["sharing"]
    assert "shared memory" not in plots[0].caption
    for plot in plots:
        check_plot(plot)
