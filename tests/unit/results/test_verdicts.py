"""The scaling table's verdict rules (pylab.results.verdicts), on made-up cells: the rules
are under test, not the machine."""

from __future__ import annotations

import pytest

from pylab.base import rules
from pylab.kernels.base import OMP
from pylab.report import summary
from pylab.results import verdicts
from tests.unit.results import _cell, _judged


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


def test_an_interval_across_a_mark_leaves_the_row_undecided_between_its_sides() -> None:
    # threads 1.5x [1.1-1.9] straddle the 1.4x mark: the median's side is not a verdict
    verdict = _verdict((2, 1.5, 1.1, 1.9, 1.5), (2, 1.9, 1.8, 1.95, 2.0))
    assert verdict == "undecided: scales in threads or needs processes"


def test_intervals_clear_of_every_mark_decide_on_both_sides() -> None:
    above = _verdict((2, 1.9, 1.85, 1.95, 1.9), (2, 1.9, 1.8, 1.95, 2.0))
    below = _verdict((2, 1.0, 0.95, 1.05, 1.0), (2, 1.9, 1.8, 1.95, 2.0))
    assert (above, below) == ("scales in threads", "needs processes")


def test_a_disturbed_or_noisy_cell_flags_its_row_uncertain_and_says_which() -> None:
    threads = _cell("threads", 2, 1.9, 1.85, 1.95, 1.9)
    threads["interference"] = {"used_disturbed": True, "background_cores_max": 0.88}
    processes = _cell("processes", 2, 1.9, 1.8, 1.95, 2.0) | {
        "noisy": True, "noise": {"speedup_relative_width": 0.37}}
    results = _judged({"machine": {"usable_cores": 2}, "cells": [threads, processes]})
    assert results["verdicts"]["uncertain"] == {
        "k/v": "threads W=2 disturbed (0.88 background cores); processes W=2 noisy (37% wide)"
    }
    assert summary.rows(results)[0].verdict == "scales in threads (uncertain)"
    assert summary.format_table(results).splitlines()[-1] == (
        "uncertain: k/v: threads W=2 disturbed (0.88 background cores); "
        "processes W=2 noisy (37% wide)"
    )


def test_a_quiet_row_is_not_flagged() -> None:
    cells = [_cell("threads", 2, 1.9, 1.85, 1.95, 1.9), _cell("processes", 2, 1.9, 1.8, 1.95, 2)]
    assert _judged({"machine": {"usable_cores": 2}, "cells": cells})["verdicts"]["uncertain"] == {}


def test_failed_cells_are_counted_and_w1_only_says_so() -> None:
    ok = _cell("threads", 1, 1.0, 0.9, 1.1, 1.0)
    bad = {**_cell("processes", 1, 1.0, 0.9, 1.1, 1.0), "ok": False}
    rows = summary.rows(_judged({"machine": {"usable_cores": 2}, "cells": [ok, bad]}))
    assert rows[0].verdict == "W=1 only: scaling not measured; 1 cell(s) failed"


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


def test_an_omp_row_is_judged_inside_the_kernel() -> None:
    cell = {
        "kernel": "compute", "variant": OMP, "params": {}, "unit": "iterations", "ok": True,
        "executor": "omp", "start_method": None, "workers": 2,
        "speedup": {"median": 1.95, "low": 1.9, "high": 1.98, "confidence": 0.97},
        "cpu_per_wall": {"median": 1.9, "low": 1.9, "high": 1.9, "confidence": 0.97},
    }  # fmt: skip
    results = {"machine": {"usable_cores": 2}, "cells": [cell]}
    results["verdicts"] = verdicts.judge(results)
    (row,) = summary.rows(results)
    assert row.verdict == "scales inside the kernel"
    assert "inside the kernel" in summary.format_table(results)


def test_what_a_file_stores_is_each_rows_verdict_and_the_bounds_it_was_judged_by() -> None:
    cells = [_cell("serial", 1, 1.0, 1.0, 1.0, 1.0), _cell("threads", 2, 1.9, 1.8, 2.0, 1.9)]
    cells.append(_cell("threads", 4, 1.0, 0.9, 1.1, 1.0) | {"kernel": "other"})
    judged = verdicts.judge({"machine": {"usable_cores": 2}, "cells": cells})
    assert judged["rows"] == {"k/v": "scales in threads", "other/v": "does not scale"}
    assert judged["bounds"] == rules.bounds()


def test_a_row_of_serial_cells_only_was_not_measured_in_parallel() -> None:
    serial = _cell("serial", 1, 1.0, 1.0, 1.0, 1.0)
    judged = verdicts.judge({"machine": {"usable_cores": 2}, "cells": [serial]})
    assert judged["rows"] == {"k/v": "no parallel cell measured"}


def test_an_omp_row_of_one_thread_was_not_measured_in_parallel() -> None:
    cell = _cell("omp", 1, 1.0, 0.98, 1.02, 1.0) | {"variant": OMP}
    judged = verdicts.judge({"machine": {"usable_cores": 2}, "cells": [cell]})
    assert judged["rows"] == {f"k/{OMP}": "W=1 only: scaling not measured"}
