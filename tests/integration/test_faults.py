"""Crashes, hangs, interrupts and bad input, driven through the real CLI.

A run always ends cleanly, keeps every finished cell, and says what went wrong.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

import pylab
from pylab import results
from pylab.host.machine import machine_info, usable_cores
from pylab.measure.plan import Selection, build_plan, runnable
from pylab.measure.presets import get_preset


def _cells(path: Path) -> dict[tuple[str, str], dict]:
    return {(c["variant"], c["executor"]): c for c in results.load(path)["cells"]}


def _strays(tmp_path: Path) -> list[psutil.Process]:
    """Processes still running whose command line names this test's folder."""
    strays = []
    for proc in psutil.process_iter(["cmdline"]):
        if any(str(tmp_path) in part for part in proc.info["cmdline"] or []):
            strays.append(proc)
    return strays


def _results_file(done: subprocess.CompletedProcess, cwd: Path) -> Path:
    return cwd / done.stdout.strip().splitlines()[-1]


def test_crashes_and_hangs_fail_their_cells_and_the_run_goes_on(
    cli, tmp_path: Path, tiny_args
) -> None:
    done = cli("run", *tiny_args(
        "--kernels", "compute,faults",
        "--variants", "nogil,segfault,abort,raise,hang_gil,hang_nogil,wrong",
        "--executors", "threads", "--timeout", "3", "--out", str(tmp_path / "out"),
    ))  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    cells = _cells(_results_file(done, tmp_path))
    assert cells["nogil", "threads"]["ok"]
    assert cells["nogil", "threads"]["speedup"]["median"] > 0
    errors = {variant: cell["error"] for (variant, _), cell in cells.items() if not cell["ok"]}
    assert errors == {
        "segfault": "killed by SIGSEGV",
        "abort": "killed by SIGABRT",
        "raise": "RuntimeError: faults/raise: a deliberate exception",
        "hang_gil": "timed out after 3 s",
        "hang_nogil": "timed out after 3 s",
        "wrong": "WrongResult: serial returned 1, expected 0",
    }
    assert not _strays(tmp_path)


def test_faults_in_pool_processes_and_threads(cli, tmp_path: Path, tiny_args) -> None:
    done = cli("run", *tiny_args(
        "--kernels", "faults", "--variants", "segfault,hang_nogil",
        "--executors", "threads,processes", "--timeout", "3",
        "--param", "when=parallel", "--out", str(tmp_path / "out"),
    ))  # fmt: skip
    assert done.returncode == 1, done.stderr
    cells = _cells(_results_file(done, tmp_path))
    assert cells["segfault", "threads"]["error"] == "killed by SIGSEGV"
    broken = cells["segfault", "processes"]["error"]
    assert broken.startswith("BrokenProcessPool") and "SIGSEGV" in broken
    assert cells["hang_nogil", "threads"]["error"] == "timed out after 3 s"
    assert cells["hang_nogil", "processes"]["error"] == "timed out after 3 s"
    assert not _strays(tmp_path)


@pytest.fixture
def start():
    """Starts `python -m pylab ARGS` in a process group of its own; a test that fails
    before the run ends leaves no run behind (a hung kernel would spin on a core and
    slow every timing after it)."""
    started: list[subprocess.Popen] = []

    def run(args: list[str], cwd: Path) -> subprocess.Popen:
        started.append(subprocess.Popen(
            [sys.executable, "-m", "pylab", *args],
            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True,  # a terminal's Ctrl-C reaches the whole process group
            # as a terminal's run, whatever started pytest: a background job of a
            # non-interactive shell inherits SIGINT ignored, and Python then never sees it
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        ))  # fmt: skip
        return started[-1]

    yield run
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()


