"""The races experiment: real lost updates without a lock, none with one; its rules."""

from __future__ import annotations

import json

import pytest

from pylab.experiments import races
from pylab.experiments._kit import MORE_ROUNDS
from pylab.experiments.base import LEVELS

NOGIL_N = 50_000_000  # about 15 ms per thread: long enough for two threads to overlap
ATTEMPTS = 5  # overlap depends on when the OS starts each thread; one race is proof


def test_nogil_threads_lose_updates_without_a_lock():
    lost = [races.lost_threads_nogil(2, NOGIL_N)[0] for _ in range(ATTEMPTS)]
    # A thread preempted between its load and its store can overwrite many of the other's
    # updates, so more than n can be lost; never all 2n (the last store counts).
    assert all(0 <= x < 2 * NOGIL_N for x in lost)
    assert max(lost) > 0


def test_threads_with_a_lock_lose_none():
    for workers, n in ((2, 100_000), (4, 50_000)):
        lost, made = races.lost_threads_python_get(workers, n, locked=True)
        assert lost == 0 and 0 < made <= workers * n


def test_shared_memory_processes_lose_updates_without_a_lock():
    lost = [races.lost_processes_shared(2, NOGIL_N)[0] for _ in range(ATTEMPTS)]
    assert max(lost) > 0


def test_processes_with_a_lock_or_private_memory_lose_none():
    assert races.lost_processes_shared(2, 5_000, locked=True) == (0, 10_000)
    assert races.lost_processes_private(2, 1_000_000) == (0, 2_000_000)


def test_a_python_thread_stops_at_its_time_budget_and_the_updates_it_made_are_counted(
    monkeypatch,
):
    monkeypatch.setattr(races, "UPDATE_BUDGET_S", 0.0)  # past the deadline at the first look
    lost, made = races.lost_threads_python_get(2, 10 * races.CHECK_EVERY, locked=True)
    assert (lost, made) == (0, 2 * races.CHECK_EVERY)


def test_every_design_applies_every_update_it_protects():
    for design in ("coarse", "fine", "queue"):
        lost, seconds, made = races.dict_updates(design, 2, 5_000)
        assert lost == 0 and seconds > 0 and made == 2 * 5_000


@pytest.mark.parametrize("design", ["coarse", "fine", "unlocked"])
def test_a_dict_design_stops_at_its_time_budget_and_counts_what_it_made(monkeypatch, design):
    monkeypatch.setattr(races, "UPDATE_BUDGET_S", 0.0)  # past the deadline at the first look
    lost, seconds, made = races.dict_updates(design, 2, 10 * races.CHECK_EVERY)
    assert made == 2 * races.CHECK_EVERY and seconds > 0
    assert 0 <= lost <= made and (design == "unlocked" or lost == 0)


