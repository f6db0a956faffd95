"""The atlas results kind: its rows, a save and load round trip, its CSV, and the checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pylab import results as results_io
from pylab.base.errors import UserError
from pylab.results.schema import ATLAS_FORMAT
from tests.unit.results.atlas_made_up import IV, made_up


def test_a_row_carries_the_fields_the_issue_names() -> None:
    row = made_up()["atlas"][0]
    for key in ("library", "call", "python", "gil_share", "recommendation", "release_size",
                "payoff_size", "documented"):  # fmt: skip
        assert key in row
    assert row["ok"] and row["workers"] == 2 and row["thread_speedup"] == IV
    failed = made_up()["atlas"][1]
    assert not failed["ok"] and failed["error"] == "killed by SIGSEGV" and failed["sweep"]
    module = made_up()["modules"][0]
    assert set(module) >= {"module", "python", "gil_enabled_after_import", "subinterpreters"}


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "atlas.json"
    results_io.save(made_up(), path)
    assert results_io.load(path, atlas=True) == json.loads(json.dumps(made_up()))
    csv = path.with_suffix(".csv").read_text().splitlines()
    assert csv[0].startswith("library,call,python,ok,size,gil_share")
    assert len(csv) == 3 and "killed by SIGSEGV" in csv[2]


def test_commands_that_read_runs_refuse_an_atlas(tmp_path: Path) -> None:
    path = tmp_path / "atlas.json"
    results_io.save(made_up(), path)
    with pytest.raises(UserError, match="an atlas file"):
        results_io.load(path)


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        (lambda d: d.pop("atlas"), '"atlas" is not a list'),
        (lambda d: d["atlas"][0].pop("library"), "atlas row 0: 'library' missing"),
        (lambda d: d["modules"][0].update(module=3), "modules row 0: 'module' missing"),
        (lambda d: d.update(format_version=99), "written by a newer pylab"),
        (lambda d: d.pop("machine"), 'no "machine"'),
    ],
)
def test_a_malformed_atlas_is_one_error_line(tmp_path: Path, spoil, words: str) -> None:
    data = made_up()
    spoil(data)
    path = tmp_path / "atlas.json"
    path.write_text(json.dumps(data))
    assert data["format"] == ATLAS_FORMAT
    with pytest.raises(UserError) as caught:
        results_io.load(path, atlas=True)
    assert words in str(caught.value)
