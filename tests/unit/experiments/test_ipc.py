"""The ipc experiment (C10): its rule on made-up numbers, with and without a subinterpreter
channel, the figures in its reason, and the session's tiny run."""

from __future__ import annotations

import json
import multiprocessing
import threading
from typing import Any

import pytest

from pylab.base import extras
from pylab.experiments import ipc
from pylab.experiments.base import LEVELS, Verdict

HAS_THEM = extras.why_no_subinterpreters() is None


SIZES = [8, 1024, 65536, 1048576]


LARGEST = str(max(SIZES))


def _summary(value: float, width: float = 0.01) -> dict[str, float]:
    """A made-up figure with a narrow interval: clear of the margins the tests put it near."""
    low, high = value * (1 - width), value * (1 + width)
    return {"median": value, "low": low, "high": high, "confidence": 0.96}


def _data(
    process_over_thread: dict[int, float],
    throughput_thread_over_process: float = 10.0,
    crossover: int | None = 316228,
) -> dict:
    """Made-up results: threads take 10 us a round trip; fork_pipe takes the given multiple,
    fork_queue is always twice as slow as the pipe (so the pipe is the best process channel)."""
    thread_us = {str(s): _summary(10.0) for s in SIZES}
    pipe_us = {str(s): _summary(10.0 * process_over_thread[s]) for s in SIZES}
    queue_us = {str(s): _summary(20.0 * process_over_thread[s]) for s in SIZES}
    process_rate = {str(s): _summary(1e9) for s in SIZES}
    slow_rate = {str(s): _summary(0.5e9) for s in SIZES}
    thread_rate = {str(s): _summary(1e9 * throughput_thread_over_process) for s in SIZES}
    return {
        "settings": {"sizes": SIZES, "channels": ["fork_queue", "fork_pipe", "thread_queue"]},
        "latency_us": {"fork_queue": queue_us, "fork_pipe": pipe_us, "thread_queue": thread_us},
        "throughput_bytes_per_s": {
            "fork_queue": slow_rate,
            "fork_pipe": process_rate,
            "thread_queue": thread_rate,
        },
        "dispatch_us": {k: _summary(v) for k, v in {"fork": 70.0, "threads": 6.0}.items()},
        "crossover": {"crossover_iterations": crossover},
    }


def _judge(data: dict) -> Verdict:
    verdicts = ipc.judge(data)
    assert [v.claim for v in verdicts] == list(ipc.CLAIMS)
    assert "\n" not in verdicts[0].reason
    return verdicts[0]


def test_holds_when_processes_cost_more_at_every_size():
    verdict = _judge(_data({s: 3.0 for s in SIZES}))
    assert verdict.verdict == "holds"
    assert "cost only" in verdict.reason
    assert "316228" not in verdict.reason and "3.2e+05" in verdict.reason
    assert verdict.data["thread_wins_latency_at"] == SIZES


def test_just_above_the_margin_holds_and_just_below_is_partly():
    above = {s: ipc.LATENCY_MARGIN * 1.05 for s in SIZES}
    assert _judge(_data(above)).verdict == "holds"
    below = dict(above) | {8: ipc.LATENCY_MARGIN * 0.95}
    verdict = _judge(_data(below))
    assert verdict.verdict == "partly"
    assert "only at 1 KiB, 64 KiB, 1 MiB" in verdict.reason


def test_a_round_trip_interval_across_the_margin_leaves_c10_undecided():
    data = _data({s: 3.0 for s in SIZES})
    data["latency_us"]["fork_pipe"]["8"] = _summary(10.0 * ipc.LATENCY_MARGIN * 1.05, 0.2)
    verdict = _judge(data)
    assert verdict.verdict == "undecided" and verdict.data["possible"] == ["holds", "partly"]
    assert verdict.reason.startswith("undecided (holds or partly: an interval crosses a bound)")


