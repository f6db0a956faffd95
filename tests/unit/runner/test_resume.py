"""Finishing an interrupted run (pylab.runner.resume): the same plan less the cells the
file holds, refused on another machine or build unless forced."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from pylab import results
from pylab.base.errors import UserError
from pylab.measure.plan import Selection, build_plan
from pylab.measure.presets import get_preset
from pylab.measure.settings import Settings
from pylab.runner.resume import part_left, plan_resume, setup_differences

SELECTION = Selection(kernels=["io"], variants=["nogil"], executors=["serial", "threads"],
                      workers=[2], only=["scaling"])  # fmt: skip
PYTHON = {
    "version": "3.11.7",
    "implementation": "cpython",
    "executable": "/py",
    "gil_enabled": True,
}
MACHINE = {"hostname": "a", "cpu_model": "c", "logical_cores": 2, "usable_cores": 2,
           "python": PYTHON}  # fmt: skip
BUILD = {"cython_version": "3.1.2"}
SETTINGS = Settings(repeats=2, max_time_s=0.0)


def _interrupted() -> dict:
    """A quick run of io/nogil (a serial cell, then threads at W=2) stopped after its first
    cell, as its file holds it."""
    planned = build_plan(get_preset("quick"), SELECTION, 2)
    first = planned[0].as_dict() | {"python": "3.11.7", "ok": True, "size": 123, "unit": "waits"}
    return {
        "preset": "quick", "settings": asdict(SETTINGS), "machine": MACHINE, "build": BUILD,
        "selection": {k: list(v) if v else None for k, v in asdict(SELECTION).items()},
        "pythons": {"3.11.7": results.python_record(PYTHON, BUILD, {"path": "/py"})},
        "cells": [first], "status": "interrupted",
    }  # fmt: skip


def test_what_is_left_is_the_plan_less_the_cells_held_with_their_sizes() -> None:
    parts, settings = plan_resume(_interrupted(), {"3.11.7": {"machine": MACHINE, "build": BUILD}},
                                  force=False)  # fmt: skip
    (part,) = parts
    assert settings == SETTINGS
    assert [(c.executor, c.workers) for c in part.cells] == [("threads", 2)]
    assert part.sizes == {("io", "nogil", (("wait_us", 1000),)): 123}  # calibrated: kept
    assert part.experiments == [] and part.error is None


def test_another_machine_is_refused_unless_forced() -> None:
    here = {"3.11.7": {"machine": MACHINE | {"hostname": "b"}, "build": BUILD}}
    with pytest.raises(
        UserError, match=r"another machine or build \(machine.hostname was 'a', is 'b'\); --force"
    ):
        plan_resume(_interrupted(), here, force=False)
    (part,), _ = plan_resume(_interrupted(), here, force=True)
    assert len(part.cells) == 1


def test_an_interpreter_that_cannot_run_now_fails_what_is_left_of_it() -> None:
    (part,), _ = plan_resume(_interrupted(), {"3.11.7": {"error": "its environment is gone"}},
                             force=False)  # fmt: skip
    assert part.error == "its environment is gone" and len(part.cells) == 1
    with pytest.raises(UserError, match="Python 3.11.7 of the file is not available"):
        plan_resume(_interrupted(), {}, force=False)


def test_differences_name_the_key_and_both_values() -> None:
    old = {"machine": MACHINE, "build": BUILD}
    assert setup_differences(old, MACHINE, BUILD) == []
    newer = MACHINE | {"python": PYTHON | {"version": "3.11.8"}}
    assert setup_differences(old, newer, {"cython_version": "3.1.3"}) == [
        "python.version was '3.11.7', is '3.11.8'",
        "build.cython_version was '3.1.2', is '3.1.3'",
    ]


def test_experiments_already_run_are_not_run_again() -> None:
    view = results.view(_interrupted(), "3.11.7") | {"experiments": {"identity": {"ok": True}}}
    part = part_left(view, [], ["identity", "startup"])
    assert part.experiments == ["startup"] and part.cells == []
