"""The granularity plot (C21): drawn from real results files, a second width where the
run measured one."""

from __future__ import annotations

from pathlib import Path

import pytest

from pylab.report.plots import granularity
from tests.unit.report.plots import DEFAULT, FIXTURE, SCALING_ONLY, _load


@pytest.mark.parametrize("path", [FIXTURE, DEFAULT], ids=["tiny", "default"])
def test_one_readable_plot(path: Path, check_plot) -> None:
    plots = granularity.make(_load(path))
    assert [p.name for p in plots] == [granularity.NAME]
    check_plot(plots[0])


def test_nothing_without_the_experiment() -> None:
    assert granularity.make(_load(SCALING_ONLY)) == []


def test_nothing_from_a_failed_experiment() -> None:
    results = _load(FIXTURE)
    results["experiments"][granularity.NAME] = {"ok": False, "error": "boom"}
    assert granularity.make(results) == []


def test_the_caption_carries_the_numbers() -> None:
    assert "0.45x" in granularity.make(_load(DEFAULT))[0].caption  # chunk 1, 2 threads


def test_granularity_draws_a_second_width() -> None:
    results = _load(FIXTURE)
    data = results["experiments"]["granularity"]["data"]
    for point in data["sweep"]:
        point["speedup"]["4"] = dict(point["speedup"]["2"])
    data["roundtrip"]["ns"]["4"] = dict(data["roundtrip"]["ns"]["2"])
    (plot,) = granularity.make(results)
    labels = plot.figure.axes[0].get_legend_handles_labels()[1]
    assert any(label.startswith("4 threads over 1") for label in labels)
    assert any("4 threads" in label and "contended" in label for label in labels)
