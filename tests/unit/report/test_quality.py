"""The run's trust line: noise, precision reached, pairs set aside, background."""

from __future__ import annotations

from pylab.report.quality import quality, quality_line


def _cell(width: float, precise: bool, taken: int | None = 8, disturbed: int = 2) -> dict:
    cell = {
        "ok": True, "executor": "threads", "noisy": width > 0.3,
        "noise": {"speedup_relative_width": width, "precise": precise},
        "samples": {"serial_s": [0.1] * 6},
    }  # fmt: skip
    if taken is not None:
        cell["interference"] = {"pairs_taken": taken, "disturbed": disturbed}
    return cell


def test_the_line_counts_noisy_precise_and_disturbed() -> None:
    cells = [_cell(0.05, True), _cell(0.08, True), _cell(0.4, False, 12, 5)]
    results = {
        "cells": cells + [{"ok": True, "executor": "serial"}],
        "settings": {"precision": 0.1},
        "load": {"background_cores": 0.123, "background_cpu_s": 98.4},
    }
    line = quality_line(results)
    assert line.startswith("1 of 3 parallel cells noisy (33%); intervals 8.0% of the median")
    assert "2 reached the 10% asked" in line and "9 of 28 pairs set aside" in line
    assert "0.12 cores on average (98 CPU s)" in line


def test_cells_measured_before_the_accounting_do_not_claim_none_were_disturbed() -> None:
    q = quality([_cell(0.2, False, taken=None)])
    assert q.disturbed is None and q.pairs == 6
    assert "set aside" not in quality_line({"cells": [_cell(0.2, False, taken=None)]})