@pytest.mark.parametrize("design", races.LOCKED_DESIGNS)
def test_locked_work_loses_no_update_under_either_lock(design):
    # A key's state is the update applied as often as the key was updated: 2 threads x 200
    # updates over 64 keys, offset, update each key 6 or 7 times; replayed here serially.
    states, seconds = races.locked_work(design, 2, 200, 1000)
    expected: dict[int, int] = {}
    for slot in range(2):
        for i in range(200):
            races._locked_update(expected, (i + slot * races.KEYS // 2) % races.KEYS, 1000)
    assert states == expected and seconds > 0


# --- the rules, on made-up data ---------------------------------------------------------


def _interval(value: float, spread: float = 0.05) -> dict[str, float]:
    return {
        "median": value,
        "low": value * (1 - spread),
        "high": value * (1 + spread),
        "confidence": 0.9,
    }


def _variant(lost: int, locked: bool = False, n: int = 1000) -> dict:
    return {
        "kind": "threads",
        "locked": locked,
        "n": n,
        "workers": {
            str(w): {"lost": [lost] * 3, "rate": _interval(lost / (w * n), 0)}
            for w in races.WORKERS
        },
    }


def _data() -> dict:
    """Made-up data on which every rule gives its positive answer."""
    lost = {name: _variant(500, locked) for name, (_, _, locked) in races.VARIANTS.items()}
    for name in ("threads_python", "processes_private", "threads_locked"):
        lost[name] = _variant(0, lost[name]["locked"])
    lost["processes_shared_locked"] = _variant(0, True)
    designs = {
        "coarse": {"n": 1000, "lost": [0, 0, 0], "updates_per_s": _interval(3e6)},
        "fine": {"n": 1000, "lost": [0, 0, 0], "updates_per_s": _interval(1.5e6)},
        "queue": {"n": 1000, "lost": [0, 0, 0], "updates_per_s": _interval(0.4e6)},
        "unlocked": {"n": 1000, "lost": [10, 0, 5], "updates_per_s": _interval(12e6)},
    }
    return {
        "settings": {"workers": list(races.WORKERS), "repeats": 3},
        "lost_updates": lost,
        "designs": {"workers": 2, "keys": races.KEYS, "designs": designs},
    }


def _verdicts(data: dict) -> dict[str, str]:
    return {v.claim: v.verdict for v in races.judge(data)}


def test_judge_positive_case():
    verdicts = races.judge(_data())
    assert [v.claim for v in verdicts] == list(races.CLAIMS)
    assert {v.claim: v.verdict for v in verdicts} == {
        "C06": "holds",
        "C19": "holds",
        "C20": "opinion",
    }
    assert all("\n" not in v.reason for v in verdicts)


def test_c06_fails_when_private_processes_lose_updates():
    data = _data()
    data["lost_updates"]["processes_private"] = _variant(1)
    assert _verdicts(data)["C06"] == "fails"


def test_c06_fails_when_shared_memory_never_loses():
    data = _data()
    data["lost_updates"]["processes_shared"] = _variant(0)
    assert _verdicts(data)["C06"] == "fails"


def test_c06_partly_when_the_lock_does_not_protect():
    data = _data()
    data["lost_updates"]["processes_shared_locked"] = _variant(1, True)
    assert _verdicts(data)["C06"] == "partly"


def test_c19_fails_when_no_update_is_lost_without_a_lock():
    data = _data()
    data["designs"]["designs"]["unlocked"]["lost"] = [0, 0, 0]
    assert _verdicts(data)["C19"] == "fails"


@pytest.mark.parametrize("design", ["coarse", "fine", "queue"])
def test_c19_fails_when_a_safe_design_loses_updates(design):
    data = _data()
    data["designs"]["designs"][design]["lost"] = [0, 1, 0]
    assert _verdicts(data)["C19"] == "fails"


def test_c19_partly_when_granularity_makes_no_difference():
    data = _data()
    designs = data["designs"]["designs"]
    designs["coarse"]["updates_per_s"] = _interval(3e6, 0.01)
    designs["fine"]["updates_per_s"] = _interval(3e6 / (races.GRANULARITY_RATIO - 0.05), 0.01)
    assert _verdicts(data)["C19"] == "partly"
    designs["fine"]["updates_per_s"] = _interval(3e6 / (races.GRANULARITY_RATIO + 0.05), 0.01)
    assert _verdicts(data)["C19"] == "holds"


def test_c19_undecided_when_the_intervals_overlap():
    data = _data()
    data["designs"]["designs"]["fine"]["updates_per_s"] = _interval(2e6, 0.5)
    (c19,) = [v for v in races.judge(data) if v.claim == "C19"]
    assert c19.verdict == "undecided" and c19.data["possible"] == ["holds", "partly"]


def test_c20_is_an_opinion_reporting_the_unlocked_rates():
    for lost in (0, 500):
        data = _data()
        for name in ("threads_nogil", "threads_python_get", "processes_shared"):
            data["lost_updates"][name] = _variant(lost)
        (c20,) = [v for v in races.judge(data) if v.claim == "C20"]
        assert c20.verdict == "opinion"
        assert f"{lost / 2000:.1%} -> {lost / 4000:.1%}" in c20.reason
        assert set(c20.data["lost_rate"]) == {
            "threads_nogil",
            "threads_python",
            "threads_python_get",
            "processes_shared",
        }


# --- measured for real, at the tiny level (the session's claims run) ---------------------


def test_measure_tiny_then_judge(claims_run):
    data = claims_run.data("races")
    assert set(data["lost_updates"]) == set(races.VARIANTS)
    assert set(data["designs"]["designs"]) == set(races.DICT_SIZES)
    locked = data["designs"][races.LOCKED_WORK]
    assert set(locked["updates_per_s"]) == set(races.LOCKED_DESIGNS)
    verdicts = races.judge(data)
    assert [v.claim for v in verdicts] == list(races.CLAIMS)
    # the run stored what the rules say of the data it stored
    assert {v.claim: (v.verdict, v.reason) for v in verdicts} == claims_run.claims(races)
    json.dumps([v.as_dict() for v in verdicts])
    for name, variant in data["lost_updates"].items():
        if variant["locked"] or name == "processes_private":
            assert all(x == 0 for run in variant["workers"].values() for x in run["lost"])


def test_c06_reason_gives_the_counts_the_rule_read():
    data = _data()
    data["lost_updates"]["processes_shared_locked"] = _variant(2, True)
    (c06,) = [v for v in races.judge(data) if v.claim == "C06"]
    assert c06.verdict == "partly"
    assert "private memory lost 0 of 18000 updates" in c06.reason
    assert "lost 25.0% / 12.5% (median, W=2/4; 3000 of 18000 in all)" in c06.reason
    assert "with a multiprocessing Lock 12 of 18000" in c06.reason


def test_c19_reason_gives_the_intervals_and_the_ratio_it_needs():
    data = _data()
    (c19,) = [v for v in races.judge(data) if v.claim == "C19"]
    # a file from before the locked work was measured: judged on the dict updates
    assert "dict updates, 2x, intervals apart: granularity matters" in c19.reason
    assert "(it matters from 1.25x either way at both ends of the interval)" in c19.reason
    assert "dict updates/s coarse 3.00M [2.85M-3.15M], fine 1.50M [1.43M-1.57M], queue" in (
        c19.reason
    )
    assert "fastest dict design coarse (2x fine, 7.5x queue)" in c19.reason
    data["designs"]["designs"]["fine"]["updates_per_s"] = _interval(2e6, 0.5)
    (c19,) = [v for v in races.judge(data) if v.claim == "C19"]
    assert "dict updates, 1.5x, intervals overlap" in c19.reason
    assert "fine 2.00M [1.00M-3.00M]" in c19.reason
    assert c19.reason.startswith("undecided (holds or partly: an interval crosses a bound); ")


def _paired(data: dict, median: float, low: float, high: float) -> dict:
    """`data` with a per-round coarse/fine ratio, as runs record it now."""
    ratio = {"median": median, "low": low, "high": high, "confidence": 0.95}
    data["designs"][races.COARSE_OVER_FINE] = ratio
    return data


@pytest.mark.parametrize(
    ("interval", "verdict"),
    [
        ((1.0, 0.9, 1.1), "partly"),  # clear within the bound, either way round
        ((1.6, 1.4, 1.9), "holds"),  # clear above: coarse faster
        ((0.6, 0.5, 0.7), "holds"),  # clear below: fine faster
        ((1.1, 0.9, 1.4), "undecided"),  # straddles 1.25
        ((0.9, 0.7, 1.0), "undecided"),  # straddles 1 / 1.25
    ],
)
def test_c19_is_decided_from_the_paired_ratio_interval(interval, verdict):
    # The throughputs' own intervals would say "holds" (2x apart): the paired ratio rules.
    (c19,) = [v for v in races.judge(_paired(_data(), *interval)) if v.claim == "C19"]
    assert c19.verdict == verdict
    assert "coarse/fine per round" in c19.reason


def _locked(data: dict, median: float, low: float, high: float) -> dict:
    """`data` with the locked work's per-round coarse/fine ratio, as runs record it now."""
    rates = {d: _interval(1e5) for d in races.LOCKED_DESIGNS}
    ratio = {"median": median, "low": low, "high": high, "confidence": 0.95}
    data["designs"][races.LOCKED_WORK] = {
        "n": 100, "update_s": 2e-5, "iterations": 1000, "updates_per_s": rates,
        races.COARSE_OVER_FINE: ratio,
    }  # fmt: skip
    return data


@pytest.mark.parametrize(
    ("interval", "verdict"),
    [
        ((0.5, 0.45, 0.55), "holds"),  # fine locks let the C work run in parallel
        ((1.0, 0.9, 1.1), "partly"),
        ((0.9, 0.7, 1.0), "undecided"),
    ],
)
def test_c19_is_decided_from_the_locked_work_not_the_dict_updates(interval, verdict):
    # The dict updates' paired ratio straddles 1 / 1.25; the locked work's decides alone.
    data = _locked(_paired(_data(), 0.85, 0.7, 1.0), *interval)
    (c19,) = [v for v in races.judge(data) if v.claim == "C19"]
    assert c19.verdict == verdict and c19.data["judged_on"] == races.LOCKED_WORK
    assert "20 us updates in C with the GIL released, one lock vs a lock per key" in c19.reason
    assert "(coarse/fine per round 0.85x [0.7x-1x]: the GIL serializes them" in c19.reason


def _fake_designs(monkeypatch, coarse_s: list[float]) -> None:
    """dict_updates and locked_work made up: the unlocked design loses some, the others
    none; the coarse lock's locked work takes seconds cycling through `coarse_s`, all else
    1 s."""
    seen = {"coarse": 0}

    def updates(design: str, workers: int, n: int) -> tuple[int, float, int]:
        return (5 if design == "unlocked" else 0), 1.0, workers * n

    def locked(design: str, workers: int, n: int, iterations: int) -> tuple[dict, float]:
        if design == "coarse":
            seen["coarse"] += 1
            return {}, coarse_s[(seen["coarse"] - 1) % len(coarse_s)]
        return {}, 1.0

    monkeypatch.setattr(races, "dict_updates", updates)
    monkeypatch.setattr(races, "locked_work", locked)
    monkeypatch.setattr(races, "_update_iterations", lambda: 1000)


@pytest.mark.parametrize(
    ("coarse_s", "more"), [([2.0], False), ([1.0, 1 / 1.5], True)]
)
def test_c19_takes_more_rounds_only_while_its_interval_crosses_the_bound(
    monkeypatch, coarse_s, more
):
    _fake_designs(monkeypatch, coarse_s)
    level = LEVELS["tiny"]
    found = races._measure_designs(level)
    expected = MORE_ROUNDS * level.repeats if more else level.repeats
    assert found["rounds"] == expected
    assert len(found["designs"]["coarse"]["lost"]) == expected


def test_c19_is_undecided_when_the_ratio_interval_spans_the_whole_band():
    # Both ends beyond a bound (0.44x and 2.64x read "holds"), but the interval holds 1x,
    # where granularity makes no difference: not a confident "holds" (a 2026-12-06 run).
    (c19,) = [v for v in races.judge(_paired(_data(), 1.56, 0.44, 2.64)) if v.claim == "C19"]
    assert c19.verdict == "undecided" and c19.data["possible"] == ["holds", "partly"]
