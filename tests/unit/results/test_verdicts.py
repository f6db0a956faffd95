"""The verdict rules, on made-up cells (the rules are under test, not the machine), and
the table, which shows the verdicts a file stores."""

from __future__ import annotations

import pytest

from pylab.base import rules
from pylab.report import summary
from pylab.results import verdicts


def _judged(results: dict) -> dict:
    """`results` with the verdicts a run stores for it."""
    return results | {"verdicts": verdicts.judge(results)}


def _cell(executor: str, workers: int, s: float, low: float, high: float, cpu: float) -> dict:
    return {
        "kernel": "k", "variant": "v", "params": {}, "unit": "iterations", "ok": True,
        "executor": executor, "workers": workers,
        "start_method": "fork" if executor == "processes" else None,
        "speedup": {"median": s, "low": low, "high": high, "confidence": 0.97},
        "cpu_per_wall": {"median": cpu, "low": cpu, "high": cpu, "confidence": 0.97},
    }  # fmt: skip


def _verdict(threads: tuple, processes: tuple, unit: str = "iterations", cores: int = 2) -> str:
    cells = [_cell("threads", *threads), _cell("processes", *processes)]
    for c in cells:
        c["unit"] = unit
    rows = summary.rows(_judged({"machine": {"usable_cores": cores}, "cells": cells}))
    assert len(rows) == 1
    return rows[0].verdict


@pytest.mark.parametrize(
    ("threads", "processes", "unit", "expected"),
    [
        ((2, 1.9, 1.85, 1.95, 2.0), (2, 1.9, 1.8, 1.95, 2.0), "iterations", "scales in threads"),
        ((2, 1.0, 0.98, 1.02, 1.0), (2, 1.9, 1.8, 1.95, 2.0), "iterations", "needs processes"),
        ((2, 1.1, 1.05, 1.15, 1.9), (2, 1.1, 1.0, 1.2, 1.9), "bytes", "capped by memory bandwidth"),
        ((2, 1.3, 1.27, 1.33, 1.3), (2, 1.1, 1.0, 1.2, 1.0), "iterations",
         "scales partly in threads"),
        ((2, 1.0, 0.95, 1.05, 1.0), (2, 1.0, 0.95, 1.05, 1.0), "iterations", "does not scale"),
        ((4, 3.9, 3.8, 4.0, 0.01), (4, 3.9, 3.8, 4.0, 0.01), "waits", "scales in threads"),
    ],
)  # fmt: skip
def test_verdict_rules(threads, processes, unit, expected) -> None:
    assert _verdict(threads, processes, unit) == expected


def test_an_interval_across_a_threshold_makes_the_verdict_uncertain() -> None:
    verdict = _verdict((2, 1.5, 1.1, 1.9, 1.5), (2, 1.9, 1.8, 1.95, 2.0))
    assert verdict == "scales in threads (uncertain)"


def test_failed_cells_are_counted_and_w1_only_says_so() -> None:
    ok = _cell("threads", 1, 1.0, 0.9, 1.1, 1.0)
    bad = {**_cell("processes", 1, 1.0, 0.9, 1.1, 1.0), "ok": False}
    rows = summary.rows(_judged({"machine": {"usable_cores": 2}, "cells": [ok, bad]}))
    assert rows[0].verdict == "W=1 only: scaling not measured; 1 cell(s) failed"


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


@pytest.mark.parametrize(
    ("processes", "interpreters", "expected"),
    [
        ((2, 1.9, 1.8, 1.95, 2.0), (2, 1.8, 1.7, 1.9, 2.0), "needs processes or subinterpreters"),
        ((2, 1.9, 1.8, 1.95, 2.0), (2, 1.0, 0.95, 1.05, 1.0), "needs processes"),
        (None, (2, 1.8, 1.7, 1.9, 2.0), "scales in subinterpreters"),
        (None, (2, 1.0, 0.95, 1.05, 1.0), "does not scale"),
    ],
)  # fmt: skip
def test_subinterpreters_join_the_verdict_where_threads_do_not_scale(
    processes, interpreters, expected
) -> None:
    cells = [_cell("threads", 2, 1.0, 0.98, 1.02, 1.0), _cell("interpreters", *interpreters)]
    cells += [_cell("processes", *processes)] if processes else []
    results = _judged({"machine": {"usable_cores": 2}, "cells": cells})
    (row,) = summary.rows(results)
    assert row.verdict == expected
    header, line = summary.format_table(results).splitlines()
    assert "subinterpreters" in header and f"{interpreters[1]:.2f}x" in line


def test_the_answer_names_what_subinterpreters_did_where_threads_did_not() -> None:
    from pylab.report.answer import answer

    cells = [_cell("threads", 2, 1.0, 0.98, 1.02, 1.0), _cell("interpreters", 2, 1.8, 1.7, 1.9, 2)]
    machine = {"usable_cores": 2, "python": {"version": "3.13.5"}}
    text = " ".join(answer(_judged({"machine": machine, "cells": cells})))
    assert "In subinterpreters (one process, a GIL for each)" in text and "k/v 1.80x" in text
    assert "(threads 1.00x)" in text
