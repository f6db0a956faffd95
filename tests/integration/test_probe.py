"""`pylab probe`, run as a user runs it: the JSON it writes, the Dask layout it prints,
a statement that cannot run in a process, and bad input one line and exit 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest


def test_the_cli_writes_the_json_keys(cli, tmp_path: Path) -> None:
    done = cli("probe", "zlib.compress(data)", "-s", "import zlib; data = bytes(1 << 20)",
               "--workers", "2", "--repeats", "3", "--json", "p.json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "p.json").read_text())
    for key in ("gil_share", "thread_speedup", "process_speedup", "predicted_thread_speedup",
                "recommendation", "reason", "thread_cpu_per_wall"):  # fmt: skip
        assert key in data
    assert 0 < data["thread_cpu_per_wall"]["2"] < 2.5  # two threads on one process's CPU
    assert set(data["gil_share"]) >= {"median", "low", "high"}
    assert set(data["thread_speedup"]["2"]) >= {"median", "low", "high"}
    assert data["recommendation"] in ("threads", "processes", "either", "neither")
    assert data["machine"]["usable_cores"] == data["cores"]
    assert data["pinning"]["env"]["OMP_NUM_THREADS"] == "1"
    assert "recommendation:" in done.stdout and "measured on" in done.stdout
    assert isinstance(data["warnings"], list)


def test_a_statement_that_cannot_run_in_a_process_still_gets_threads(cli) -> None:
    setup = "import multiprocessing as m; assert m.parent_process() is None, 'parent only'"
    done = cli("probe", "sum(range(20000))", "-s", setup, "--workers", "2", "--repeats", "3")
    assert done.returncode == 0, done.stderr
    assert "cannot run in a fresh process" in done.stdout and "parent only" in done.stdout
    assert "2   " in done.stdout  # the thread row is there


def test_a_setup_that_builds_less_work_in_a_process_is_flagged(cli) -> None:
    setup = "import multiprocessing as m; n = 10**5 if m.parent_process() is None else 10**4"
    done = cli("probe", "sum(range(n))", "-s", setup, "--workers", "2", "--repeats", "3")
    assert done.returncode == 0, done.stderr
    assert "warning: processes at W=2 ran" in done.stdout and "same work" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1 +"], "does not compile"),
        (["1/0"], "raised ZeroDivisionError"),
        (["pass"], "too fast to measure"),
        # succeeds at first, raises once measured: in the heartbeat or in a thread
        (
            [
                "time.sleep(1e-5); n[0] += 1; assert n[0] < 2500, 'worn out'",
                "-s",
                "import time; n = [0]",
            ],
            "raised AssertionError: worn out",
        ),
        (["x", "-s", "import nothing_here"], "the setup raised ModuleNotFoundError"),
        (["pass", "--start-method", "spwan"], "did you mean 'spawn'"),
        (["sum(range(1000))", "--workers", "1"], "needs a count of 2 or more"),
    ],
)
def test_probe_errors_are_one_line_and_exit_2(cli, args: list[str], message: str) -> None:
    done = cli("probe", *args)
    assert done.returncode == 2, done.stdout
    assert message in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


def test_the_cli_prints_the_layout_and_writes_it_to_json(cli, tmp_path: Path) -> None:
    done = cli("probe", "sum(range(3000))", "--dask", "--workers", "2", "--repeats", "1",
               "--json", "p.json")  # fmt: skip
    assert done.returncode == 0 and done.stderr == "", done.stderr
    data = json.loads((tmp_path / "p.json").read_text())
    layout = data["dask_layout"]
    found = re.search(r"^ +dask worker SCHEDULER --nworkers (\d+) --nthreads (\d+)$",
                      done.stdout, re.MULTILINE)  # fmt: skip
    assert found, done.stdout
    assert (int(found[1]), int(found[2])) == (layout["nworkers"], layout["nthreads"])
    assert layout["nworkers"] * layout["nthreads"] == data["cores"] == layout["cores"]
    assert f"dask reason   {layout['reason']}" in done.stdout
    lines = done.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("dask layout"))
    assert lines[first - 1].startswith("recommendation:")  # right after the recommendation
