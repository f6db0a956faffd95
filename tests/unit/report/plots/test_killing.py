"""The killing plot (C07, C18): drawn from real runs, a valid PNG, its caption, and with
only part of the data."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from pylab.report.plots import killing
from tests.unit.report.plots import DEFAULT, FIXTURE, SCALING_ONLY, _load


def _data(results: dict[str, Any]) -> dict[str, Any]:
    return results["experiments"]["killing"]["data"]


@pytest.mark.parametrize("path", [FIXTURE, DEFAULT], ids=["tiny", "default"])
def test_plot_from_real_runs(path: Path, check_plot) -> None:
    plots = killing.make(_load(path))
    assert [p.name for p in plots] == [killing.NAME]
    check_plot(plots[0])


def test_no_data_no_plot() -> None:
    assert killing.make(_load(SCALING_ONLY)) == []
    assert killing.make({"experiments": {killing.NAME: {"ok": False, "data": None}}}) == []


def test_the_caption_carries_the_numbers() -> None:
    assert "1.38 ms" in killing.make(_load(DEFAULT))[0].caption  # the slowest stop


def test_missing_pieces_still_plot(check_plot) -> None:
    """No Ctrl-C data."""
    results = copy.deepcopy(_load(FIXTURE))
    del _data(results)["sigint"]
    (plot,) = killing.make(results)
    assert plot.name == "killing"
    assert "Ctrl-C" not in plot.caption
    check_plot(plot)


def test_killing_with_only_ctrl_c(check_plot) -> None:
    results = copy.deepcopy(_load(FIXTURE))
    data = _data(results)
    del data["processes"], data["flag_stop"]
    (plot,) = killing.make(results)
    assert plot.caption.startswith("Ctrl-C reached the main thread")
    check_plot(plot)
