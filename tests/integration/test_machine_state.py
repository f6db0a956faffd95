"""The machine's state, through the real CLI: `run` warns first and records it, `probe`
prints the warnings first and writes it."""

from __future__ import annotations

import json
from pathlib import Path

from pylab.host.state import warnings


def test_run_warns_at_the_start_and_records_the_state(cli, tmp_path: Path, tiny_args) -> None:
    from pylab import results

    done = cli("run", *tiny_args("--kernels", "compute", "--variants", "nogil", "--executors",
                                 "serial", "--out", "out", "--no-report", workers=1))  # fmt: skip
    assert done.returncode == 0, done.stderr
    state = results.load(tmp_path / done.stdout.splitlines()[-1])["machine"]["state"]
    assert state["usable_cores"] >= 1 and isinstance(state["busy_processes"], list)
    lines = [f"pylab: warning: {line}" for line in warnings(state)]
    assert done.stderr.splitlines()[: len(lines)] == lines  # before anything else


def test_probe_prints_the_warnings_first_and_writes_the_state(cli, tmp_path: Path) -> None:
    done = cli("probe", "time.sleep(0.002)", "-s", "import time", "--workers", "2",
               "--repeats", "1", "--json", "probe.json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "probe.json").read_text())
    assert data["machine_warnings"] == warnings(data["machine_state"])
    lines = [f"warning: {line}" for line in data["machine_warnings"]]
    out = done.stdout.splitlines()
    assert out[: len(lines)] == lines and out[len(lines)].startswith("GIL held")
