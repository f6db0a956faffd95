"""C01: threads share one process; each multiprocessing worker is its own process.

Each worker of a thread pool and of a process pool per start method (fork,
forkserver, spawn) reports who it is: pid, native thread id, GIL state. The
tasks pass a barrier, so W tasks reach W distinct workers, not one fast one.

Rule: C01 holds when the W thread workers all report the parent's pid with W
distinct thread ids, and, for every start method, the W process workers report
W distinct pids, none of them the parent's. Anything else fails, and the reason
says what was seen. There is no `partly`: identity is exact, not a timing.
"""

from __future__ import annotations

import os
from typing import Any

from pylab.executors import make_executor
from pylab.experiments._kit import judge_for, judges, pool_workers, start_methods
from pylab.experiments.base import Level, Verdict

NAME = "identity"
CLAIMS = ("C01",)


def _identify(kind: str, workers: int, start_method: str | None) -> dict[str, Any]:
    """Who the W workers of one executor are, as seen from inside them."""
    with make_executor(kind, workers, start_method) as ex:
        infos = ex.identify()
    pids = [info.pid for info in infos]
    thread_ids = [info.thread_id for info in infos]
    return {
        "pids": pids,
        "thread_ids": thread_ids,
        "distinct_pids": len(set(pids)),
        "distinct_thread_ids": len(set(thread_ids)),
        "parent_pid_seen": os.getpid() in pids,
        "gil_enabled": [info.gil_enabled for info in infos],
    }


def measure(level: Level, cells: list[dict[str, Any]]) -> dict[str, Any]:
    workers = pool_workers(level)
    methods = start_methods()
    return {
        "workers": workers,
        "parent_pid": os.getpid(),
        "start_methods": methods,
        "threads": _identify("threads", workers, None),
        "processes": {m: _identify("processes", workers, m) for m in methods},
    }


def _thread_problem(seen: dict[str, Any], workers: int) -> str | None:
    if seen["distinct_pids"] != 1 or not seen["parent_pid_seen"]:
        parent = "the parent's among them" if seen["parent_pid_seen"] else "none the parent's"
        return f"{workers} thread workers reported {seen['distinct_pids']} pid(s), {parent}"
    if seen["distinct_thread_ids"] != workers:
        return f"{workers} thread workers reported {seen['distinct_thread_ids']} thread id(s)"
    return None


def _process_problem(method: str, seen: dict[str, Any], workers: int) -> str | None:
    if seen["distinct_pids"] != workers or seen["parent_pid_seen"]:
        parent = ", one the parent's" if seen["parent_pid_seen"] else ""
        return f"{workers} {method} workers reported {seen['distinct_pids']} pid(s){parent}"
    return None


@judges("C01")
def _judge_c01(data: dict[str, Any]) -> Verdict:
    workers = data["workers"]
    methods = data["start_methods"]
    problems = [_thread_problem(data["threads"], workers)]
    problems += [_process_problem(m, data["processes"][m], workers) for m in methods]
    problems = [p for p in problems if p]
    numbers = {
        "workers": workers,
        "thread_pids": data["threads"]["distinct_pids"],
        "thread_ids": data["threads"]["distinct_thread_ids"],
        "process_pids": {m: data["processes"][m]["distinct_pids"] for m in methods},
        "parent_pid_in_processes": {m: data["processes"][m]["parent_pid_seen"] for m in methods},
    }
    if problems or not methods:
        reason = "; ".join(problems) or "no process start method could be tried"
        return Verdict("C01", "fails", reason, numbers)
    reason = (
        f"{workers} thread workers: 1 pid (the parent's), {workers} thread ids; "
        f"{workers} process workers under {', '.join(methods)}: "
        f"{workers} distinct pids each, none the parent's"
    )
    return Verdict("C01", "holds", reason, numbers)


judge = judge_for(__name__, CLAIMS)
