"""The memory (C11, C12) and sharing (C02, C13) experiments: rules on made-up data, one real run."""

from __future__ import annotations

import json
import os
from typing import Any

import psutil
import pytest

from pylab.experiments import memory, sharing
from pylab.experiments.base import LEVELS

KIB = 1 << 10
MIB = 1 << 20


def verdicts(module: Any, data: dict[str, Any]) -> dict[str, str]:
    found = module.judge(data)
    assert [v.claim for v in found] == list(module.CLAIMS)
    for v in found:
        assert "\n" not in v.reason
        json.dumps(v.data, allow_nan=False)
    return {v.claim: v.verdict for v in found}


# memory: C11 and C12


def memory_data(
    thread: float, processes: dict[str, float], per_thread: float, workers: int = 2
) -> dict[str, Any]:
    """Per-worker bytes for the thread pool and each start method, bytes per idle thread."""
    return {
        "workers": workers,
        "metric": "pss",
        "start_methods": list(processes),
        "thread_pool": {"per_worker_bytes": thread},
        "process_pools": {
            m: {"per_worker_bytes": size, "uss_bytes": {"median": size / 3 * workers}}
            for m, size in processes.items()
        },
        "per_thread": {"per_thread_bytes": per_thread, "threads": 50},
    }


SEEN = {"fork": 9 * MIB, "forkserver": 18 * MIB, "spawn": 20 * MIB}


def test_memory_holds_when_every_process_is_clearly_larger() -> None:
    assert verdicts(memory, memory_data(40 * KIB, SEEN, 12 * KIB)) == {
        "C11": "holds",
        "C12": "holds",
    }


def test_c11_partly_names_the_start_method_under_the_margin() -> None:
    # fork is 2x the thread pool but less than 2 MiB above it
    data = memory_data(1 * MIB, {**SEEN, "fork": 2.5 * MIB}, 12 * KIB)
    (c11, _) = memory.judge(data)
    assert c11.verdict == "partly"
    assert "fork" in c11.reason.split("not clearly larger:")[1]


def test_c11_partly_when_a_start_method_is_under_the_ratio() -> None:
    # fork is 2 MiB above the threads but not twice them
    data = memory_data(3 * MIB, {**SEEN, "fork": 5.5 * MIB}, 12 * KIB)
    assert verdicts(memory, data)["C11"] == "partly"


def test_c11_holds_just_past_both_thresholds() -> None:
    thread = 2 * MIB
    size = memory.FOOTPRINT_RATIO * thread  # 4 MiB: 2x and 2 MiB above
    data = memory_data(thread, dict.fromkeys(SEEN, size), 12 * KIB)
    assert verdicts(memory, data)["C11"] == "holds"


def test_c11_fails_when_no_start_method_is_larger() -> None:
    data = memory_data(20 * MIB, dict.fromkeys(SEEN, 21 * MIB), 12 * KIB)
    assert verdicts(memory, data)["C11"] == "fails"


def test_c12_partly_when_a_thread_is_small_but_not_ten_times_smaller() -> None:
    data = memory_data(40 * KIB, {**SEEN, "fork": 5 * MIB}, 900 * KIB)
    assert verdicts(memory, data)["C12"] == "partly"


def test_c12_partly_when_a_thread_is_ten_times_smaller_but_not_small() -> None:
    data = memory_data(40 * KIB, dict.fromkeys(SEEN, 40 * MIB), 2 * MIB)
    assert verdicts(memory, data)["C12"] == "partly"


def test_c12_fails_when_a_thread_is_neither_small_nor_much_smaller() -> None:
    data = memory_data(40 * KIB, dict.fromkeys(SEEN, 6 * MIB), 2 * MIB)
    assert verdicts(memory, data)["C12"] == "fails"


def test_c12_thresholds_are_exclusive_and_inclusive_as_documented() -> None:
    at_limit = memory_data(40 * KIB, dict.fromkeys(SEEN, 40 * MIB), memory.THREAD_SMALL)
    assert verdicts(memory, at_limit)["C12"] == "partly"  # under 1 MiB, not at it
    ten_times = memory_data(40 * KIB, dict.fromkeys(SEEN, 5 * MIB), 0.5 * MIB)
    assert verdicts(memory, ten_times)["C12"] == "holds"  # exactly 10x is enough


def test_memory_takes_no_growth_as_zero() -> None:
    # A thread's pages can come from freed memory: growth is 0 or noise below it.
    data = memory_data(-8 * KIB, SEEN, -2 * KIB)
    found = memory.judge(data)
    assert [v.verdict for v in found] == ["holds", "holds"]
    assert found[1].data["ratio"] is None