def _wait_for_cells(out: Path, count: int, timeout: float = 120) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in out.glob("*.json"):
            if len(json.loads(path.read_text() or "{}").get("cells", [])) >= count:
                return path
        time.sleep(0.1)
    raise AssertionError(f"no results file with {count} cells in {out}")


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_keeps_cells_and_resume_finishes(
    start, tmp_path: Path, tiny_args, sig, code: int
) -> None:
    out = tmp_path / "out"
    # the quick preset's 11 compute cells at W=2 (and W=1 serial): interrupted after two
    args = ["run", *tiny_args("--kernels", "compute", "--out", "out")]
    proc = start(args, tmp_path)
    path = _wait_for_cells(out, 2)
    os.killpg(proc.pid, sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == code, err
    assert "Traceback" not in err and "--resume" in err
    partial = results.load(path)
    assert partial["status"] == "interrupted" and len(partial["cells"]) >= 2
    assert partial["interrupted_by"] == sig.name

    done = subprocess.run(
        [sys.executable, "-m", "pylab", "run", "--resume", str(path), "-q"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    whole = results.load(path)
    assert whole["status"] == "complete" and len(whole["resumed"]) == 1
    keys = [(c["variant"], c["executor"], c["workers"]) for c in whole["cells"]]
    selection = Selection(kernels=["compute"], workers=[2])
    planned = build_plan(get_preset("quick"), selection, usable_cores())
    planned, _ = runnable(planned, machine_info()["python"])  # less what this Python skips
    assert len(keys) == len(set(keys)) == len(planned)
    assert whole["cells"][: len(partial["cells"])] == partial["cells"]  # not re-measured


def test_ctrl_c_is_prompt_while_a_kernel_holds_the_gil(start, tmp_path: Path) -> None:
    args = ["run", "--only", "scaling", "--kernels", "faults", "--variants", "hang_gil"]
    args += ["--executors", "serial"]
    proc = start([*args, "--timeout", "600", "--out", "out", "-q"], tmp_path)
    time.sleep(3)  # well inside the hang
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert time.monotonic() - sent < 2
    assert not _strays(tmp_path)


def test_a_parent_killed_outright_takes_its_measuring_child_along(start, tmp_path: Path) -> None:
    """SIGKILL leaves the parent no clean-up; the child hung in a GIL-holding kernel must
    not spin on a core forever (its own process group is out of reach of a group kill)."""
    args = ["run", "--only", "scaling", "--kernels", "faults", "--variants", "hang_gil"]
    proc = start([*args, "--executors", "serial", "--timeout", "600", "--out", "out", "-q"],
                 tmp_path)  # fmt: skip
    time.sleep(3)  # well inside the hang
    children = psutil.Process(proc.pid).children(recursive=True)
    assert children
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    _, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, alive


def _edited(tmp_path: Path, edit) -> Path:
    """A real interrupted results file, edited."""
    from pylab.host.machine import machine_info
    from pylab.kernels.build import build_info
    from pylab.pythons.targets import current
    from pylab.runner.start import python_records

    path = tmp_path / "run.json"
    data = results.header(
        pylab_version=pylab.__version__, command=["pylab"], preset="quick",
        settings={"repeats": 2, "warmups": 1, "min_time_s": 0.02, "timeout_s": 60},
        selection={
            "kernels": ["io"], "variants": ["nogil"], "executors": ["serial"], "only": ["scaling"],
        },
        machine=machine_info(), build=build_info(), pinning={}, load_before=None, started="",
        pythons=python_records([current()]),
    )  # fmt: skip
    data.update(status="interrupted", wall_s=1.0)
    edit(data)
    path.write_text(json.dumps(data))
    return path


def test_resume_refuses_another_machine_unless_forced(cli, tmp_path: Path) -> None:
    path = _edited(tmp_path, lambda d: d["machine"].update(hostname="elsewhere"))
    refused = cli("run", "--resume", str(path))
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "another machine or build" in refused.stderr and "elsewhere" in refused.stderr
    forced = cli("run", "--resume", str(path), "--force", "-q")
    assert forced.returncode == 0, forced.stderr
    assert results.load(path)["status"] == "complete"


def test_resume_of_a_complete_run_changes_nothing(cli, tmp_path: Path) -> None:
    path = _edited(tmp_path, lambda d: d.update(status="complete"))
    before = path.read_text()
    done = cli("run", "--resume", str(path))
    assert done.returncode == 0 and "nothing to resume" in done.stderr
    assert path.read_text() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such results file"),
        ("", "empty file"),
        ('{"format": "pylab-results", "cells": [{"kern', "not valid JSON"),
        ("not json at all", "not valid JSON"),
        ('{"benchmarks": []}', "not a pylab results file"),
        ('{"format": "pylab-results", "format_version": 99, "cells": []}', "newer pylab"),
        (
            '{"format": "pylab-results", "format_version": 2, "machine": {}, "cells": [], '
            '"verdicts": {"bounds": {}, "rows": {}}}',
            "plan is incomplete",
        ),
        (
            '{"format": "pylab-results", "format_version": 1, "machine": {}, "cells": []}',
            "malformed format 1 file",
        ),
    ],
)
def test_bad_resume_files_are_one_line_and_exit_2(cli, tmp_path: Path, content, message) -> None:
    path = tmp_path / "r.json"
    if content is not None:
        path.write_text(content)
    done = cli("run", "--resume", str(path))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert message in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--resume", "x.json", "--kernels", "io"], "drop --kernels"),
        (["--force"], "--force only goes with --resume"),
        (["--param", "gil_share"], "expected KEY=VALUE"),
        (["--kernels", "amdahl", "--param", "gil_share=2"], "gil_share must be in [0, 1]"),
        (["--kernels", "io", "--param", "gil_share=0.5"], "unknown parameter 'gil_share'"),
        (["--timeout", "0"], "choose 0.1 to"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(cli, args: list[str], message: str) -> None:
    done = cli("run", *args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr
