"""A whole lab run (pylab.runner.lab): a calibration that fails fails its cells and the
run goes on; the time bank shares what quick cells leave."""

from __future__ import annotations

import pytest

from pylab.measure.plan import CellSpec
from pylab.measure.settings import Settings


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
