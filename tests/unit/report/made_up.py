"""Made-up experiment data for the report's tests: what a worker costs."""

from __future__ import annotations


def _summary(median: float) -> dict:
    return {"median": median, "low": median * 0.9, "high": median * 1.1, "confidence": 0.96}


def _results(with_interpreter: bool = True) -> dict:
    kinds = ["thread", "fork", "forkserver", "spawn"] + (
        ["interpreter"] if with_interpreter else []
    )
    start = {"thread": 1e-4, "interpreter": 3e-2, "fork": 5e-3, "forkserver": 0.1, "spawn": 0.2}
    startup = {"start_join": {k: _summary(start[k]) for k in kinds},
               "pool": {k: _summary(2 * start[k]) for k in kinds}}  # fmt: skip
    memory = {
        "thread_pool": {"per_worker_bytes": 6e3},
        "process_pools": {m: {"per_worker_bytes": 2e7} for m in ("fork", "forkserver", "spawn")},
        "interpreter_pool": {"available": True, "per_worker_bytes": 1e7}
        if with_interpreter else {"available": False, "reason": "Python 3.11 has none"},
    }  # fmt: skip
    channels = {"thread_queue": 40.0, "fork_pipe": 80.0, "fork_queue": 120.0}
    if with_interpreter:
        channels["interp_queue"] = 30.0
    ipc = {
        "latency_us": {c: {"8": _summary(us), "65536": _summary(us * 3)}
                       for c, us in channels.items()},
        "dispatch_us": {"threads": _summary(20.0), "fork": _summary(200.0),
                        "forkserver": _summary(210.0), "spawn": _summary(240.0)},
    }  # fmt: skip
    if with_interpreter:
        ipc["dispatch_us"]["interpreters"] = _summary(120.0)
    experiments = {n: {"ok": True, "data": d} for n, d in
                   (("startup", startup), ("memory", memory), ("ipc", ipc))}  # fmt: skip
    machine = {"usable_cores": 2, "python": {"version": "3.13.5"}}
    return {"experiments": experiments, "machine": machine}
