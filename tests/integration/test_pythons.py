"""Other interpreters, through the real CLI: `pylab pythons` lists them; an environment is
built once and reused; a build that fails is one error line for that interpreter while the
others run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def test_pythons_command_lists_this_one(cli) -> None:
    done = cli("pythons", "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found[0]["source"] == "current" and found[0]["build"] in ("GIL", "free-threaded")
    table = cli("pythons")
    assert table.stdout.splitlines()[0].split()[:2] == ["python", "build"]


def test_a_failed_build_names_the_interpreter_and_log_and_the_others_run(
    cli, tmp_path: Path, fake_python: Path
) -> None:
    fake = fake_python
    out = tmp_path / "probe.json"
    done = cli(
        "probe", "time.sleep(0.002)", "-s", "import time", "--workers", "2", "--repeats", "1",
        "--python", f"{fake},{sys.executable}", "--envs", str(tmp_path / "envs"),
        "--json", str(out),
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    (error,) = [line for line in done.stderr.splitlines() if line.startswith("pylab: error:")]
    assert "Python 3.12.99: building its environment failed" in error and ".log" in error
    log = Path(error.split("see ")[-1])
    assert log.is_file() and "-m venv" in log.read_text()
    (record,) = json.loads(out.read_text())  # the other interpreter still ran
    assert record["python"]["path"] == sys.executable and record["recommendation"]


@pytest.mark.slow
def test_an_environment_is_built_once_and_then_reused(cli, environments, other_python) -> None:
    """Another GIL build from pyenv (3.12 or 3.13): built by the session's first command
    under it, then reused (as every other test under it reuses it: conftest.environments)."""
    python = other_python
    first = environments.first(python)
    assert first.returncode == 0, first.stderr
    assert "environment built at" in first.stderr and f"Python {python.name}" in first.stdout
    second = cli(*environments.probe_args(python), timeout=300)
    assert second.returncode == 0 and "environment reused at" in second.stderr


def test_an_environment_has_the_dask_extra_where_its_wheels_exist(
    subinterpreter_python: Path, tmp_path: Path
) -> None:
    """The session's 3.13 environment (GIL build: distributed and gilknocker have wheels)."""
    check = "from pylab.base import extras; import gilknocker; print(extras.why_no_dask())"
    done = subprocess.run([str(subinterpreter_python), "-c", check], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "None", done.stderr
