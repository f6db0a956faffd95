"""`pylab atlas` as a user runs it: a tiny atlas over two standard-library calls with
--only, its report and comparison, the faults (raises, wrong result, crash, hang, not
installed) failing only their rows, Ctrl-C keeping what was measured, and a malformed
catalogue as one error line. Nothing here asserts a measured speed."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FAULTS = '''
[[calls]]
library = "faults"
name = "raises"
call = "1 / 0"
setup = "pass"
sizes = [1, 2]

[[calls]]
library = "faults"
name = "wrong"
call = "sum(range(n))"
setup = "pass"
sizes = [10, 20]
check = "result == -1"

[[calls]]
library = "faults"
name = "crash"
call = "os.abort()"
setup = "import os"
sizes = [1, 2]

[[calls]]
library = "faults"
name = "hang"
call = "None"
setup = "import time; time.sleep(3600)"
sizes = [1, 2]

[[calls]]
library = "faults"
name = "absent"
call = "None"
setup = "pass"
sizes = [1, 2]
requires = ["no_such_module_for_pylab"]
'''


@pytest.fixture(scope="module")
def tiny_atlas(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    folder = tmp_path_factory.mktemp("atlas")
    done = subprocess.run(
        [sys.executable, "-m", "pylab", "atlas", "--only", "zlib/crc32,json/dumps",
         "--preset", "quick", "--out", str(folder)],
        cwd=folder, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return done, Path(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else folder


def test_a_tiny_atlas_writes_its_rows(tiny_atlas) -> None:
    done, path = tiny_atlas
    assert done.returncode == 0, done.stderr
    assert path.suffix == ".json" and path.with_suffix(".csv").is_file()
    assert "[1/2] zlib/crc32" in done.stderr and "[2/2] json/dumps" in done.stderr
    data = json.loads(path.read_text())
    assert data["format"] == "pylab-atlas" and data["status"] == "complete"
    # the machine looked at once, in the header, not in each call's child
    assert data["machine_state"]["usable_cores"] >= 1
    assert isinstance(data["machine_warnings"], list)
    assert [(r["library"], r["call"]) for r in data["atlas"]] == [("zlib", "crc32"),
                                                                   ("json", "dumps")]
    for row in data["atlas"]:
        assert row["ok"], row["error"]
        assert row["machine_warnings"] is None
        assert row["recommendation"] in ("threads", "processes", "either", "neither")
        assert {"median", "low", "high"} <= set(row["gil_share"])
        assert len(row["sweep"]) == 3 and row["documented"]["source"]
        # Read again while unsettled, up to three rounds; what stands was read in one.
        taken = [r["recommendation"] for r in row["rounds"]]
        assert 1 <= len(taken) <= 3 and row["recommendation"] in taken
        assert row["settled"] is (len(taken) < 3 or len(set(taken)) < 3)
        assert (len(taken) == 1) == (row["rounds"][0]["unsettled"] is None)
        for key in ("release_size", "payoff_size"):
            found = row[key]
            assert (found["size"] is None) == (found["reason"] is not None and
                                                found["bracket"] is None)  # fmt: skip
    assert data["modules"] == []  # no free-threaded interpreter asked for
    assert "free-threaded" in done.stderr


def test_report_and_compare_read_the_atlas(tiny_atlas, cli) -> None:
    _, path = tiny_atlas
    done = cli("report", str(path))
    assert done.returncode == 0, done.stderr
    report = Path(done.stdout.strip())
    assert report.is_file() and (report.parent / "plots" / "atlas-zlib.png").is_file()
    done = cli("compare", str(path), str(path))
    assert done.returncode == 0, done.stderr
    assert "2 of 2 calls measured in every run get the same recommendation" in done.stdout
    done = cli("export", str(path), "--pyperf", "x.json")
    assert done.returncode == 2 and "an atlas file" in done.stderr


def test_faults_fail_their_rows_and_the_atlas_goes_on(cli, tmp_path: Path) -> None:
    (tmp_path / "faults.toml").write_text(FAULTS)
    done = cli("atlas", "--catalogue", "faults.toml", "--preset", "quick", "--timeout", "5",
               "--out", "out")  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    path = tmp_path / done.stdout.splitlines()[-1]  # relative to the working folder
    rows = {r["call"]: r for r in json.loads(path.read_text())["atlas"]}
    assert "the call raised ZeroDivisionError" in rows["raises"]["error"]
    assert "WrongResult: result == -1 is false" in rows["wrong"]["error"]
    assert rows["crash"]["error"] == "killed by SIGABRT"
    assert rows["hang"]["error"] == "timed out after 5 s"
    assert rows["absent"]["skipped"].startswith("no_such_module_for_pylab is not installed")
    assert not any(r["ok"] for r in rows.values())


def test_ctrl_c_keeps_the_rows_measured(tmp_path: Path) -> None:
    (tmp_path / "faults.toml").write_text(FAULTS)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pylab", "atlas", "--catalogue", "faults.toml", "--only",
         "faults/raises,faults/hang", "--timeout", "120", "--out", str(out)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # as a terminal's run, whatever started pytest: a background job of a non-interactive
        # shell inherits SIGINT ignored, and Python then never sees it (as test_faults does)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        files = list(out.glob("*.json"))
        if files and json.loads(files[0].read_text() or "{}").get("atlas"):
            break
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    data = json.loads(Path(stdout.splitlines()[-1]).read_text())
    assert data["status"] == "interrupted"
    assert [r["call"] for r in data["atlas"]] == ["raises"]


def test_a_malformed_catalogue_is_one_error_line(cli, tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(FAULTS.replace('sizes = [10, 20]', 'sizes = "big"'))
    done = cli("atlas", "--catalogue", "bad.toml")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "pylab: error: bad.toml: entry 2 (faults/wrong): field 'sizes' must be list, not str"
    ]
