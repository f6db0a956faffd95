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
from tests.unit.results import _sample


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


ATLASES = sorted(REFERENCE.glob("atlas-*.json"))  # the atlas kind: report and compare read it


@pytest.mark.parametrize("path", sorted(set(REFERENCE.glob("*.json")) - set(ATLASES)))
def test_committed_reference_runs_still_load_and_summarize(path: Path) -> None:
    from pylab.report import summary

    data = results.load(path)
    assert data["status"] == "complete" and data["cells"]
    assert "\n".join(summary.format_tables(data)).count("\n") >= 1


@pytest.mark.parametrize("path", ATLASES)
def test_committed_reference_atlases_still_load(path: Path) -> None:
    data = results.load(path, atlas=True)
    assert data["status"] == "complete" and data["atlas"]
    # module rows come from free-threaded interpreters only (a 3.11-only atlas has none)
    free = any(p["python"].get("free_threaded") for p in data["pythons"].values())
    assert bool(data["modules"]) == free


def test_an_interrupt_just_after_the_replace_goes_on_up(tmp_path, monkeypatch) -> None:
    import os

    from pylab.results import files

    real = os.replace

    def replace_then_interrupt(src, dst):
        real(src, dst)
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        files.atomic_write(tmp_path / "f.json", "{}")
    assert (tmp_path / "f.json").read_text() == "{}"
