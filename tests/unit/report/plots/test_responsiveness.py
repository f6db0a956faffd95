"""The responsiveness plot (C14): drawn from real results files, a subinterpreter series
only where the file has one."""

from __future__ import annotations

from pathlib import Path

import pytest

from pylab.report.plots import responsiveness
from tests.unit.report.plots import DEFAULT, FIXTURE, SCALING_ONLY, _load


@pytest.mark.parametrize("path", [FIXTURE, DEFAULT], ids=["tiny", "default"])
def test_one_readable_plot(path: Path, check_plot) -> None:
    plots = responsiveness.make(_load(path))
    assert [p.name for p in plots] == [responsiveness.NAME]
    check_plot(plots[0])


def test_nothing_without_the_experiment() -> None:
    assert responsiveness.make(_load(SCALING_ONLY)) == []


def test_nothing_from_a_failed_experiment() -> None:
    results = _load(FIXTURE)
    results["experiments"][responsiveness.NAME] = {"ok": False, "error": "boom"}
    assert responsiveness.make(results) == []


def test_the_caption_carries_the_numbers() -> None:
    assert "308 ms" in responsiveness.make(_load(DEFAULT))[0].caption  # p99 beside GIL-holding C
