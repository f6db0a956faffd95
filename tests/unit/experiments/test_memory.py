"""The memory experiment (C11, C12): its rules on made-up footprints, with and without a
subinterpreter worker, the figures in its reasons, and the session's tiny run."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pylab.base import extras
from pylab.experiments import memory
from pylab.experiments.base import LEVELS
from tests.unit.experiments import leftover_workers, verdicts

HAS_THEM = extras.why_no_subinterpreters() is None


KIB = 1 << 10


MIB = 1 << 20




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


# --- a subinterpreter worker's footprint, where the run measured one


def _subinterpreter_memory_data(interpreter: dict[str, Any] | None) -> dict[str, Any]:
    processes = {"fork": 9 * MIB, "forkserver": 18 * MIB, "spawn": 20 * MIB}
    data = {
        "workers": 2,
        "metric": "pss",
        "start_methods": list(processes),
        "thread_pool": {"per_worker_bytes": 40 << 10},
        "process_pools": {m: {"per_worker_bytes": s} for m, s in processes.items()},
        "per_thread": {"per_thread_bytes": 12 << 10, "threads": 50},
    }
    if interpreter is not None:
        data["interpreter_pool"] = interpreter
    return data


def test_memory_reasons_give_the_subinterpreter_worker_and_where_it_sits() -> None:
    c11, c12 = memory.judge(
        _subinterpreter_memory_data({"available": True, "per_worker_bytes": 5 * MIB})
    )
    assert (c11.verdict, c12.verdict) == ("holds", "holds")  # the rules do not change
    assert "a subinterpreter worker 5 MiB (the kernels as in a process worker, but no numpy" in (
        c11.reason
    )
    assert "between a thread (40 KiB) and a fork process (9 MiB)" in c11.reason
    assert "; a subinterpreter worker 5 MiB, between an idle thread (12 KiB) and a fork " in (
        c12.reason
    )
    assert c12.reason.endswith("under 1 MiB, at least 10x less")  # the marks stay last
    for verdict in (c11, c12):
        assert verdict.data["subinterpreter"] == {"available": True, "per_worker_bytes": 5 * MIB}


def test_memory_reasons_say_why_no_subinterpreter_was_measured() -> None:
    why = {"available": False, "reason": "a free-threaded build has no GIL to give"}
    for verdict in memory.judge(_subinterpreter_memory_data(why)):
        assert "subinterpreters not measured on this interpreter: a free-threaded" in (
            verdict.reason
        )
        assert verdict.data["subinterpreter"]["available"] is False


def test_old_data_without_subinterpreters_is_judged_as_before() -> None:
    for verdict in memory.judge(_subinterpreter_memory_data(None)):
        assert "subinterpreter" not in verdict.reason


# --- the session's tiny claims run (conftest.claims_run): as a run measured it


def test_tiny_run_is_judged(claims_run) -> None:
    data = claims_run.data("memory")
    json.dumps(data, allow_nan=False)
    assert {"workers", "metric", "start_methods", "thread_pool", "process_pools"} <= set(data)
    found = memory.judge(data)
    assert [v.claim for v in found] == list(memory.CLAIMS)
    # the run stored what the rules say of the data it stored
    assert {v.claim: (v.verdict, v.reason) for v in found} == claims_run.claims(memory)


@pytest.mark.skipif(HAS_THEM, reason="this interpreter has subinterpreters")
def test_without_subinterpreters_memory_records_why_and_measures_the_rest(claims_run) -> None:
    data = claims_run.data("memory")
    json.dumps(data, allow_nan=False)
    why = extras.why_no_subinterpreters()
    assert data["interpreter_pool"] == {"available": False, "reason": why}
    assert data["process_pools"] and data["thread_pool"]["samples"]
    for verdict in memory.judge(data):
        assert f"subinterpreters not measured on this interpreter: {why}" in verdict.reason


def test_a_tiny_run_in_this_process_leaves_no_worker_behind() -> None:
    # Measured here, not read from the claims run: there each experiment runs in a child
    # that is killed whole afterwards, so workers it left running go unseen.
    json.dumps(memory.measure(LEVELS["tiny"], []), allow_nan=False)
    assert leftover_workers() == []
