"""How each machine's lab ended (pylab.runner.fleet.dispatch): its answer turned into an
outcome, its file kept, and why it failed in one line."""

from __future__ import annotations

import json
from pathlib import Path

from pylab import results
from pylab.runner.fleet.discover import Machine, Worker
from pylab.runner.fleet.dispatch import FAILED, INTERRUPTED, MEASURED, PARTLY, received
from tests import DATA

MACHINE = Machine("machine-a", Worker("tcp://127.0.0.1:1", "machine-a", ("t", 1)))


def _answer(code: int, text: str | None = None, stderr: str = "") -> dict:
    return {"returncode": code, "text": text, "name": "20261203T000000Z-machine-a.json",
            "stderr": stderr}  # fmt: skip


def test_a_lab_that_measured_everything_has_its_file_and_csv_kept(tmp_path: Path) -> None:
    text = (DATA / "scaling_only.json").read_text()
    outcome = received(MACHINE, _answer(0, text), tmp_path)
    assert (outcome.status, outcome.reason, outcome.ok) == (MEASURED, "", True)
    assert outcome.path == tmp_path / "20261203T000000Z-machine-a.json"
    assert outcome.path.read_text() == text and outcome.path.with_suffix(".csv").is_file()
    assert outcome.results == results.load(outcome.path)


def test_a_lab_with_failed_cells_says_how_many(tmp_path: Path) -> None:
    data = json.loads((DATA / "scaling_only.json").read_text())
    data["cells"][0] |= {"ok": False, "error": "killed by SIGSEGV"}
    outcome = received(MACHINE, _answer(1, json.dumps(data)), tmp_path)
    assert outcome.status == PARTLY and not outcome.ok
    assert outcome.reason == f"1 of {len(data['cells'])} cells failed"


def test_a_lab_without_results_says_how_it_ended_and_its_last_words(tmp_path: Path) -> None:
    failed = received(MACHINE, _answer(2, stderr="starting\npylab: error: no such kernel\n\n"),
                      tmp_path)  # fmt: skip
    assert failed.status == FAILED and failed.path is None
    assert failed.reason == "the lab ended with exit status 2: pylab: error: no such kernel"
    killed = received(MACHINE, _answer(-9), tmp_path)
    assert killed.reason == "the lab ended with killed by SIGKILL"
    assert received(MACHINE, _answer(130), tmp_path).status == INTERRUPTED


def test_a_file_that_is_not_a_results_file_is_kept_for_a_look_and_fails(tmp_path: Path) -> None:
    outcome = received(MACHINE, _answer(0, '{"format": "other"}'), tmp_path)
    assert outcome.status == FAILED and outcome.reason.startswith("its results file is not valid")
    assert outcome.path.read_text() == '{"format": "other"}' and outcome.results is None
