"""Reading a file's cells (pylab.results.cells): labels, keys, groups, columns and the cell
a row is judged by."""

from __future__ import annotations

from pylab.measure.plan import CellSpec
from pylab.results import cells


def _cell(executor: str = "threads", workers: int = 2, speedup: float = 1.5, **more) -> dict:
    return {"kernel": "amdahl", "variant": "mixed", "params": {"gil_share": 0.5},
            "executor": executor, "start_method": "fork" if executor == "processes" else None,
            "workers": workers, "ok": True, "speedup": {"median": speedup}} | more  # fmt: skip


def test_labels_name_kernel_variant_and_params() -> None:
    assert cells.params_label({"gil_share": 0.25, "wait_us": 1000}) == "gil_share=0.25 wait_us=1000"
    assert cells.params_label({"gil_share": 1.0}) == "gil_share=1"  # a float without noise
    assert cells.label(_cell()) == "amdahl/mixed gil_share=0.5"
    assert cells.label({"kernel": "compute", "variant": "nogil", "params": {}}) == "compute/nogil"


def test_the_work_key_ignores_the_order_of_params() -> None:
    a = {"kernel": "stream", "variant": "gil", "params": {"op": "sum", "array_mib": 1}}
    b = a | {"params": {"array_mib": 1, "op": "sum"}}
    assert (
        cells.work_key(a)
        == cells.work_key(b)
        == ("stream", "gil", (("array_mib", 1), ("op", "sum")))
    )


def test_a_planned_cell_and_the_same_cell_in_a_file_have_one_key() -> None:
    spec = CellSpec("amdahl", "mixed", "processes", "fork", 2, (("gil_share", 0.5),))
    measured = _cell("processes") | {"size": 1000, "samples": {}, "python": "3.11.7"}
    assert cells.cell_key(spec.as_dict()) == cells.cell_key(measured)
    assert cells.cell_key(_cell("processes", workers=1)) != cells.cell_key(measured)
    assert cells.cell_key(_cell("processes", params={"gil_share": 0.75})) != cells.cell_key(
        measured
    )


def test_cells_are_grouped_by_work_in_the_order_first_seen() -> None:
    first, other = _cell(), _cell(params={"gil_share": 1.0})
    groups = cells.by_key([first, other, _cell("processes", params={"gil_share": 0.5})])
    assert [len(g) for g in groups.values()] == [2, 1]
    assert list(groups)[0] == ("amdahl", "mixed", '{"gil_share": 0.5}')


def test_a_process_cell_shows_under_its_start_method() -> None:
    assert cells.column(_cell("processes")) == "fork"
    assert [cells.column(_cell(e)) for e in ("threads", "omp", "interpreters")] == [
        "threads", "omp", "interpreters"]  # fmt: skip
    assert {cells.column(_cell(e)) for e in ("threads", "processes")} <= set(cells.COLUMNS)


def test_measured_and_parallel_cells_leave_out_failures_and_serial_runs() -> None:
    failed = _cell(ok=False)
    serial = _cell("serial", workers=1)
    results = {"cells": [serial, _cell(), failed, _cell("processes")]}
    assert cells.measured(results) == [serial, _cell(), _cell("processes")]
    assert cells.parallel_cells(results) == [_cell(), _cell("processes")]
    assert cells.intervals(results) == [{"median": 1.5}] * 3


def test_a_row_is_judged_by_its_widest_cell_and_the_best_of_them() -> None:
    two, four, four_better = _cell(workers=2), _cell(workers=4), _cell("processes", 4, 1.9)
    assert cells.largest_w([two, four, four_better]) is four_better
    assert cells.largest_w([two]) is two
    assert cells.largest_w([]) is None


def test_the_gil_back_on_is_found_only_on_a_free_threaded_build() -> None:
    on = _cell(workers_seen={"gil_enabled": [False, True]})
    off = _cell(workers_seen={"gil_enabled": [False]})
    free = {"machine": {"python": {"free_threaded_build": True}}, "cells": [on, off]}
    assert cells.gil_back_on(free) == [on]
    gil_build = {"machine": {"python": {"free_threaded_build": False}}, "cells": [on, off]}
    assert cells.gil_back_on(gil_build) == []