def test_fmt_bytes() -> None:
    from pylab.base.fmt import fmt_bytes

    assert fmt_bytes(850) == "850 B"
    assert fmt_bytes(120 * KIB) == "120 KiB"
    assert fmt_bytes(31.5 * MIB) == "31.5 MiB"


# sharing: C02 and C13


def summary(seconds: float) -> dict[str, float]:
    return {"median": seconds, "low": seconds, "high": seconds, "confidence": 0.75}


def sharing_data(
    threads: float,
    processes: dict[str, float],
    attached: float,
    back: tuple[float, float] = (100e-6, 0.8),
    zero_copy: bool = True,
) -> dict[str, Any]:
    """Median seconds at the largest size; `back` is (thread, process) read-back time."""
    size = 256 * MIB

    def row(seconds: float, **extra: Any) -> list[dict[str, Any]]:
        return [{"bytes": size, "time_s": summary(seconds), "copied_bytes": 0, **extra}]

    methods = {"threads": row(threads, same_buffer=zero_copy)}
    methods.update({m: row(t) for m, t in processes.items()})
    methods["shared_memory"][0]["attached_s"] = summary(attached)
    return {
        "workers": 2,
        "sizes": [size],
        "methods": methods,
        "zero_copy_seen": zero_copy,
        "read_back": {
            "bytes": size,
            "threads": {"time_s": summary(back[0]), "copied_bytes": 0, "same_object": zero_copy},
            "processes": {"time_s": summary(back[1]), "copied_bytes": size + 200},
        },
    }


COSTLY = {"fork_inheritance": 0.6, "pickled_arguments": 2.5, "shared_memory": 0.9}


def test_sharing_holds_when_every_process_method_costs_ten_times_more() -> None:
    assert verdicts(sharing, sharing_data(0.04, COSTLY, 0.45)) == {
        "C02": "holds",
        "C13": "holds",
    }


def test_c02_partly_names_fork_inheritance_when_it_comes_close() -> None:
    data = sharing_data(0.04, {**COSTLY, "fork_inheritance": 0.077}, 0.45)
    (c02, _) = sharing.judge(data)
    assert c02.verdict == "partly"
    assert c02.data["within_10x"] == ["fork_inheritance"]


def test_c02_partly_when_shared_memory_once_set_up_comes_close() -> None:
    data = sharing_data(0.04, COSTLY, attached=0.39)
    (c02, _) = sharing.judge(data)
    assert c02.verdict == "partly"
    assert c02.data["within_10x"] == ["shared_memory_attached"]


def test_c02_holds_at_exactly_ten_times() -> None:
    data = sharing_data(0.5, dict.fromkeys(COSTLY, 5.0), attached=5.0)
    assert verdicts(sharing, data)["C02"] == "holds"


def test_c02_fails_when_no_process_method_costs_more() -> None:
    data = sharing_data(0.04, dict.fromkeys(COSTLY, 0.05), attached=0.041)
    assert verdicts(sharing, data)["C02"] == "fails"


def test_c13_partly_when_reading_back_from_a_thread_is_not_ten_times_cheaper() -> None:
    data = sharing_data(0.04, COSTLY, 0.45, back=(0.1, 0.5))
    assert verdicts(sharing, data)["C13"] == "partly"


def test_c13_partly_without_zero_copy() -> None:
    data = sharing_data(0.04, COSTLY, 0.45, zero_copy=False)
    assert verdicts(sharing, data)["C13"] == "partly"


def test_c13_fails_when_a_thread_is_no_cheaper() -> None:
    data = sharing_data(0.04, COSTLY, 0.45, back=(0.5, 0.6))
    assert verdicts(sharing, data)["C13"] == "fails"


def test_sizes_grow_to_the_levels_maximum() -> None:
    assert sharing._sizes(LEVELS["tiny"]) == [KIB, 8 * KIB, 64 * KIB, 512 * KIB, MIB]
    assert sharing._sizes(LEVELS["default"])[-1] == 256 * MIB


def test_pickled_size_counts_what_the_queue_sends() -> None:
    from multiprocessing.reduction import ForkingPickler

    import numpy as np

    array = np.arange(1 << 16, dtype=np.uint64)
    assert sharing.pickled_size(array) == len(ForkingPickler.dumps(array))


# every reason carries the figures its rule compared, and the bounds


