"""What each way of running W workers costs, side by side: a thread, a subinterpreter, a
process per start method. One row per kind, from three claim experiments' data:

  start        startup: start() to join() of a no-op (a subinterpreter: create, exec of
               `pass`, close)
  pool         startup: a pool of W workers until all W are up
  memory       memory: PSS one warm pool worker adds (a thread: what it adds to this
               process; a process: its own PSS; a subinterpreter: what it adds)
  round trip   ipc: a small message to a worker and back (threads: queue.Queue;
               subinterpreters: interpreters queues; fork: its best channel; the ipc
               experiment measures no other start method's channels)
  dispatch     ipc: one no-op task through the pool, per task

A cell is None where the run did not measure it (an experiment failed, an interpreter
without subinterpreters, a file from before they were measured).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pylab.base.fmt import fmt_bytes, fmt_seconds
from pylab.executors import START_METHODS
from pylab.experiments import ipc, memory, startup
from pylab.experiments.startup import FORK, INTERPRETER, THREAD

KINDS = (THREAD, INTERPRETER, *START_METHODS)
LABELS = {THREAD: "thread", INTERPRETER: "subinterpreter"}
# The ipc experiment's names for each kind: its pools (dispatch) and its channels.
DISPATCH_POOL = {THREAD: ipc.THREAD_POOL, INTERPRETER: ipc.INTERPRETERS}
CHANNELS = {THREAD: (ipc.THREADS,), INTERPRETER: (ipc.INTERP,), FORK: ipc.PROCESS_CHANNELS[FORK]}
COLUMNS = (
    ("start_s", "start (start to join)", fmt_seconds),
    ("pool_s", "pool of W up", fmt_seconds),
    ("memory_bytes", "memory per worker (PSS)", fmt_bytes),
    ("round_trip_s", "round trip, small message", fmt_seconds),
    ("dispatch_s", "dispatch per task", fmt_seconds),
)


@dataclass(frozen=True)
class Cost:
    kind: str
    start_s: float | None
    pool_s: float | None
    memory_bytes: float | None
    round_trip_s: float | None
    dispatch_s: float | None

    @property
    def label(self) -> str:
        return LABELS.get(self.kind, f"process: {self.kind}")


def _data(results: dict[str, Any], name: str) -> dict[str, Any]:
    experiment = (results.get("experiments") or {}).get(name) or {}
    return (experiment.get("data") or {}) if experiment.get("ok") else {}


def _median(section: dict[str, Any] | None, key: str) -> float | None:
    found = (section or {}).get(key)
    return found["median"] if isinstance(found, dict) and "median" in found else None


def _memory(data: dict[str, Any], kind: str) -> float | None:
    if kind == THREAD:
        pool = data.get(memory.THREAD_POOL)
    elif kind == INTERPRETER:
        pool = data.get(memory.INTERPRETER_POOL)
    else:
        pool = (data.get(memory.PROCESS_POOLS) or {}).get(kind)
    if not pool or pool.get("available") is False:
        return None
    return pool.get(memory.PER_WORKER)


def _round_trip(data: dict[str, Any], kind: str) -> float | None:
    # Across cores, where measured, is what a program pays; the judged pass pins both ends.
    latency = (data.get(ipc.ACROSS) or {}).get(ipc.LATENCY) or data.get(ipc.LATENCY) or {}
    found = []
    for channel in CHANNELS.get(kind, ()):
        by_size = latency.get(channel) or {}
        if by_size:
            smallest = min(by_size, key=int)
            found.append(by_size[smallest]["median"] / 1e6)
    return min(found) if found else None


def _dispatch(data: dict[str, Any], kind: str) -> float | None:
    us = _median(data.get(ipc.DISPATCH), DISPATCH_POOL.get(kind, kind))
    return us / 1e6 if us is not None else None


def costs(results: dict[str, Any]) -> list[Cost]:
    """One row per kind the run measured anything of, in KINDS' order."""
    starts, footprints, messages = (_data(results, m.NAME) for m in (startup, memory, ipc))
    rows = [
        Cost(
            kind,
            _median(starts.get(startup.START_JOIN), kind),
            _median(starts.get(startup.POOL), kind),
            _memory(footprints, kind),
            _round_trip(messages, kind),
            _dispatch(messages, kind),
        )
        for kind in KINDS
    ]
    return [r for r in rows if any(getattr(r, key) is not None for key, _, _ in COLUMNS)]


def _text(value: float | None, fmt: Callable[[float], str]) -> str:
    return "-" if value is None else fmt(value)


def table(rows: list[Cost]) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The header and one row of formatted figures per kind."""
    header = ("worker", *(title for _, title, _ in COLUMNS))
    lines = [(r.label, *(_text(getattr(r, key), fmt) for key, _, fmt in COLUMNS)) for r in rows]
    return header, lines


def placement(rows: list[Cost]) -> str:
    """Where a subinterpreter sits between a thread and the processes, figure by figure:
    `start: between thread and fork (2.0x a thread)`; empty without one."""
    by_kind = {r.kind: r for r in rows}
    sub, thread = by_kind.get(INTERPRETER), by_kind.get(THREAD)
    if sub is None or thread is None:
        return ""
    parts = []
    for key, title, _ in COLUMNS:
        mine, theirs = getattr(sub, key), getattr(thread, key)
        processes = [getattr(r, key) for r in rows if r.kind not in (THREAD, INTERPRETER)]
        processes = [p for p in processes if p is not None]
        if mine is None or theirs is None or not processes:
            continue
        if mine <= theirs:
            where = "at or below a thread"
        elif mine >= max(processes):
            where = "at or above every process"
        elif mine <= min(processes):
            where = "between a thread and every process"
        else:
            where = "among the processes"
        parts.append(f"{title}: {where}")
    return "; ".join(parts)
