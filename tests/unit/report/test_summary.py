"""The run's tables (pylab.report.summary): a row per kernel and variant showing the
verdict the file stores, the interval note, the GIL warning, a column for subinterpreters."""

from __future__ import annotations

from pylab.base import rules
from pylab.report import summary
from tests.unit.results import _cell, _judged


def test_table_has_a_row_per_kernel_variant() -> None:
    cells = [_cell("threads", 2, 1.9, 1.8, 2.0, 1.9), _cell("processes", 2, 1.9, 1.8, 2.0, 1.9)]
    table = summary.format_table({"machine": {"usable_cores": 2}, "cells": cells})
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["kernel/variant", "threads"]
    assert lines[1].startswith("k/v") and "1.90x [1.80-2.00] W=2" in lines[1]


def test_the_table_shows_the_stored_verdict_and_its_bounds_not_todays_rules() -> None:
    """A file judged by other bounds keeps its verdict: the table never re-judges it."""
    results = _judged({"machine": {"usable_cores": 2}, "cells": [_cell("threads", 2, 1.3, 1.27,
                       1.33, 1.3)]})  # fmt: skip
    assert results["verdicts"]["bounds"] == rules.bounds()
    results["verdicts"] = {"bounds": {"scales": 0.6, "partly_gain": 0.1}, "rows": {"k/v": "x"}}
    assert summary.rows(results)[0].verdict == "x"
    assert "scales at >= 0.6 x ideal" in summary.bounds_note(results)
    del results["verdicts"]
    assert summary.rows(results)[0].verdict == summary.NOT_JUDGED


def test_the_interval_note_states_the_confidence_the_cells_reached() -> None:
    """Three pairs give a 75% interval: nothing may call it 95%."""
    few = _cell("threads", 2, 1.9, 1.8, 2.0, 1.9) | {"speedup": {
        "median": 1.9, "low": 1.8, "high": 2.0, "confidence": 0.75}}  # fmt: skip
    many = _cell("processes", 2, 1.9, 1.8, 2.0, 1.9) | {"speedup": {
        "median": 1.9, "low": 1.8, "high": 2.0, "confidence": 0.96875}}  # fmt: skip
    assert summary.interval_note({"cells": [few]}) == "75% interval"
    assert summary.interval_note({"cells": [few, many]}) == "75-96.9% interval"


def test_a_free_threaded_run_with_the_gil_on_is_warned_about() -> None:
    cell = _cell("threads", 2, 1.0, 0.9, 1.1, 1.0) | {"workers_seen": {"gil_enabled": [True]}}
    python = {"free_threaded_build": True, "gil_enabled": False}
    results = {"machine": {"usable_cores": 2, "python": python}, "cells": [cell]}
    assert "GIL enabled in 1 cell(s)' workers (e.g. k/v)" in summary.gil_warning(results)
    cell["workers_seen"]["gil_enabled"] = [False]
    assert summary.gil_warning(results) is None
    python["gil_enabled"] = True  # the parent itself ran with it (PYTHON_GIL=1)
    assert "ran with the GIL enabled" in summary.gil_warning(results)
    python["free_threaded_build"] = False  # a GIL build: nothing to warn about
    assert summary.gil_warning(results) is None


def _overhead(memory: dict | None) -> dict:
    ratio = {"median": 1.4, "low": 1.3, "high": 1.5, "confidence": 0.9}
    work = {"kernel": "compute", "variant": "py", "params": {}, "size": 9, "ok": True,
            "error": None, "ratio": ratio}  # fmt: skip
    if memory is not None:
        work["memory"] = memory
    return {"overhead": [{"free_threaded": "3.13.5t", "gil": "3.13.5", "works": [work]}]}


def test_the_free_threading_cost_gives_the_memory_ratio_where_the_file_has_it() -> None:
    ratio = {"median": 1.2, "low": 1.1, "high": 1.3, "confidence": 0.9}
    memory = {"ratio": ratio, "free_threaded_peak_bytes": 24 << 20,
              "gil_peak_bytes": 20 << 20, "per_run": True}  # fmt: skip
    header, rows = summary.overhead_table(_overhead(memory))
    assert header[-1] == summary.MEMORY_HEADER
    assert rows == [("3.13.5t / 3.13.5", "compute/py", "1.40x [1.30-1.50]",
                     "1.20x [1.10-1.30] (24 MiB, 20 MiB)")]  # fmt: skip
    assert "1.20x [1.10-1.30] (24 MiB, 20 MiB)" in summary.format_overhead(_overhead(memory))


def test_a_file_from_before_memory_was_measured_keeps_its_time_only_table() -> None:
    header, rows = summary.overhead_table(_overhead(None))
    assert header == summary.OVERHEAD_HEADER and rows[0][-1] == "1.40x [1.30-1.50]"