def test_the_best_process_channel_decides():
    # fork_queue is twice the thread time, but the pipe ties threads: no win at any size
    verdict = _judge(_data({s: 1.0 for s in SIZES}, throughput_thread_over_process=1.0))
    assert verdict.verdict == "fails"
    assert {row["best_process"] for row in verdict.data["latency"]} == {"fork_pipe"}


def test_partly_when_threads_win_only_at_large_sizes():
    ratios = {8: 1.0, 1024: 1.1, 65536: 4.0, 1048576: 100.0}
    verdict = _judge(_data(ratios))
    assert verdict.verdict == "partly"
    assert "only at 64 KiB, 1 MiB" in verdict.reason
    assert verdict.data["thread_wins_latency_at"] == [65536, 1048576]


def test_partly_when_throughput_at_the_largest_size_is_not_higher():
    margin = ipc.THROUGHPUT_MARGIN
    verdict = _judge(_data({s: 3.0 for s in SIZES}, throughput_thread_over_process=margin * 0.9))
    assert verdict.verdict == "partly"
    assert "not 1 MiB throughput" in verdict.reason
    holds = _judge(_data({s: 3.0 for s in SIZES}, throughput_thread_over_process=margin * 1.1))
    assert holds.verdict == "holds"


def test_partly_when_only_throughput_favours_threads():
    verdict = _judge(_data({s: 0.8 for s in SIZES}, throughput_thread_over_process=5.0))
    assert verdict.verdict == "partly"
    assert "no size" in verdict.reason


def test_fails_when_processes_are_faster():
    verdict = _judge(_data({s: 0.5 for s in SIZES}, throughput_thread_over_process=0.5))
    assert verdict.verdict == "fails"


def test_the_reason_gives_each_sizes_ratio_and_the_margins():
    verdict = _judge(_data({8: 1.0, 1024: 1.1, 65536: 4.0, 1048576: 100.0}))
    assert "8 B 10 us vs 10 us (1x), 1 KiB 10 us vs 11 us (1.1x)" in verdict.reason
    assert "64 KiB 10 us vs 40 us (4x), 1 MiB 10 us vs 1 ms (100x), a win from 1.2x" in (
        verdict.reason
    )
    assert "vs 954 MiB/s (fork_pipe), 10x, a win from 1.2x" in verdict.reason


def test_no_crossover_is_said():
    verdict = _judge(_data({s: 3.0 for s in SIZES}, crossover=None))
    assert "never in range" in verdict.reason
    assert verdict.data["crossover_iterations"] is None


@pytest.mark.parametrize(
    ("ratios", "expected"),
    [
        ({1: 0.5, 2: 0.9, 3: 1.5}, 3),
        ({1: 0.5, 2: 1.2, 3: 1.5}, 2),
        ({1: 1.3, 2: 0.9, 3: 1.5}, 3),  # one noisy win below a loss does not count
        ({1: 0.5, 2: 0.9, 3: 1.0}, None),
    ],
)
def test_first_win_is_where_processes_stay_faster(ratios, expected):
    assert ipc._first_win(sorted(ratios), ratios) == expected


# --- a subinterpreter channel beside the threads' and the processes'


def _interval(value: float) -> dict[str, float]:
    return {"median": value, "low": value * 0.9, "high": value * 1.1, "confidence": 0.96}


