"""The ipc experiment (C10): its rule on made-up numbers, and one real tiny run."""

from __future__ import annotations

import json
import multiprocessing
import threading

import pytest

from pylab.experiments import ipc
from pylab.experiments.base import LEVELS, Verdict

SIZES = [8, 1024, 65536, 1048576]
LARGEST = str(max(SIZES))


def _summary(value: float) -> dict[str, float]:
    return {"median": value, "low": value * 0.9, "high": value * 1.1, "confidence": 0.96}


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


def test_a_tiny_run_in_this_process_cleans_up():
    # Measured here, not read from the claims run: there each experiment runs in a child
    # that is killed whole afterwards, so processes or threads it left behind go unseen.
    threads_before = threading.active_count()
    data = ipc.measure(LEVELS["tiny"], [])
    json.dumps(data)
    assert multiprocessing.active_children() == []
    assert threading.active_count() == threads_before
    assert set(data["latency_us"]) == set(data["settings"]["channels"])


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
