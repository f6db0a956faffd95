"""Results files (pylab.results.files): they round-trip with their CSV, are written
atomically and never over another run, and a missing or cut file is one clear error."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pylab import results
from pylab.base.errors import UserError
from tests import REFERENCE


def _sample() -> dict:
    return {
        "format": results.FORMAT,
        "format_version": results.FORMAT_VERSION,
        "status": "complete",
        "machine": {"usable_cores": 2},
        "cells": [
            {
                "kernel": "compute", "variant": "nogil", "executor": "threads",
                "python": "3.11.7", "start_method": None, "workers": 2, "params": {}, "size": 10,
                "unit": "iterations",
                "ok": True, "error": None, "noisy": False,
                "samples": {"serial_s": [0.2, 0.21], "parallel_s": [0.1, 0.11]},
                "speedup": {"median": 1.95, "low": 1.9, "high": 2.0, "confidence": 0.5},
                "cpu_per_wall": {"median": 1.9, "low": 1.8, "high": 2.0, "confidence": 0.5},
            },
            {"kernel": "io", "variant": "gil", "executor": "processes", "start_method": "fork",
             "workers": 2, "params": {"wait_us": 1000}, "ok": False, "error": "WrongResult: x",
             "python": "3.11.7"},
        ],
        "pythons": {"3.11.7": results.python_record({"version": "3.11.7"}, {}, {"path": "py"})},
    }  # fmt: skip


def test_round_trip_and_csv(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    results.save(_sample(), path)
    assert results.load(path) == _sample()
    rows = list(csv.DictReader(path.with_suffix(".csv").open()))
    assert [r["kernel"] for r in rows] == ["compute", "io"]
    assert rows[0]["speedup"] == "1.95" and rows[1]["error"] == "WrongResult: x"
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left no temporary file


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such results file"):
        results.load(tmp_path / "nope.json")


def test_truncated_real_file_is_a_user_error(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    results.save(_sample(), path)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(UserError, match="not valid JSON"):
        results.load(path)


def test_default_path_is_safe_for_any_hostname(tmp_path: Path) -> None:
    when = results.utc_now()
    path = results.default_path(tmp_path, "a b/c", when)
    assert path.parent == tmp_path and "/" not in path.name and " " not in path.name
    assert json.dumps(str(path))


def test_default_path_never_overwrites_a_run(tmp_path: Path) -> None:
    when = results.utc_now()
    first = results.default_path(tmp_path, "host", when)
    results.save(_sample(), first)
    second = results.default_path(tmp_path, "host", when)
    assert second != first and second.name.endswith("-2.json")


@pytest.mark.parametrize("path", sorted(REFERENCE.glob("*.json")))
def test_committed_reference_runs_still_load_and_summarize(path: Path) -> None:
    from pylab.report import summary

    data = results.load(path)
    assert data["status"] == "complete" and data["cells"]
    assert "\n".join(summary.format_tables(data)).count("\n") >= 1
