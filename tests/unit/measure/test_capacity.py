"""The control beside each cell (pylab.measure.capacity): W threads on a C loop together
against one alone. Its reading on made-up checks, and on a core another process takes."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from pylab.measure import capacity
from pylab.results.cells import cell_doubts
from pylab.runner.lab import spoiled


def test_the_check_runs_where_two_threads_can_and_is_capped_at_the_cores(monkeypatch):
    monkeypatch.setattr(capacity, "usable_cores", lambda: 4)
    monkeypatch.setattr(capacity, "physical_cores", lambda: 2)  # 4 SMT siblings on 2 cores
    assert capacity.workers_for(8) == 2 and capacity.workers_for(1) is None
    monkeypatch.setattr(capacity, "physical_cores", lambda: 1)
    assert capacity.workers_for(8) is None


@pytest.mark.parametrize(
    ("before", "after", "short"),
    [(1.02, 1.04, False), (1.6, 1.03, False), (1.01, 1.5, False), (1.4, 1.3, True),
     (None, None, False)],
)  # fmt: skip
def test_a_cell_is_short_of_cores_when_both_checks_beside_it_read_above_the_slack(
    before, after, short
):
    record = capacity.record(2 if before else None, before, after)
    assert record["short"] is short and record["slack"] == capacity.SLACK
    cell = {"ok": True, "interference": {"used_disturbed": False, "capacity": record}}
    assert spoiled(cell) is short  # a short cell is retaken as a disturbed one is
    doubts = cell_doubts(cell)
    assert bool(doubts) is short
    if short:
        assert doubts == ["short of cores (2 threads ran a C loop 1.30x or more slower "
                          "together than alone, before and after it)"]  # fmt: skip


@pytest.mark.skipif(capacity.workers_for(2) is None, reason="fewer than 2 cores here")
def test_a_core_taken_by_another_process_reads_as_short():
    # A spinning process on one of the CPUs the check's threads are placed on: the thread
    # there gets about half of it, so the pair takes about twice as long as one alone.
    cpu = sorted(os.sched_getaffinity(0))[0]
    spin = subprocess.Popen([sys.executable, "-c", "while True: pass"],
                            preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))  # fmt: skip
    try:
        time.sleep(0.3)
        # The best of five: the scheduler now and then lets a thread just moved onto the
        # spinner's CPU run most of a 10 ms loop first (1.2-1.4x in 2 of 30 checks, 2-core VM).
        taken = max(capacity.slowdown(2) for _ in range(5))
    finally:
        spin.kill()
        spin.wait()
    assert taken > capacity.SLACK
    assert capacity.slowdown(2) > 0


@pytest.mark.parametrize(
    ("readings", "results", "attempts", "short"),
    [
        ([1.0, 1.6], [1], 1, False),  # one short check alone: measured once
        ([1.5, 1.4, 1.0, 1.0], [1, 2], 2, False),  # both short: measured again
        ([1.5, 1.4, 1.6, 1.3], [1, 2], 2, True),  # short again: the second kept, and said
    ],
)
def test_retaken_measures_once_more_only_after_two_short_checks(
    monkeypatch, readings, results, attempts, short
):
    checks, taken = iter(readings), []
    monkeypatch.setattr(capacity, "workers_for", lambda w: w)
    monkeypatch.setattr(capacity, "slowdown", lambda w: next(checks))
    result, record = capacity.retaken(2, lambda: taken.append(len(taken) + 1) or taken[-1])
    assert taken == results and result == results[-1]
    assert record["attempts"] == attempts and record["short"] is short


@pytest.mark.parametrize(
    ("readings", "kept", "short"),
    [
        ([1.0, 1.0, 1.1, 1.0], [0, 1, 2], False),  # every check good: the repeats asked for
        # a short check spoils the repeats on both sides of it; two more take their place
        ([1.0, 1.0, 1.5, 1.0, 1.0, 1.0], [0, 3, 4], False),
        # twice the repeats, two clean: too few, so every repeat is kept
        ([1.0, 1.0, 1.4, 1.0, 1.0, 1.3, 1.0], [0, 3], True),
        # no more once too few could be clean: four set aside of at most six leave two
        ([1.0, 1.4, 1.0, 1.0, 1.5, 1.0], [2], True),
        ([1.5, 1.5, 1.5, 1.5, 1.5], [], True),
    ],
)
def test_repeats_beside_a_short_check_are_set_aside_and_taken_again(
    monkeypatch, readings, kept, short
):
    checks, taken = iter(readings), []
    monkeypatch.setattr(capacity, "workers_for", lambda w: w)
    monkeypatch.setattr(capacity, "slowdown", lambda w: next(checks))
    runs = [lambda: taken.append(len(taken)) or len(taken) - 1, lambda: 1.0]
    times, record = capacity.repeats_checked(2, runs, 3)
    every = list(range(len(taken)))
    assert len(every) == record["repeats"] == len(readings) - 1
    assert [t[0] for t in times] == (every if short else kept)
    assert record["set_aside"] == record["repeats"] - len(kept) and record["short"] is short
    assert (record["before"], record["after"]) == (readings[0], readings[-1])
    assert all(rep[1] == 1.0 for rep in times)  # each repeat keeps its runs in order
    assert all(r.startswith("a check of the cores read") for r in record["reasons"])


def test_a_doubted_repeat_is_set_aside_like_one_beside_a_short_check(monkeypatch):
    monkeypatch.setattr(capacity, "workers_for", lambda w: w)
    monkeypatch.setattr(capacity, "slowdown", lambda w: 1.0)
    taken = []
    runs = [lambda: taken.append(len(taken)) or len(taken) - 1]
    doubt = lambda repeat: "odd" if repeat[0] % 2 else None  # noqa: E731
    times, record = capacity.repeats_checked(2, runs, 3, doubt)
    assert [t[0] for t in times] == [0, 2, 4] and record["reasons"] == ["odd"]
    assert record["set_aside"] == 2 and not record["short"]


def test_repeats_are_not_checked_where_nothing_runs_in_parallel(monkeypatch):
    monkeypatch.setattr(capacity, "workers_for", lambda w: None)
    monkeypatch.setattr(capacity, "slowdown", lambda w: pytest.fail("checked"))
    times, record = capacity.repeats_checked(1, [lambda: 2.0, lambda: 1.0], 3)
    assert times == [[2.0, 1.0]] * 3 and record["set_aside"] == 0 and not record["short"]
