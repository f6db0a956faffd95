"""How many pairs a cell takes and which it trusts (pylab.measure.sampling), on synthetic runs."""

from __future__ import annotations

import itertools

import pytest

from pylab.host.load import Reading
from pylab.measure import sampling
from pylab.measure.sampling import MAX_PAIRS, Policy, Timed, disturbance, precise, take

QUIET = Reading(0.2, 0.0, 0.0)


def _run(wall: float, cpu: float | None = None, busy: float = 0.0, share: float = 1.0) -> Timed:
    return Timed(wall, wall if cpu is None else cpu, share, Reading(wall, busy, 0.0))


class Clock:
    """A clock that advances by `step` seconds at each reading."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def _feed(serial: list[Timed], parallel: list[Timed]):
    """Run callables that hand out the given runs in turn (then repeat the last)."""

    def source(runs: list[Timed]):
        it = itertools.chain(runs, itertools.repeat(runs[-1]))
        return lambda pair: next(it)

    return source(serial), source(parallel)


def test_precision_is_the_full_width_of_the_median_interval() -> None:
    assert precise([2.0, 2.02, 1.98, 2.01, 1.99, 2.0], 0.10, 6)
    assert not precise([2.0, 2.02, 1.98, 2.01, 1.99], 0.10, 6)  # too few
    assert not precise([2.0, 1.6, 1.98, 2.01, 1.99, 2.0], 0.10, 6)  # [1.6, 2.02] is 21% wide


def test_a_precise_cell_stops_at_the_least_pairs() -> None:
    serial, parallel = _feed([_run(0.2)] * 20, [_run(0.1)] * 20)
    sample = take(serial, parallel, Policy(6, 0.10, 60.0, warmups=1), Clock(0.3))
    assert (len(sample.every), sample.stopped, sample.disturbed) == (6, "precise", 0)
    assert sample.ratios == [2.0] * 6


def test_a_wide_cell_takes_pairs_until_its_time_is_spent() -> None:
    walls = itertools.cycle([0.1, 0.14, 0.08])  # 1.4x to 2.5x: never 10% wide
    serial, parallel = _feed([_run(0.2)] * 100, [_run(next(walls)) for _ in range(100)])
    sample = take(serial, parallel, Policy(6, 0.10, 3.0), Clock(0.3))
    assert sample.stopped == "time" and 9 <= len(sample.every) <= 11  # 3 s of 0.3 s pairs


def test_max_time_zero_takes_exactly_the_least_pairs() -> None:
    walls = itertools.cycle([0.1, 0.14, 0.08])
    serial, parallel = _feed([_run(0.2)] * 20, [_run(next(walls)) for _ in range(20)])
    sample = take(serial, parallel, Policy(6, 0.10, 0.0), Clock(0.3))
    assert (len(sample.every), sample.stopped) == (6, "time")


def test_no_cell_takes_more_than_max_pairs() -> None:
    walls = itertools.cycle([0.1, 0.2])
    serial, parallel = _feed([_run(0.2)] * 300, [_run(next(walls)) for _ in range(300)])
    sample = take(serial, parallel, Policy(6, 0.0, 1e9), Clock(0.0))
    assert (len(sample.every), sample.stopped) == (MAX_PAIRS, "pairs")


def test_a_pair_beside_a_busy_machine_is_set_aside_and_retaken() -> None:
    serial_runs = [_run(0.2), _run(0.33, busy=0.9)] + [_run(0.2)] * 20
    serial, parallel = _feed(serial_runs, [_run(0.1)] * 22)
    sample = take(serial, parallel, Policy(6, 0.10, 60.0), Clock(0.3))
    assert sample.disturbed == 1 and len(sample.every) == 7 and len(sample.pairs) == 6
    assert sample.ratios == [2.0] * 6 and not sample.used_disturbed
    assert "0.69 cores of other work beside the pair" in sample.reasons  # 0.9 x 0.33 / 0.43


def test_a_run_slowed_from_outside_is_seen_in_its_cpu_time() -> None:
    """No background in the guest, but the parallel run did 1.6x the CPU for the same
    work: the host took its CPU. Its pair is not trusted."""
    pairs = [(_run(0.2), _run(0.1)), (_run(0.2), _run(0.16)), (_run(0.2), _run(0.1))]
    assert disturbance(pairs) == [None, "the parallel run was slowed 1.60x more than the other",
                                  None]  # fmt: skip


def test_a_spell_that_slows_both_runs_alike_keeps_the_pair() -> None:
    pairs = [(_run(0.2), _run(0.1))] * 3 + [(_run(0.28), _run(0.14)), (_run(0.2), _run(0.13))]
    assert disturbance(pairs)[3:] == [None, "the parallel run was slowed 1.30x more than the other"]


def test_the_fastest_run_is_no_reference() -> None:
    """One outlier-fast parallel run must not make every other pair look uneven."""
    pairs = [(_run(0.2), _run(0.06))] + [(_run(0.2), _run(0.1))] * 5
    assert disturbance(pairs)[1:] == [None] * 5


def test_a_run_that_mostly_waits_is_judged_by_background_only() -> None:
    pairs = [(_run(0.2, share=0.01), _run(0.1, share=0.01)),
             (_run(0.2, share=0.01), _run(0.3, cpu=0.3, share=0.01))]  # fmt: skip
    assert disturbance(pairs) == [None, None]


def test_too_few_clean_pairs_uses_them_all_and_says_so() -> None:
    serial, parallel = _feed([_run(0.2, busy=1.0)] * 10, [_run(0.1)] * 10)
    sample = take(serial, parallel, Policy(6, 0.10, 1.0), Clock(0.3))
    assert sample.used_disturbed and len(sample.pairs) == len(sample.every)
    assert sample.disturbed == len(sample.every)


@pytest.mark.parametrize("warmups", [0, 2])
def test_warmups_are_taken_and_dropped(warmups: int) -> None:
    calls: list[int] = []

    def serial(pair: int) -> Timed:
        calls.append(pair)
        return _run(0.2 if len(calls) > warmups else 5.0)

    sample = take(serial, lambda pair: _run(0.1), Policy(6, 0.10, 60.0, warmups), Clock(0.3))
    assert len(calls) == warmups + 6 and sample.ratios == [2.0] * 6


@pytest.mark.parametrize(
    ("serial", "parallel", "why"),
    [
        ((0.10, 0.05), [(0.05, [0.05, 0.05]), (0.06, [0.05, 0.055])], None),  # alike
        ((0.10, 0.05), [(0.06, [0.05, 0.085])], "one parallel copy used 1.70x the CPU"),
        ((0.19, 0.095), [(0.05, [0.05, 0.05])], "the serial run used 1.90x the CPU per copy"),
        # copies slowed alike (memory both share, or both cores): left to the checks
        ((0.10, 0.05), [(0.09, [0.09, 0.09])], None),
        ((0.10, 0.001), [(0.05, [0.001, 0.004])], None),  # they wait: no CPU to compare
    ],
)
def test_a_repeat_whose_copies_used_unlike_cpu_is_doubted(serial, parallel, why):
    wall, per_copy = serial
    runs = [sampling.Copies(w, cpus) for w, cpus in parallel]
    found = sampling.uneven_copies(sampling.Copies(wall, [per_copy] * 2), *runs)
    assert (found is None) if why is None else found.startswith(why)
