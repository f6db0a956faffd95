"""The timing helpers every measurement uses: threads at a barrier, interleaved runs."""

from __future__ import annotations

import threading

import pytest

from pylab.measure.timing import interleaved, paired_ratios, run_threads, threaded


def test_threads_start_together_and_return_in_order() -> None:
    seen: set[int] = set()

    def target(i: int) -> int:
        seen.add(threading.get_ident())
        return i * 10

    run = run_threads(target, 3)
    assert run.results == [0, 10, 20]
    assert len(seen) == 3  # one thread each
    assert all(start >= run.released for start in run.starts)
    assert run.span_s >= max(run.own_s) >= 0


def test_the_first_thread_error_is_raised_after_all_ended() -> None:
    def boom(i: int) -> int:
        if i:
            raise ValueError("boom")
        return i

    with pytest.raises(ValueError, match="boom"):
        run_threads(boom, 2)


def test_a_part_that_raises_fails_the_parallel_run() -> None:
    def run(i: int) -> int:
        if i == 3:
            raise ValueError("part 3")
        return i

    assert threaded(lambda i: i, 5, 2) == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="part 3"):
        threaded(run, 4, 2)


def test_interleaved_alternates_the_order_and_drops_warmups() -> None:
    calls: list[str] = []

    def runner(name: str):
        def run() -> str:
            calls.append(name)
            return name

        return run

    got = interleaved([runner("a"), runner("b")], repeats=3, warmups=1)
    assert got == [["a", "b"]] * 3  # results in the order given, whatever ran first
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"]


def test_paired_ratios_check_the_parallel_result() -> None:
    assert len(paired_ratios(lambda: 1, lambda: 1, repeats=4)) == 4
    with pytest.raises(RuntimeError, match="different result"):
        paired_ratios(lambda: 1, lambda: 2, repeats=2)