def _ipc_data(interp_us: float, interp_dispatch_us: float) -> dict[str, Any]:
    """Threads 10 us a round trip, fork_pipe 30 us; a subinterpreter channel as given."""
    sizes = [8, 65536]

    def table(value: float) -> dict[str, Any]:
        return {str(s): _interval(value) for s in sizes}

    return {
        "settings": {"sizes": sizes},
        "latency_us": {"fork_pipe": table(30.0), "thread_queue": table(10.0),
                       "interp_queue": table(interp_us)},
        "throughput_bytes_per_s": {"fork_pipe": table(1e9), "thread_queue": table(1e10),
                                   "interp_queue": table(1e11)},
        "dispatch_us": {"fork": _interval(200.0), "threads": _interval(20.0),
                        "interpreters": _interval(interp_dispatch_us)},
        "crossover": None,
        "subinterpreters": {"available": True, "pool": "x", "channel": "interp_queue"},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("interp_us", "place"),
    [(5.0, "below threads and processes"), (20.0, "between threads and processes"),
     (60.0, "above threads and processes")],
)  # fmt: skip
def test_c10_places_the_subinterpreter_round_trip_without_changing_the_rule(
    interp_us: float, place: str
) -> None:
    (verdict,) = ipc.judge(_ipc_data(interp_us, 100.0))
    # a subinterpreter channel faster than any is never taken for the best process channel
    assert verdict.verdict == "holds"
    assert {r["best_process"] for r in verdict.data["latency"]} == {"fork_pipe"}
    figures = verdict.data["subinterpreters"]
    assert figures["round_trip_us"]["8"]["place"] == place
    assert figures["round_trip_us"]["8"]["over_thread"] == interp_us / 10.0
    assert figures["dispatch_us"]["place"] == "between threads and processes"
    assert f"subinterpreters (interp_queue) round trip 8 B {interp_us:g} us" in verdict.reason
    assert "their pool's dispatch 100 us a task (5x threads', between" in verdict.reason


def test_c10_says_why_subinterpreters_were_not_measured_and_old_files_say_nothing() -> None:
    data = _ipc_data(20.0, 100.0)
    for table in ("latency_us", "throughput_bytes_per_s"):
        data[table].pop("interp_queue")
    data["dispatch_us"].pop("interpreters")
    data["subinterpreters"] = {"available": False, "reason": "Python 3.11 has none"}
    (verdict,) = ipc.judge(data)
    assert verdict.reason.endswith("; subinterpreters not measured here: Python 3.11 has none")
    del data["subinterpreters"]
    (old,) = ipc.judge(data)
    assert "subinterpreter" not in old.reason and old.data["subinterpreters"] is None


# --- the session's tiny claims run (conftest.claims_run): as a run measured it


def test_tiny_run_gives_judgeable_data(claims_run):
    data = claims_run.data("ipc")
    sizes = [str(s) for s in data["settings"]["sizes"]]
    for table in ("latency_us", "throughput_bytes_per_s"):
        assert set(data[table]) == set(data["settings"]["channels"])
        assert ipc.THREADS in data[table] and len(data[table]) >= 2
        for by_size in data[table].values():
            assert sorted(by_size) == sorted(sizes)
    assert set(data["dispatch_us"]) >= {"threads", "fork"}
    assert "crossover_iterations" in data["crossover"]
    verdicts = ipc.judge(data)
    assert [v.claim for v in verdicts] == list(ipc.CLAIMS)
    # the run stored what the rule says of the data it stored
    assert {v.claim: (v.verdict, v.reason) for v in verdicts} == claims_run.claims(ipc)
    json.dumps([v.as_dict() for v in verdicts])


@pytest.mark.skipif(HAS_THEM, reason="this interpreter has subinterpreters")
def test_without_subinterpreters_ipc_records_why_and_its_reason_says_so(claims_run) -> None:
    why = extras.why_no_subinterpreters()
    data = claims_run.data("ipc")
    assert data["subinterpreters"] == {"available": False, "reason": why}
    (first, *_) = ipc.judge(data)
    assert f"subinterpreters not measured here: {why}" in first.reason
    assert "interp_queue" not in data["latency_us"]
    assert "interpreters" not in data["dispatch_us"]


def test_a_tiny_run_in_this_process_cleans_up():
    # Measured here, not read from the claims run: there each experiment runs in a child
    # that is killed whole afterwards, so processes or threads it left behind go unseen.
    threads_before = threading.active_count()
    affinity = ipc.os.sched_getaffinity(0) if hasattr(ipc.os, "sched_getaffinity") else None
    data = ipc.measure(LEVELS["tiny"], [])
    json.dumps(data)
    assert multiprocessing.active_children() == []
    assert threading.active_count() == threads_before
    assert set(data["latency_us"]) == set(data["settings"]["channels"])
    if data["settings"]["placement"]["one_core"] is not None:  # pinned, then across cores
        assert set(data[ipc.ACROSS][ipc.LATENCY]) == set(data["settings"]["channels"])
        assert ipc.os.sched_getaffinity(0) == affinity