def test_c11_reason_gives_each_footprint_and_the_bounds() -> None:
    data = memory_data(1 * MIB, {**SEEN, "fork": 2.5 * MIB}, 12 * KIB)
    reason = memory.judge(data)[0].reason
    assert "thread 1 MiB; processes fork 2.5 MiB, forkserver 18 MiB, spawn 20 MiB" in reason
    assert "clearly larger means 2x the thread's and 2 MiB above it" in reason


@pytest.mark.parametrize(
    ("per_thread", "processes", "marks"),
    [
        (12 * KIB, SEEN, "12 KiB PSS (768x less); cheapest process worker: fork, 9 MiB; "
         "under 1 MiB, at least 10x less"),
        (900 * KIB, {**SEEN, "fork": 5 * MIB}, "900 KiB PSS (5.69x less); cheapest process "
         "worker: fork, 5 MiB; under 1 MiB, not 10x less"),
        (2 * MIB, dict.fromkeys(SEEN, 6 * MIB), "2 MiB PSS (3x less); cheapest process "
         "worker: fork, 6 MiB; not under 1 MiB, not 10x less"),
    ],
)  # fmt: skip
def test_c12_reason_gives_the_sizes_and_which_bound_held(
    per_thread: float, processes: dict, marks: str
) -> None:
    reason = memory.judge(memory_data(40 * KIB, processes, per_thread))[1].reason
    assert reason.endswith(marks), reason


def test_c02_reason_gives_each_ratio_and_the_bound() -> None:
    held = sharing.judge(sharing_data(0.04, COSTLY, 0.45))[0].reason
    assert "threads 40 ms; fork_inheritance 600 ms (15x), pickled_arguments 2.5 s (62.5x)" in held
    assert "shared_memory_attached 450 ms (11.2x); each at least 10x" in held
    flat = sharing.judge(sharing_data(0.04, dict.fromkeys(COSTLY, 0.05), attached=0.041))[0]
    assert flat.reason.endswith("no process method costs more (each under 1.5x)")
    close = sharing.judge(sharing_data(0.04, {**COSTLY, "fork_inheritance": 0.077}, 0.45))[0]
    assert "fork_inheritance 77 ms (1.93x)" in close.reason
    assert close.reason.endswith("within 10x: fork_inheritance")


def test_c13_reason_gives_the_ratio_and_the_bound_it_missed() -> None:
    held = sharing.judge(sharing_data(0.04, COSTLY, 0.45))[1].reason
    assert "thread 100 us (the same object, no copy), process 800 ms" in held
    assert held.endswith("8,000x, at least 10x")
    partly = sharing.judge(sharing_data(0.04, COSTLY, 0.45, back=(0.1, 0.5)))[1].reason
    assert "5x, under 10x (clearly cheaper needs 10x and no copy)" in partly
    flat = sharing.judge(sharing_data(0.04, COSTLY, 0.45, back=(0.5, 0.6)))[1].reason
    assert flat.endswith("1.2x, under 1.5x")


# one real run of each, at the smallest level


def leftover_workers() -> list[str]:
    """Child processes other than multiprocessing's own long-lived helpers."""
    helpers = ("forkserver", "resource_tracker")
    left = []
    for child in psutil.Process(os.getpid()).children(recursive=True):
        try:
            line = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if not any(h in line for h in helpers):
            left.append(line)
    return left


@pytest.mark.parametrize(
    ("module", "keys"),
    [
        (memory, ("workers", "metric", "start_methods", "thread_pool", "process_pools")),
        (sharing, ("workers", "sizes", "methods", "zero_copy_seen", "read_back")),
    ],
)
def test_tiny_run_is_judged(claims_run, module: Any, keys: tuple[str, ...]) -> None:
    data = claims_run.data(module.NAME)
    json.dumps(data, allow_nan=False)
    assert set(keys) <= set(data)
    found = module.judge(data)
    assert [v.claim for v in found] == list(module.CLAIMS)
    # the run stored what the rules say of the data it stored
    assert {v.claim: (v.verdict, v.reason) for v in found} == claims_run.claims(module)


@pytest.mark.parametrize("module", [memory, sharing])
def test_a_tiny_run_in_this_process_leaves_no_worker_behind(module: Any) -> None:
    # Measured here, not read from the claims run: there each experiment runs in a child
    # that is killed whole afterwards, so workers it left running go unseen.
    json.dumps(module.measure(LEVELS["tiny"], []), allow_nan=False)
    assert leftover_workers() == []
