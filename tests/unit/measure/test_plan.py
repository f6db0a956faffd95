"""Presets expand to cells (pylab.measure.plan); explicit options narrow them; bad names
are user errors; cells an interpreter cannot run are skipped with the reason."""

from __future__ import annotations

import pytest

from pylab.base.errors import UserError
from pylab.kernels.base import OMP, openmp_built
from pylab.measure.plan import CellSpec, Selection, build_plan, runnable
from pylab.measure.presets import PRESETS, get_preset

needs_openmp = pytest.mark.skipif(not openmp_built(), reason="kernels built without OpenMP")


def test_quick_preset_cells() -> None:
    cells = build_plan(get_preset("quick"), Selection(), cores=2)
    assert {c.kernel for c in cells} == {"compute", "io"}
    assert {c.executor for c in cells} == {"serial", "threads", "processes", "interpreters", "omp"}
    assert {c.start_method for c in cells if c.executor == "processes"} == {"fork"}
    assert {c.start_method for c in cells if c.executor == "interpreters"} == {None}
    assert {c.workers for c in cells if c.executor != "serial"} == {1, 2}
    # equal work is adjacent, so each piece of work is calibrated once
    works = [c.work for c in cells]
    assert len({w for w in works}) == len(
        [w for i, w in enumerate(works) if i == 0 or works[i - 1] != w]
    )


def test_default_preset_sweeps_amdahl_shares_and_workers() -> None:
    cells = build_plan(PRESETS["default"], Selection(kernels=["amdahl"]), cores=16)
    assert sorted({dict(c.params)["gil_share"] for c in cells}) == [0.0, 0.5, 1.0]
    assert {c.workers for c in cells if c.executor == "threads"} == {1, 2, 4, 16}


def test_selection_narrows() -> None:
    sel = Selection(kernels=["compute"], variants=["nogil"], executors=["threads"], workers=[3])
    cells = build_plan(get_preset("default"), sel, cores=2)
    assert [(c.kernel, c.variant, c.executor, c.workers) for c in cells] == [
        ("compute", "nogil", "threads", 3)
    ]


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        (Selection(kernels=["compte"]), "did you mean 'compute'"),
        (Selection(executors=["thread"]), "did you mean 'threads'"),
        (Selection(start_methods=["spwan"]), "did you mean 'spawn'"),
        (Selection(variants=["nogli"]), "did you mean 'nogil'"),
        (Selection(kernels=["objects"], variants=["nogil"]), "unknown variant 'nogil'"),
    ],
)
def test_bad_selections(selection: Selection, message: str) -> None:
    with pytest.raises(UserError, match=message):
        build_plan(get_preset("default"), selection, cores=2)


def test_explicit_params_replace_the_preset_grid() -> None:
    sel = Selection(["amdahl"], executors=["threads"], workers=[2], params={"gil_share": "0.3"})
    cells = build_plan(get_preset("default"), sel, cores=2)
    assert [dict(c.params) for c in cells] == [{"gil_share": 0.3}]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"gil_sahre": "0.3"}, "did you mean 'gil_share'"),
        ({"gil_share": "half"}, "'half' is not a number"),
        ({"gil_share": "2"}, "must be in [0, 1]"),
        ({"wait_us": "1.5"}, "not a whole number"),
    ],
)
def test_bad_params(params: dict, message: str) -> None:
    sel = Selection(kernels=["amdahl", "io"], params=params)
    with pytest.raises(UserError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build_plan(get_preset("default"), sel, cores=2)


def test_an_interpreter_without_subinterpreters_skips_their_cells_with_the_reason() -> None:
    cells = build_plan(get_preset("default"), Selection(kernels=["compute", "stream"]), cores=2)
    without = {"version": "3.11.7", "subinterpreters": {"available": False, "reason": "why"}}
    kept, skipped = runnable(cells, without)
    assert kept == [c for c in cells if c.executor != "interpreters"]
    planned = sum(c.executor == "interpreters" for c in cells)
    assert skipped == [{"what": "interpreters cells", "cells": planned, "reason": "why"}]


def test_a_kernel_that_cannot_run_in_a_subinterpreter_is_skipped_there_only() -> None:
    cells = build_plan(get_preset("default"), Selection(kernels=["compute", "stream"]), cores=2)
    kept, skipped = runnable(cells, {"subinterpreters": {"available": True}})
    gone = [c for c in cells if c.kernel == "stream" and c.executor == "interpreters"]
    assert gone and kept == [c for c in cells if c not in gone]
    assert any(c.kernel == "compute" and c.executor == "interpreters" for c in kept)
    ((skip),) = skipped
    assert skip["what"] == "stream on interpreters" and skip["cells"] == len(gone)
    assert "numpy cannot load in a subinterpreter" in skip["reason"]
    # a file from before subinterpreters were recorded: nothing is skipped for want of them
    assert runnable([c for c in cells if c.kernel == "compute"], {})[1] == []


def test_without_the_omp_executor_the_omp_variant_gets_no_lone_serial_cell() -> None:
    cells = build_plan(PRESETS["dask"], Selection(kernels=["compute"]), cores=2)
    assert {c.variant for c in cells} == {"gil", "nogil", "py"}
    with_omp = build_plan(PRESETS["quick"], Selection(kernels=["compute"]), cores=2)
    assert ("omp", "serial") in {(c.variant, c.executor) for c in with_omp}


@needs_openmp
def test_omp_runs_only_inside_the_kernel_and_nothing_else_does() -> None:
    cells = build_plan(get_preset("quick"), Selection(kernels=["compute"]), cores=2)
    pairs = {(c.variant, c.executor) for c in cells}
    assert {(OMP, "serial"), (OMP, "omp")} <= pairs
    assert not {(OMP, "threads"), (OMP, "processes"), ("nogil", "omp"), ("gil", "omp")} & pairs


def test_without_dask_its_cells_are_skipped_with_the_reason() -> None:
    cells = [CellSpec("compute", "gil", e, None, 2) for e in ("threads", "dask-threads",
                                                              "dask-processes")]  # fmt: skip
    python = {"dask": {"available": False, "reason": "not installed here"}}
    keep, skipped = runnable(cells, python)
    assert [c.executor for c in keep] == ["threads"]
    assert skipped == [{"what": "Dask cells", "cells": 2, "reason": "not installed here"}]
    assert runnable(cells, {"dask": {"available": True}})[0] == cells