def _fake_channels(monkeypatch, thread_us: list[float]) -> None:
    """Channels made up: no process, each batch's figures by channel; the thread's round
    trip cycles through `thread_us`, the fork pipe's is 50 us; threads pass 1000x faster."""
    seen = {"batches": 0}
    monkeypatch.setattr(ipc, "_open", lambda stack, name: (name, None))

    def batch(name: str, _recv: Any, _payload: bytes, _trips: int, _messages: int) -> tuple:
        if name != ipc.THREADS:
            return 50.0, 1e9
        seen["batches"] += 1
        return thread_us[(seen["batches"] - 1) % len(thread_us)], 1e12

    monkeypatch.setattr(ipc, "_batch", batch)


@pytest.mark.parametrize(("thread_us", "more"), [([10.0], False), ([10.0, 45.0], True)])
def test_c10_takes_more_batches_only_while_an_interval_crosses_its_margin(
    monkeypatch, thread_us, more
):
    _fake_channels(monkeypatch, thread_us)
    level = LEVELS["tiny"]
    names = [ipc.THREADS, "fork_pipe"]
    _, _, settings = ipc._channel_runs(names, (8,), level, ipc.Regions(), None)
    expected = ipc.MORE_ROUNDS * level.repeats if more else level.repeats
    assert settings["batches"] == expected
    # the pass beside (across cores) takes the level's batches only, decided or not
    _, _, beside = ipc._channel_runs(names, (8,), level, ipc.Regions(), None, judged=False)
    assert beside["batches"] == level.repeats


# --- placement: the judged pass with both ends on one CPU, across cores beside


def test_on_cpu_pins_the_calling_thread_and_what_it_starts_then_restores_it():
    cpu, why_not = ipc._one_core()
    if cpu is None:
        pytest.skip(f"cannot pin here: {why_not}")
    before = ipc.os.sched_getaffinity(0)
    seen: list[set[int]] = []
    with ipc._on_cpu(cpu):
        assert ipc.os.sched_getaffinity(0) == {cpu}
        worker = threading.Thread(target=lambda: seen.append(ipc.os.sched_getaffinity(0)))
        worker.start()
        worker.join()
    assert seen == [{cpu}]
    assert ipc.os.sched_getaffinity(0) == before


def test_one_core_says_why_not_where_a_thread_cannot_be_pinned(monkeypatch):
    monkeypatch.delattr(ipc.os, "sched_setaffinity")
    cpu, why_not = ipc._one_core()
    assert cpu is None and "sched_setaffinity" in why_not


def test_the_reason_says_where_the_ends_ran_and_gives_the_round_trip_across_cores():
    data = _data({s: 3.0 for s in SIZES})
    assert "CPU" not in _judge(data).reason  # files from before placement was kept
    across = _data({8: 0.7, 1024: 3.0, 65536: 3.0, 1048576: 3.0})
    data["settings"]["placement"] = {"one_core": 1, "why_not": None}
    data[ipc.ACROSS] = {k: across[k] for k in (ipc.LATENCY, ipc.THROUGHPUT)}
    verdict = _judge(data)
    assert verdict.verdict == "holds"  # the pass across cores does not enter the rule
    assert "judged with both ends on CPU 1 (the channel's own cost)" in verdict.reason
    assert "across cores, as scheduled, 8 B round trip 10 us vs 7 us (fork_pipe, 0.7x)" in (
        verdict.reason
    )
    data["settings"]["placement"] = {"one_core": None, "why_not": "one CPU"}
    del data[ipc.ACROSS]
    assert "ends as scheduled (one CPU)" in _judge(data).reason
