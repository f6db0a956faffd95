"""`run --python`: one plan on several interpreters, one results file, each interpreter's
cells in children of its own environment; resume, build failures, free-threading and its
single-thread overhead. Interpreters this machine lacks skip with the reason (fail under
CI=true: tests.no_interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pylab import results
from pylab.pythons import discovery
from tests import REPO, no_interpreter


def _found(free_threaded: bool) -> list[discovery.Python]:
    this = "{}.{}.".format(*sys.version_info[:2])
    return [p for p in discovery.discover() if p.usable and p.free_threaded == free_threaded
            and not (not free_threaded and p.version.startswith(this))]  # fmt: skip


@pytest.fixture(scope="module")
def tiny(tiny_args) -> list[str]:
    """The tiny run of compute, serial and in threads, each test narrows further."""
    return tiny_args("--kernels", "compute", "--executors", "serial,threads")


def _run(
    cli, tiny: list[str], out: Path, *args: str, cwd: Path | None = None
) -> tuple[object, dict, Path]:
    if cwd is not None:  # from the checkout: its pylab, built for this Python, must not leak
        command = [sys.executable, "-m", "pylab", "run", *tiny, *args, "--out", str(out)]
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=1500)
    else:
        done = cli("run", *tiny, *args, "--out", str(out), timeout=1500)
    path = Path(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else None
    data = results.load(path) if path and path.suffix == ".json" else {}
    return done, data, path


def test_a_failed_environment_fails_its_cells_and_the_others_run(
    cli, tmp_path: Path, fake_python: Path, tiny: list[str]
) -> None:
    fake = fake_python
    chosen = f"{sys.executable},{fake}"
    done, data, path = _run(cli, tiny, tmp_path, "--variants", "nogil", "--python", chosen,
                            "--envs", str(tmp_path / "envs"), "--no-report")  # fmt: skip
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("pylab: error:")]
    assert len(errors) == 1 and "Python 3.12.99: building its environment failed" in errors[0]
    here, fake_id = list(data["pythons"])
    assert data["pythons"][fake_id]["error"] and fake_id == "3.12.99"
    mine = [c for c in data["cells"] if c["python"] == here]
    failed = [c for c in data["cells"] if c["python"] == fake_id]
    assert mine and all(c["ok"] for c in mine)
    assert failed and all(not c["ok"] and "building its environment" in c["error"] for c in failed)

    raw = json.loads(path.read_text())  # interrupted: each interpreter lost its last cell
    raw["cells"] = mine[:-1] + failed[:-1]
    raw["status"] = "interrupted"
    path.write_text(json.dumps(raw))
    resumed = cli("run", "--resume", str(path), "--envs", str(tmp_path / "envs"), "-q",
                  "--no-report")  # fmt: skip
    assert resumed.returncode == 1, resumed.stderr  # the fake's cell failed again
    again = results.load(path)
    assert again["status"] == "complete" and len(again["cells"]) == len(data["cells"])
    assert again["cells"][-2]["ok"] and again["cells"][-2]["python"] == here
    assert not again["cells"][-1]["ok"] and again["cells"][-1]["python"] == fake_id


@pytest.mark.slow
def test_two_interpreters_in_one_file_that_resumes_both(
    cli, tmp_path: Path, environments, other_python, tiny: list[str]
) -> None:
    other = other_python
    shared_envs = environments.root_for(other)  # the session's: its environment built once
    chosen = f"{sys.executable},{other.path}"
    done, data, path = _run(cli, tiny, tmp_path, "--variants", "nogil", "--python", chosen,
                            "--envs", str(shared_envs), "--executors", "serial,processes",
                            "--start-methods", "spawn", cwd=REPO)  # fmt: skip
    assert done.returncode == 0, done.stderr
    here, there = list(data["pythons"])
    assert there == other.name and data["pythons"][there]["python"]["version"] == other.version
    assert data["pythons"][there]["interpreter"]["environment"].startswith(str(shared_envs))
    assert {c["python"] for c in data["cells"]} == {here, there}
    assert f"== Python {other.version} (GIL build)" in done.stdout
    assert "GIL build vs free-threaded" in (path.with_suffix("") / "report.md").read_text()

    raw = json.loads(path.read_text())  # interrupted after the first of the other's cells
    kept = [c for c in raw["cells"] if c["python"] == here]
    raw["cells"] = kept + [c for c in raw["cells"] if c["python"] == there][:1]
    raw["status"] = "interrupted"
    path.write_text(json.dumps(raw))
    resumed = cli("run", "--resume", str(path), "--envs", str(shared_envs), "-q", timeout=900)
    assert resumed.returncode == 0, resumed.stderr
    again = results.load(path)
    assert again["status"] == "complete"
    assert sorted((c["python"], c["executor"]) for c in again["cells"]) == sorted(
        (c["python"], c["executor"]) for c in data["cells"]
    )


@pytest.fixture(scope="module")
def free_threaded(tmp_path_factory, environments, tiny: list[str]) -> tuple[object, dict]:
    """A free-threaded interpreter, and its GIL twin where there is one, run together."""
    found = _found(free_threaded=True)
    if not found:
        no_interpreter("no free-threaded CPython here (`pyenv install 3.13t` or "
                       "`uv python install 3.14t`; "
                       "docs/interpreters.md: Getting interpreters)")  # fmt: skip
    ft = found[-1]
    twins = [p for p in _found(free_threaded=False) if p.version == ft.version]
    chosen = ",".join(p.path for p in [ft, *twins[:1]])
    shared_envs = environments.root_for(ft, *twins[:1])  # the session's, each built once
    out = tmp_path_factory.mktemp("ft")
    done, data, _ = _run(None, tiny, out, "--variants", "gil,py", "--python", chosen, "--envs",
                         str(shared_envs), "--no-report", cwd=REPO)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done, data


@pytest.mark.slow
def test_free_threaded_cells_ran_without_the_gil(free_threaded) -> None:
    done, data = free_threaded
    ft = next(pid for pid, r in data["pythons"].items() if r["python"]["free_threaded_build"])
    assert data["pythons"][ft]["python"]["gil_enabled"] is False
    cells = [c for c in data["cells"] if c["python"] == ft and c["executor"] == "threads"]
    assert cells and all(c["ok"] for c in cells)
    assert all(c["workers_seen"]["gil_enabled"] == [False] for c in cells)
    assert "ran with the GIL enabled" not in done.stderr


@pytest.mark.slow
def test_the_overhead_of_free_threading_is_measured_against_its_gil_twin(free_threaded) -> None:
    _, data = free_threaded
    if len(data["pythons"]) < 2:
        no_interpreter("no GIL build of the free-threaded interpreter's version here "
                       "(e.g. `pyenv install 3.13` beside 3.13t)")  # fmt: skip
    (entry,) = data["overhead"]
    assert entry["complete"] and entry["free_threaded"].endswith("t")
    assert {w["variant"] for w in entry["works"]} == {"gil", "py"}
    for work in entry["works"]:
        assert work["ok"], work["error"]
        ratio, samples = work["ratio"], work["samples"]
        assert 0 < ratio["low"] <= ratio["median"] <= ratio["high"]
        assert len(samples["free_threaded_s"]) == len(samples["gil_s"]) == 2
        memory = work["memory"]  # each serial run's peak RSS, in both children
        assert 0 < memory["ratio"]["low"] <= memory["ratio"]["median"] <= memory["ratio"]["high"]
        assert memory["free_threaded_peak_bytes"] > 1 << 20 and memory["gil_peak_bytes"] > 1 << 20
