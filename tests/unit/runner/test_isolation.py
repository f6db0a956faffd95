"""Each piece of work in a child the lab can lose (pylab.runner.isolation): a crash or a
hang fails that cell only, the cells after it run in a new child, an experiment that
fails or hangs says why. The measuring itself is stubbed (the forked child inherits the
stub): the isolation is under test, not the kernels."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import types

from pylab.measure.plan import CellSpec
from pylab.measure.settings import Settings
from pylab.runner import child
from pylab.runner.isolation import measure_group, run_experiment

SPECS = [CellSpec("compute", "nogil", e, m, 2) for e, m in
         (("threads", None), ("processes", "fork"), ("threads", None))]  # fmt: skip
SETTINGS = Settings(repeats=2, max_time_s=0.0, timeout_s=60.0)


def _measured(spec: CellSpec, size: int, settings: Settings) -> dict:
    if spec.executor == "processes":
        # as a segfaulting kernel would, it takes the whole child down (SIGKILL, which
        # pytest's faulthandler, inherited by the forked child, does not report)
        os.kill(os.getpid(), signal.SIGKILL)
    if spec.workers == 3:
        time.sleep(60)  # hangs
    return {"executor": spec.executor, "workers": spec.workers, "size": size, "ok": True}


def _group(monkeypatch, specs: list[CellSpec], settings: Settings) -> tuple[list, list]:
    monkeypatch.setattr(child, "calibrate", lambda *work: 1_000)
    monkeypatch.setattr(child, "measure_cell", _measured)
    started, done = [], []
    measure_group(specs, None, settings, started.append, done.append)
    return started, done


def test_a_crash_fails_its_cell_and_the_next_cells_run_in_a_new_child(monkeypatch) -> None:
    started, done = _group(monkeypatch, SPECS, SETTINGS)
    assert started == SPECS
    ok, crashed, after = done
    assert ok == {"executor": "threads", "workers": 2, "size": 1_000, "ok": True}
    assert (crashed["ok"], crashed["error"], crashed["size"]) == (False, "killed by SIGKILL", 1_000)
    assert (crashed["executor"], crashed["start_method"]) == ("processes", "fork")
    assert after == ok  # in a new child, given the size: not calibrated again


def test_a_hang_fails_its_cell_at_the_deadline(monkeypatch) -> None:
    hang = CellSpec("compute", "nogil", "threads", None, 3)
    began = time.monotonic()
    # the deadline also bounds the next child's start: room for a fork on a busy machine
    _, (hung, after) = _group(monkeypatch, [hang, SPECS[0]], Settings(timeout_s=1.5))
    assert time.monotonic() - began < 10
    assert not hung["ok"] and hung["error"] == "timed out after 1.5 s"
    assert after["ok"]


def test_a_calibration_that_fails_fails_every_cell_of_its_work(monkeypatch) -> None:
    def calibrate(*work):
        raise RuntimeError("boom")

    monkeypatch.setattr(child, "calibrate", calibrate)
    done: list = []
    measure_group(SPECS[:2], None, SETTINGS, lambda spec: None, done.append)
    assert [(c["ok"], c["error"], c["size"]) for c in done] == [
        (False, "calibration failed: RuntimeError: boom", None)] * 2  # fmt: skip


def test_an_experiment_that_fails_or_hangs_has_a_record_that_says_why(monkeypatch) -> None:
    failed = run_experiment("nope", "tiny", [], 60.0)
    assert not failed["ok"] and failed["error"].startswith("UserError: unknown experiment")
    slow = types.SimpleNamespace(measure=lambda level, cells: time.sleep(60))
    monkeypatch.setattr(child.experiments, "get", lambda name: slow)
    hung = run_experiment("identity", "tiny", [], 0.5)
    assert not hung["ok"] and hung["error"] == "timed out after 0.5 s"
    done = types.SimpleNamespace(measure=lambda level, cells: {"level": level.name})
    monkeypatch.setattr(child.experiments, "get", lambda name: done)
    record = run_experiment("identity", "tiny", [], 60.0)
    assert record["ok"] and record["data"] == {"level": "tiny"}


FORKSERVER_THEN_CHILD = """
import multiprocessing, os
from pylab.runner.isolation import run_experiment
if __name__ == "__main__":
    server = multiprocessing.get_context("forkserver").Process(target=os.getpid)
    server.start()
    server.join()
    record = run_experiment("identity", "tiny", [], 600.0, None)  # its pools use forkserver
    print(record["ok"], record.get("error"))
"""


def test_a_child_forked_after_the_parent_ran_a_forkserver_starts_its_own() -> None:
    # In a fresh process, so the forkserver this starts does not outlive the test; an
    # experiment measured on its own, not read from the claims run, whose parent never ran
    # a forkserver. Without the fix, identity fails as startup did: ChildProcessError.
    done = subprocess.run(
        [sys.executable, "-c", FORKSERVER_THEN_CHILD], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "True", done.stdout
