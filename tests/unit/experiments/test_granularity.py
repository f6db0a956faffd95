"""The granularity experiment (C21): judge's rule on made-up data, and one tiny real run."""

from __future__ import annotations

import json

import pytest

from pylab.base.stats import summarize
from pylab.experiments import granularity as exp
from pylab.experiments.base import LEVELS


def _point(chunk: int, speedups: dict[str, float]) -> dict:
    return {
        "chunk": chunk,
        "work": 1000,
        "serial_ns_per_iter": 1.0,
        "speedup": {w: summarize([s, s, s]) for w, s in speedups.items()},
    }


def _data(by_chunk: dict[int, float], four: dict[int, float] | None = None) -> dict:
    sweep = []
    for chunk, s in by_chunk.items():
        speedups = {"2": s} | ({"4": four[chunk]} if four else {})
        sweep.append(_point(chunk, speedups))
    ns = {"1": summarize([60.0] * 3), "2": summarize([130.0] * 3)}
    settings = {"usable_cores": 2}
    return {"settings": settings, "sweep": sweep, "roundtrip": {"ns": ns}, "note": "made up"}


def _verdict(by_chunk: dict[int, float], four: dict[int, float] | None = None):
    verdicts = exp.judge(_data(by_chunk, four))
    assert [v.claim for v in verdicts] == list(exp.CLAIMS)
    assert "\n" not in verdicts[0].reason
    return verdicts[0]


LOW, HIGH = exp.bounds(2)["flat_below"], exp.bounds(2)["scales_at"]


def test_holds_when_small_chunks_lose_all_parallelism() -> None:
    v = _verdict({10**6: 1.9, 10**3: 1.7, 100: 0.5, 1: 0.45})
    assert v.verdict == "holds"
    assert v.data["crossover_chunk"] == 100
    assert "chunk 100" in v.reason and "60 ns alone" in v.reason


@pytest.mark.parametrize(
    ("smallest", "expected"),
    [
        (LOW - 0.01, "holds"),
        (LOW + 0.01, "partly"),  # part of the speed-up lost
        (HIGH - 0.01, "partly"),
        (HIGH, "fails"),  # even the smallest chunk scales
        (1.95, "fails"),
    ],
)
def test_smallest_chunk_bound(smallest: float, expected: str) -> None:
    assert _verdict({10**6: 1.95, 1: smallest}).verdict == expected


@pytest.mark.parametrize(("largest", "expected"), [(HIGH, "holds"), (HIGH - 0.01, "partly")])
def test_largest_chunk_must_scale(largest: float, expected: str) -> None:
    v = _verdict({10**6: largest, 1: 0.5})
    assert v.verdict == expected
    assert ("did not scale" in v.reason) == (expected == "partly")


def test_one_low_reading_at_the_largest_chunk_does_not_decide() -> None:
    v = _verdict({10**6: 1.30, 10**5: 1.8, 10**3: 1.6, 1: 0.3})
    assert v.verdict == "holds"
    assert "1.30x at chunk 1,000,000 (~1 ms/release), best 1.80x at chunk 100,000" in v.reason
    assert v.data["best_chunk"] == 10**5


def test_crossover_is_where_every_smaller_chunk_stays_low() -> None:
    # a noisy dip at 1e5 is not the crossover: 1e4 scales again
    v = _verdict({10**6: 1.9, 10**5: 1.3, 10**4: 1.8, 10**3: 1.35, 100: 0.6, 1: 0.5})
    assert v.data["crossover_chunk"] == 10**3
    assert _verdict({10**6: 1.9, 1: 1.6}).data["crossover_chunk"] is None


def test_four_threads_reported_when_measured() -> None:
    v = _verdict({10**6: 1.9, 1: 0.5}, four={10**6: 3.5, 1: 0.4})
    assert v.verdict == "holds"
    assert "4 threads 0.40x" in v.reason


def test_thread_widths() -> None:
    assert exp.thread_widths(LEVELS["default"], 2) == [2]
    assert exp.thread_widths(LEVELS["quick"], 8) == [2]
    assert exp.thread_widths(LEVELS["full"], 8) == [2, 4]


def test_tiny_run_is_judged(claims_run) -> None:
    data = claims_run.data("granularity")
    assert data["note"] and data["settings"]["threads"][0] == 2
    for point in data["sweep"]:
        assert point["work"] >= point["chunk"] * 2
        assert set(point["speedup"]) == {str(w) for w in data["settings"]["threads"]}
    assert {"1", "2"} <= set(data["roundtrip"]["ns"])
    verdicts = exp.judge(data)
    assert [v.claim for v in verdicts] == list(exp.CLAIMS)
    # the run stored what the rule says of the data it stored
    assert {v.claim: (v.verdict, v.reason) for v in verdicts} == claims_run.claims(exp)
    json.dumps([v.as_dict() for v in verdicts])


def test_the_reason_gives_the_speedups_and_both_marks() -> None:
    v = _verdict({10**6: 1.93, 10**3: 1.7, 100: 0.61, 1: 0.47})
    assert "2 threads: 1.93x at chunk 1,000,000 (~1 ms/release), 0.47x at chunk 1" in v.reason
    assert "scaling needs 1.40x, no parallelism left below 1.25x" in v.reason
    assert "below 1.40x from chunk 100 (~100 ns/release)" in v.reason
    assert "round trip 60 ns alone, 130 ns contended" in v.reason
