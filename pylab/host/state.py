"""The machine's state at the start of a measurement, as `pyperf system show` reads it.

A speed-up is only as good as the machine it was measured on. Some of what spoils it
can be seen before anything runs, on Linux and without root: a CPU frequency governor
that changes the clock with the load, turbo (one busy core may clock higher than all
of them busy together, so a serial run gains on a parallel one), isolated CPUs (the
scheduler spreads no work onto them), the load average, and other processes busy at
the start. `check` returns a plain record, for the results file, and one warning line
per problem; `warnings` rebuilds the lines from a stored record. A file that is not
there (a VM exposes no cpufreq) is "not exposed", never an error.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import psutil

from pylab.host.machine import load_average

NOT_EXPOSED = "not exposed"
CPU_DIR = "sys/devices/system/cpu"
STEADY_GOVERNORS = ("performance",)  # every other governor moves the clock with the load
CMDLINE_KEYS = ("isolcpus", "nohz_full")
SAMPLE_S = 0.3  # how long other processes' CPU use is watched
OTHER_PROCESS_BOUND_PERCENT = 10.0  # another process above this share of a core is named
LOAD_AVERAGE_BOUND = 0.5  # a 1-minute load average above this means other work ran meanwhile


def cpu_list(cpus: Iterable[int]) -> str:
    """`0-2,5`: CPU numbers as the kernel writes them."""
    found, spans = sorted(set(cpus)), []
    for cpu in found:
        if spans and cpu == spans[-1][1] + 1:
            spans[-1][1] = cpu
        else:
            spans.append([cpu, cpu])
    return ",".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)


def parse_cpu_list(text: str) -> set[int]:
    """The CPUs of a kernel list such as `0-2,5`; flags (isolcpus' `domain,`) are skipped."""
    cpus: set[int] = set()
    for item in text.strip().split(","):
        low, _, high = item.partition("-")
        if low.isdigit() and (high.isdigit() or not high):
            cpus.update(range(int(low), int(high or low) + 1))
    return cpus


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except (OSError, UnicodeDecodeError):
        return None


def governors(root: Path) -> dict[str, str] | str:
    """Each governor in use and the CPUs it drives: {"powersave": "0-1"}."""
    by_governor: dict[str, list[int]] = {}
    for path in (root / CPU_DIR).glob("cpu[0-9]*/cpufreq/scaling_governor"):
        governor = _read(path)
        if governor:
            by_governor.setdefault(governor, []).append(int(path.parts[-3][3:]))
    return {g: cpu_list(cpus) for g, cpus in sorted(by_governor.items())} or NOT_EXPOSED


def turbo(root: Path) -> str:
    """`on`, `off`: intel_pstate's no_turbo (1 is off) or cpufreq's boost (1 is on)."""
    no_turbo = _read(root / CPU_DIR / "intel_pstate/no_turbo")
    if no_turbo in ("0", "1"):
        return "off" if no_turbo == "1" else "on"
    boost = _read(root / CPU_DIR / "cpufreq/boost")
    if boost in ("0", "1"):
        return "on" if boost == "1" else "off"
    return NOT_EXPOSED


def isolated(root: Path) -> str:
    """The CPUs the kernel keeps out of load balancing (`isolcpus`), `` if none."""
    text = _read(root / CPU_DIR / "isolated")
    return NOT_EXPOSED if text is None else text


def kernel_cmdline(root: Path) -> dict[str, str] | str:
    """isolcpus and nohz_full as the kernel was booted with them (those present)."""
    text = _read(root / "proc/cmdline")
    if text is None:
        return NOT_EXPOSED
    kernel = text.split(" -- ")[0]  # what follows `--` is init's, not the kernel's
    words = [w.split("=", 1) for w in kernel.split() if "=" in w]
    return {key: value for key, value in words if key in CMDLINE_KEYS}


def _tree(pid: int) -> set[int]:
    """`pid` and its descendants: this run's own processes, never "other work"."""
    try:
        return {pid, *(p.pid for p in psutil.Process(pid).children(recursive=True))}
    except psutil.Error:
        return {pid}


def _cpu_s(process: psutil.Process) -> float:
    t = process.cpu_times()
    return t.user + t.system


def busy_processes(sample_s: float = SAMPLE_S, own_pid: int | None = None) -> list[dict]:
    """Processes outside `own_pid`'s tree (default: this one) that used more than
    OTHER_PROCESS_BOUND_PERCENT of a core over `sample_s`, busiest first."""
    own_pid = own_pid or os.getpid()
    own, before = _tree(own_pid), {}
    for process in psutil.process_iter(["name"]):
        try:
            before[process.pid] = (process, _cpu_s(process))
        except psutil.Error:  # gone, or a kernel that hides it
            continue
    t0 = time.perf_counter()
    time.sleep(sample_s)
    wall = time.perf_counter() - t0
    own |= _tree(own_pid)  # children started meanwhile are ours too
    found = []
    for pid, (process, cpu0) in before.items():
        try:
            percent = 100 * (_cpu_s(process) - cpu0) / wall
        except psutil.Error:
            continue
        if pid not in own and percent > OTHER_PROCESS_BOUND_PERCENT:
            found.append({"name": process.info["name"], "pid": pid, "cpu_percent": round(percent)})
    return sorted(found, key=lambda p: -p["cpu_percent"])


def _usable_cpus() -> set[int]:
    try:
        return os.sched_getaffinity(0)
    except AttributeError:  # not on Linux: every CPU
        return set(range(os.cpu_count() or 1))


def state(
    root: Path = Path("/"), sample_s: float = SAMPLE_S, own_pid: int | None = None
) -> dict[str, Any]:
    """The record: what `root`'s /sys and /proc say, the load and other busy processes."""
    usable = _usable_cpus()
    return {
        "governor": governors(root),
        "turbo": turbo(root),
        "isolated_cpus": isolated(root),
        "kernel_cmdline": kernel_cmdline(root),
        "usable_cpus": cpu_list(usable),
        "usable_cores": len(usable),
        "load_average": load_average(),
        "busy_processes": busy_processes(sample_s, own_pid),
        "busy_sample_s": sample_s,
        "busy_above_percent": OTHER_PROCESS_BOUND_PERCENT,
    }


def warnings(record: dict[str, Any]) -> list[str]:
    """One line per thing in `record` that can spoil a measurement."""
    lines = []
    governor = record.get("governor")
    if isinstance(governor, dict):
        lines += [
            f"CPU governor {name} on cpu{cpus}: frequency may vary"
            for name, cpus in governor.items()
            if name not in STEADY_GOVERNORS
        ]
    if record.get("turbo") == "on":
        lines.append(
            "turbo on: one busy core may clock higher than all of them busy, "
            "so speed-ups may read low"
        )
    # "not exposed" parses as no CPU at all
    shared = parse_cpu_list(record.get("isolated_cpus") or "") & parse_cpu_list(
        record.get("usable_cpus") or ""
    )
    if shared:
        lines.append(
            f"isolated CPUs {cpu_list(shared)} are among the usable cores: the scheduler "
            "does not spread work onto them, so workers may share a core"
        )
    load = record.get("load_average")
    if load and load[0] > LOAD_AVERAGE_BOUND:
        lines.append(
            f"load average {load[0]:.2f} on {record.get('usable_cores')} usable cores: "
            "other work is running"
        )
    lines += [
        f"busy process: {p['name']} (pid {p['pid']}) at {p['cpu_percent']:.0f}% of a core"
        for p in record.get("busy_processes", [])
    ]
    return lines


def check(
    root: Path = Path("/"), sample_s: float = SAMPLE_S, own_pid: int | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The machine's state now, and the warnings it gives."""
    record = state(root, sample_s, own_pid)
    return record, warnings(record)
