"""The jobs a measuring child does (pylab.runner.child): each a JSON object, done by
run_job, reported in messages; here in this process, the measuring itself stubbed where
only the protocol is under test."""

from __future__ import annotations

import json
import sys
import types

import pytest

from pylab.measure.plan import CellSpec
from pylab.measure.settings import Settings
from pylab.runner import child

SPECS = [
    CellSpec("amdahl", "mixed", "threads", None, 2, (("gil_share", 0.5),)),
    CellSpec("amdahl", "mixed", "processes", "fork", 2, (("gil_share", 0.5),)),
]
SETTINGS = Settings(repeats=2, max_time_s=0.0, min_time_s=0.02, timeout_s=3.0)


def _messages(job: dict) -> list[dict]:
    """The messages `job` sends, each through JSON as a pipe carries it."""
    sent: list[dict] = []
    child.run_job(json.loads(json.dumps(job)), lambda m: sent.append(json.loads(json.dumps(m))))
    return sent


def test_a_cells_job_is_json_and_gives_back_the_same_cells_and_settings() -> None:
    job = json.loads(json.dumps(child.cells_job(SPECS, 1_000, SETTINGS)))
    assert job["job"] == "cells" and job["size"] == 1_000
    assert [child.cell_spec(c) for c in job["cells"]] == SPECS
    assert Settings(**job["settings"]) == SETTINGS


def test_cells_are_calibrated_once_then_each_announced_and_reported(monkeypatch) -> None:
    calibrated: list[tuple] = []

    def calibrate(*work):
        calibrated.append(work)
        return 4_321

    def measure_cell(spec, size, settings):
        return {"workers": spec.workers, "executor": spec.executor, "size": size}

    monkeypatch.setattr(child, "calibrate", calibrate)
    monkeypatch.setattr(child, "measure_cell", measure_cell)
    sent = _messages(child.cells_job(SPECS, None, SETTINGS))
    assert calibrated == [("amdahl", "mixed", (("gil_share", 0.5),), 0.02)]
    assert sent == [
        {"size": 4_321},
        {"start": 0}, {"cell": {"workers": 2, "executor": "threads", "size": 4_321}},
        {"start": 1}, {"cell": {"workers": 2, "executor": "processes", "size": 4_321}},
    ]  # fmt: skip
    calibrated.clear()
    assert _messages(child.cells_job(SPECS[:1], 99, SETTINGS))[0] == {"start": 0}  # size known
    assert calibrated == []


def test_a_calibration_that_fails_is_one_message_and_no_cell(monkeypatch) -> None:
    def calibrate(*work):
        raise RuntimeError("boom")

    monkeypatch.setattr(child, "calibrate", calibrate)
    assert _messages(child.cells_job(SPECS, None, SETTINGS)) == [
        {"calibration_error": "RuntimeError: boom"}
    ]


def test_an_experiment_sends_its_data_and_the_load_beside_it(monkeypatch) -> None:
    given: list = []

    def measure(level, cells):
        given.append((level.name, cells))
        return {"found": [1, 2]}

    fake = types.SimpleNamespace(measure=measure)
    monkeypatch.setattr(child.experiments, "get", lambda name: fake)
    (message,) = _messages(child.experiment_job("identity", "tiny", [{"kernel": "x"}]))
    assert given == [("tiny", [{"kernel": "x"}])]
    assert message["data"] == {"found": [1, 2]} and message["background_cores"] >= 0


def test_an_experiment_that_fails_or_does_not_exist_says_why() -> None:
    (message,) = _messages(child.experiment_job("nope", "tiny", []))
    assert message == {"error": message["error"]}
    assert message["error"].startswith("UserError: unknown experiment 'nope'")


def test_describe_gives_this_interpreters_python_and_build_blocks() -> None:
    (message,) = _messages({"job": "describe"})
    assert set(message) == {"python", "build"}
    assert message["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    assert message["build"]["cython_version"] != "unknown"


def test_an_unknown_job_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown job 'bake'"):
        child.run_job({"job": "bake"}, print)
