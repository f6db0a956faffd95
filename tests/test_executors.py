"""Every executor returns the same checked result; processes work with each start method."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from pylab.errors import UserError
from pylab.executors import make_executor
from pylab.machine import gil_enabled
from pylab.measure import expected, measure_cell
from pylab.plan import CellSpec
from pylab.settings import Settings
from pylab.worker import Job

JOB = Job("compute", "nogil", 100_003)
METHODS = [
    m for m in ("fork", "forkserver", "spawn") if m in multiprocessing.get_all_start_methods()
]
SETUPS = [("serial", None, 1), ("threads", None, 1), ("threads", None, 3)] + [
    ("processes", m, 2) for m in METHODS
]


@pytest.mark.parametrize(("kind", "method", "workers"), SETUPS)
def test_executor_returns_the_reference(kind: str, method: str | None, workers: int) -> None:
    with make_executor(kind, workers, method) as executor:
        run = executor.run(JOB)
        seen = executor.identify()
    assert run.value == expected(JOB.kernel, JOB.size, JOB.params)
    assert len(run.parts) == workers
    assert run.wall_s > 0 and run.cpu_s >= 0
    pids = {w.pid for w in seen}
    if kind == "processes":
        assert len(pids) == workers and os.getpid() not in pids
    else:
        assert pids == {os.getpid()}
        assert len({w.thread_id for w in seen}) == workers


def test_process_pool_runs_python_kernels_in_every_part() -> None:
    job = Job("objects", "py", 5_000)
    with make_executor("processes", 3, "fork") as executor:
        run = executor.run(job)
    assert run.value == expected(job.kernel, job.size, job.params)
    assert len({p.pid for p in run.parts}) == 3


def test_unknown_executor_and_start_method_are_user_errors() -> None:
    with pytest.raises(UserError, match="did you mean 'threads'"):
        make_executor("thread", 2)
    with pytest.raises(UserError, match="start method"):
        make_executor("processes", 2, "forx")


def test_measure_cell_records_samples_and_intervals() -> None:
    spec = CellSpec("compute", "nogil", "threads", None, 2)
    cell = measure_cell(spec, 200_000, Settings(repeats=3, warmups=1))
    assert cell["ok"], cell["error"]
    assert len(cell["samples"]["serial_s"]) == len(cell["samples"]["parallel_s"]) == 3
    s = cell["speedup"]
    assert s["low"] <= s["median"] <= s["high"]
    assert cell["workers_seen"] == {"pids": 1, "threads": 2, "gil_enabled": [gil_enabled()]}


def test_a_wrong_result_fails_the_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pylab.measure.expected", lambda *key: -1)
    spec = CellSpec("compute", "nogil", "threads", None, 2)
    cell = measure_cell(spec, 10_000, Settings(repeats=2))
    assert not cell["ok"]
    assert "WrongResult" in cell["error"] and "speedup" not in cell


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
    monkeypatch.setattr("pylab.runner.isolation.calibrate", calibrate)
    cells = [
        CellSpec("io", "nogil", "threads", None, 2),
        CellSpec("compute", "nogil", "threads", None, 2),
    ]
    here = {"x": python_record({}, {}, {"path": "python"})}
    results = {"status": "running", "load": {}, "cells": [], "machine": {"usable_cores": 2},
               "pythons": here}  # fmt: skip
    parts = [Part("x", None, cells, [])]
    run_lab(LabRun(results, parts, Settings(repeats=2), tmp_path / "r.json"))
    io, compute = results["cells"]
    assert not io["ok"] and io["error"] == "calibration failed: RuntimeError: boom"
    assert compute["ok"] and results["status"] == "complete"


def test_pylab_kernels_is_reachable_as_an_attribute() -> None:
    import pylab

    assert pylab.kernels.get("compute").name == "compute"
