"""Starting a new run (pylab.runner.start): its experiments, settings and level, the cells
an interpreter cannot run, and where its results file goes."""

from __future__ import annotations

import pytest

from pylab.base.errors import UserError
from pylab.experiments import MODULES
from pylab.measure.plan import Selection, build_plan
from pylab.measure.presets import get_preset
from pylab.runner.start import (
    check_level,
    plan_run,
    planned_experiments,
    results_path,
    say_skips,
    skip_cells,
)


def test_a_run_measures_the_claims_unless_it_runs_none() -> None:
    assert planned_experiments(Selection()) == list(MODULES)
    assert planned_experiments(Selection(only=["claims"])) == list(MODULES)
    assert planned_experiments(Selection(only=["scaling"])) == []


def test_overrides_change_only_what_they_name() -> None:
    overrides = {"repeats": 3, "level": None}  # None: the preset's
    preset, cells, settings = plan_run("quick", Selection(kernels=["io"]), overrides)
    assert preset.name == "quick" and {c.kernel for c in cells} == {"io"}
    assert settings.repeats == 3
    assert settings.level == preset.settings.level and settings.warmups == preset.settings.warmups
    with pytest.raises(UserError, match="did you mean 'tiny'"):
        plan_run("quick", Selection(), {"level": "tinny"})
    assert check_level("tiny") == "tiny"


def _records(subinterpreters: bool) -> dict:
    found = {"available": subinterpreters, "reason": "Python 3.11 has none"}
    python = {"version": "3.11.7", "subinterpreters": found}
    return {"3.11.7": {"python": python}}


def test_cells_an_interpreter_cannot_run_are_recorded_and_said(capsys) -> None:
    cells = build_plan(get_preset("quick"), Selection(kernels=["compute"], variants=["nogil"]), 2)
    records = _records(subinterpreters=False)
    (kept,) = skip_cells(cells, records)
    assert kept == [c for c in cells if c.executor != "interpreters"]
    (skip,) = records["3.11.7"]["skipped"]
    assert skip["what"] == "interpreters cells" and skip["cells"] == len(cells) - len(kept)
    say_skips(records)
    assert capsys.readouterr().err == (
        f"pylab: Python 3.11.7: {skip['cells']} interpreters cells skipped: Python 3.11 has none\n"
    )


def test_nothing_left_to_run_anywhere_is_the_users_error() -> None:
    only = build_plan(get_preset("quick"), Selection(kernels=["compute"],
                                                     executors=["interpreters"]), 2)  # fmt: skip
    with pytest.raises(UserError, match="nothing to run: interpreters cells skipped: Python 3.11"):
        skip_cells(only, _records(subinterpreters=False))
    assert skip_cells([], _records(subinterpreters=False)) == [[]]  # a claims-only run


def test_the_results_file_is_written_at_once_under_out(tmp_path) -> None:
    header = {"machine": {"hostname": "lab host"}, "cells": []}
    path = results_path(tmp_path / "out", header)
    assert path.parent == tmp_path / "out" and path.is_file() and " " not in path.name
    (tmp_path / "file").write_text("")
    with pytest.raises(UserError, match="cannot write results to"):
        results_path(tmp_path / "file" / "out", header)
