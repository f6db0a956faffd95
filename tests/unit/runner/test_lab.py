"""A whole lab run (pylab.runner.lab): a calibration that fails fails its cells and the
run goes on; the time bank shares what quick cells leave."""

from __future__ import annotations

import json

import pytest

from pylab.measure.plan import CellSpec
from pylab.measure.settings import Settings
from pylab.runner.lab import spoiled, to_retake


def test_a_failing_calibration_fails_its_cells_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from pylab.results import python_record
    from pylab.runner import LabRun, Part, run_lab

    def calibrate(kernel, *rest):
        if kernel == "io":
            raise RuntimeError("boom")
        return 1_000

    # Each work is measured in a forked child, which inherits this patch.
    monkeypatch.setattr("pylab.runner.child.calibrate", calibrate)
    cells = [
        CellSpec("io", "nogil", "threads", None, 2),
        CellSpec("compute", "nogil", "threads", None, 2),
    ]
    here = {"x": python_record({}, {}, {"path": "python"})}
    results = {"status": "running", "load": {}, "cells": [], "machine": {"usable_cores": 2},
               "pythons": here}  # fmt: skip
    parts = [Part("x", None, cells, [])]
    run_lab(LabRun(results, parts, Settings(repeats=2, max_time_s=0), tmp_path / "r.json"))
    io, compute = results["cells"]
    assert not io["ok"] and io["error"] == "calibration failed: RuntimeError: boom"
    assert compute["ok"] and results["status"] == "complete"


def test_time_left_by_quick_cells_goes_to_later_ones_at_most_doubling_them() -> None:
    from pylab.runner.lab import TimeBank

    bank = TimeBank(2.0, cells=4)
    assert bank.allowance() == 2.0
    bank.spend(2.0, 0.5)  # precise early: 1.5 s saved, over the 3 cells left
    assert bank.allowance() == 2.5
    bank.spend(2.5, 2.5)  # took its share
    assert bank.allowance() == 2.5
    bank.spend(2.5, 9.0)  # in the books a cell never uses more than it was allowed
    assert bank.allowance() == 2.5  # 0.5 s saved, for the last cell
    assert TimeBank(0.0, 3).allowance() == 0.0  # --max-time 0: exactly --repeats pairs
    big = TimeBank(1.0, 2)
    big.spend(1.0, 0.0)
    assert big.allowance() == 2.0  # at most twice the base


def test_a_cell_is_labelled_by_its_work_where_it_ran_and_its_workers() -> None:
    from pylab.runner.lab import cell_label

    spec = CellSpec("amdahl", "mixed", "processes", "fork", 2, (("gil_share", 0.5),))
    assert cell_label(spec) == "amdahl/mixed gil_share=0.5 processes/fork W=2"
    assert cell_label(CellSpec("compute", "nogil", "threads", None, 4)) == (
        "compute/nogil threads W=4"
    )


def test_an_interpreter_that_cannot_run_fails_its_cells_and_experiments_with_the_reason(
    tmp_path,
) -> None:
    """Its environment failed to build: nothing is started, everything of it fails so, the
    file is complete, and its claims are not measured, never guessed."""
    from pylab import results as results_io
    from pylab.experiments import NOT_MEASURED
    from pylab.runner import LabRun, Part, run_lab

    why = "Python 3.12.99: building its environment failed"
    here = {"3.12.99": results_io.python_record({}, {}, {"path": "python"}, why)}
    results = {"status": "running", "load": {}, "cells": [], "machine": {"usable_cores": 2},
               "pythons": here}  # fmt: skip
    cells = [
        CellSpec("io", "nogil", "threads", None, 2),
        CellSpec("io", "nogil", "serial", None, 1),
    ]
    part = Part("3.12.99", None, cells, ["identity"], error=why)
    run = LabRun(results, [part], Settings(), tmp_path / "r.json")
    progress: list[str] = []
    run_lab(run, lambda step, label: progress.append(f"{step} {label}"))
    assert progress == ["0 io/nogil threads W=2", "1 io/nogil serial W=1", "2 experiment identity"]
    assert [(c["ok"], c["error"], c["python"]) for c in results["cells"]] == [
        (False, why, "3.12.99")] * 2  # fmt: skip
    record = results["pythons"]["3.12.99"]
    assert record["experiments"]["identity"]["error"] == why
    assert record["claims"]["C01"]["verdict"] == NOT_MEASURED
    assert results["status"] == "complete"
    assert json.loads((tmp_path / "r.json").read_text()) == results  # saved as it went


def test_spoiled_is_a_measured_cell_that_used_disturbed_pairs() -> None:
    assert spoiled({"ok": True, "interference": {"used_disturbed": True}})
    assert not spoiled({"ok": True, "interference": {"used_disturbed": False}})
    assert not spoiled({"ok": False, "interference": {"used_disturbed": True}})
    assert not spoiled({"ok": True})  # a file from before the interference accounting


def test_spoiled_cells_are_retaken_first_then_noisy_ones() -> None:
    disturbed = {"ok": True, "noisy": True, "interference": {"used_disturbed": True}}
    short = {"ok": True, "interference": {"capacity": {"short": True}}}
    noisy = {"ok": True, "noisy": True, "interference": {"used_disturbed": False}}
    assert to_retake(disturbed) == to_retake(short) == 0
    assert to_retake(noisy) == 1
    assert to_retake({"ok": True, "noisy": False}) is None
    assert to_retake({"ok": False, "noisy": True}) is None  # a failed cell is not retaken
