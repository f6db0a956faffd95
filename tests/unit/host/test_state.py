"""The machine-state check (pylab.host.state): /sys and /proc read from a fake root,
warnings from records, and a real busy process seen (or, when it is this process's own
child, not seen)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from pylab.host import state
from pylab.host.state import NOT_EXPOSED, check, cpu_list, parse_cpu_list, warnings

BUSY_LOOP = "import time\nend = time.monotonic() + 30\nwhile time.monotonic() < end: pass"


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")


def _fake_root(root: Path) -> Path:
    cpu = "sys/devices/system/cpu"
    for n, governor in enumerate(["powersave", "powersave", "performance"]):
        _write(root, f"{cpu}/cpu{n}/cpufreq/scaling_governor", governor)
    _write(root, f"{cpu}/intel_pstate/no_turbo", "0")
    _write(root, f"{cpu}/isolated", "2")
    _write(root, "proc/cmdline", "BOOT_IMAGE=/vmlinuz isolcpus=domain,2 nohz_full=2 quiet "
           "-- isolcpus=7")  # fmt: skip
    return root


def test_a_fake_sys_root_is_read_and_warned_about(tmp_path: Path) -> None:
    record, lines = check(_fake_root(tmp_path), sample_s=0.05)
    assert record["governor"] == {"performance": "2", "powersave": "0-1"}
    assert record["turbo"] == "on"
    assert record["isolated_cpus"] == "2"
    # after `--` the words are init's: its isolcpus=7 is not the kernel's
    assert record["kernel_cmdline"] == {"isolcpus": "domain,2", "nohz_full": "2"}
    assert "CPU governor powersave on cpu0-1: frequency may vary" in lines
    assert not any("performance" in line for line in lines)
    assert any(line.startswith("turbo on:") for line in lines)
    json.dumps(record)  # it goes into the results file as it is


def test_missing_files_are_not_exposed_not_errors(tmp_path: Path) -> None:
    record, lines = check(tmp_path, sample_s=0.05)
    assert record["governor"] == record["turbo"] == NOT_EXPOSED
    assert record["isolated_cpus"] == record["kernel_cmdline"] == NOT_EXPOSED
    assert not any("governor" in line or "turbo" in line or "isolated" in line for line in lines)


@pytest.mark.parametrize(("boost", "turbo"), [("1", "on"), ("0", "off")])
def test_turbo_from_cpufreq_boost(tmp_path: Path, boost: str, turbo: str) -> None:
    _write(tmp_path, "sys/devices/system/cpu/cpufreq/boost", boost)
    assert state.turbo(tmp_path) == turbo


def test_cpu_lists_round_trip() -> None:
    assert cpu_list([5, 0, 1, 2]) == "0-2,5" and cpu_list([]) == ""
    assert parse_cpu_list("0-2,5") == {0, 1, 2, 5}
    assert parse_cpu_list("domain,managed_irq,2-3") == {2, 3}
    assert parse_cpu_list("") == parse_cpu_list(NOT_EXPOSED) == set()


QUIET = {"governor": NOT_EXPOSED, "turbo": NOT_EXPOSED, "isolated_cpus": "",
         "usable_cpus": "0-1", "usable_cores": 2, "load_average": [0.1, 0.2, 0.3],
         "busy_processes": []}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, []),
        ({"governor": {"performance": "0-1"}}, []),
        ({"turbo": "off"}, []),
        ({"load_average": [1.9, 1.0, 0.5]},
         ["load average 1.90 on 2 usable cores: other work is running"]),
        ({"busy_processes": [{"name": "python", "pid": 123, "cpu_percent": 98}]},
         ["busy process: python (pid 123) at 98% of a core"]),
        ({"isolated_cpus": "1-3"}, ["isolated CPUs 1 are among the usable cores: the "
         "scheduler does not spread work onto them, so workers may share a core"]),
        ({"isolated_cpus": "2-3"}, []),  # isolated, but not where this process may run
    ],
)  # fmt: skip
def test_warnings_from_a_record(change: dict, expected: list[str]) -> None:
    assert warnings(QUIET | change) == expected


def _spinning() -> subprocess.Popen:
    """A busy loop started, once it has used some CPU (at most 5 s of waiting)."""
    busy = subprocess.Popen([sys.executable, "-c", BUSY_LOOP])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and sum(psutil.Process(busy.pid).cpu_times()[:2]) < 0.05:
        time.sleep(0.02)
    return busy


def _stop(process: subprocess.Popen) -> None:
    process.kill()
    process.wait(timeout=10)


def test_another_busy_process_is_named() -> None:
    """The checker is a separate process, as `pylab run` is: the loop is not its child."""
    busy = _spinning()
    try:
        done = subprocess.run(
            [sys.executable, "-c", "import json; from pylab.host.state import check; "
             "print(json.dumps(check(sample_s=0.4)))"],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
    finally:
        _stop(busy)
    record, lines = json.loads(done.stdout)
    (seen,) = [p for p in record["busy_processes"] if p["pid"] == busy.pid]
    assert seen["name"].startswith("python") and seen["cpu_percent"] > 10
    assert f"(pid {busy.pid}) at {seen['cpu_percent']:.0f}% of a core" in "\n".join(lines)


def test_this_processes_own_children_are_not_other_work() -> None:
    busy = _spinning()
    try:
        record, lines = check(sample_s=0.3)
    finally:
        _stop(busy)
    assert busy.pid not in {p["pid"] for p in record["busy_processes"]}
    assert f"pid {busy.pid}" not in "\n".join(lines)
