"""Later rounds of the atlas's probe (pylab.atlas.rounds): which reading stands, and the
parent taking rounds over the calls with made-up children. Nothing is timed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pylab.atlas import rounds, run
from pylab.atlas.catalogue import Entry
from pylab.pythons.discovery import Python
from pylab.pythons.targets import Target
from tests.unit.probing.made_up import _data


def _round(rec: str | None, why: str | None = None) -> dict:
    return {"recommendation": rec, "unsettled": why, "error": None if rec else "crashed"}


@pytest.mark.parametrize(
    ("recs", "first_why", "stands", "more"),
    [
        (["threads"], None, 0, False),  # settled at once: one round
        (["threads"], "holds a mark", None, True),  # unsettled: a second round
        (["threads", "threads"], "holds a mark", 0, False),
        (["threads", "either"], "holds a mark", None, True),
        (["threads", "either", "either"], "holds a mark", 1, False),  # the later one stands
        (["threads", "either", "neither"], "holds a mark", None, False),  # none read twice
        (["threads", None, "threads"], "holds a mark", 0, False),  # a failed round is no vote
    ],
)
def test_the_first_recommendation_read_twice_stands(recs, first_why, stands, more) -> None:
    taken = [_round(recs[0], first_why), *[_round(r, "x") for r in recs[1:]]]
    assert rounds.chosen(taken) == stands
    assert rounds.wants_another(taken, 3) is more
    assert not rounds.wants_another(taken, 1)  # --rounds 1: never another


def _probe(t: float, p: float) -> dict:
    data = _data(t, p, share=0.01) | {"background_cores": 0.0, "workers": [2],
                                      "thread_cpu_per_wall": {"2": 1.9},
                                      "probe_size": 64, "calls_per_copy": 1}  # fmt: skip
    data["recommendation"] = {(1.9, 1.9): "either", (1.45, 1.9): "either",
                              (1.0, 1.9): "processes"}[(t, p)]  # fmt: skip
    data["reason"] = "made up"
    point = {"size": 64, "gil_share": data["gil_share"], "cpu_per_wall": 1.0,
             "thread_speedup": data["thread_speedup"]["2"]}  # fmt: skip
    return data | {"sweep": [{**point, "size": 8}, point]}


def test_later_rounds_rewrite_the_row_with_the_reading_that_stands(
    monkeypatch, tmp_path: Path
) -> None:
    # Round 1 reads threads at 1.45x [1.38-1.52] (across the 1.40x mark): unsettled. Round
    # 2 reads processes, round 3 processes again: the second round's reading stands.
    readings = iter([_probe(1.45, 1.9), _probe(1.0, 1.9), _probe(1.0, 1.9)])
    asked: list = []

    def child(self, entry, target, again=None):
        asked.append(again is not None)
        return {"sweep": [], "row": next(readings), "error": None, "skipped": None}

    monkeypatch.setattr(run.Atlas, "child", child)
    target = Target(Python(sys.executable, "given", "3.99.0", usable=True), sys.executable)
    entry = Entry("lib", "call", "f()", "pass", [8, 64])
    seen: list[str] = []
    results, _ = run.run(tmp_path / "a.json", [entry], [target],
                         run.Settings("quick", 2, None, None), ["atlas"], seen.append)  # fmt: skip
    (row,) = results["atlas"]
    assert asked == [False, True, True]
    assert [r["recommendation"] for r in row["rounds"]] == ["either", "processes", "processes"]
    assert row["rounds"][0]["unsettled"].startswith("the threads' 1.45x")
    assert row["recommendation"] == "processes" and row["settled"] is True
    assert row["thread_speedup"]["median"] == 1.0
    assert row["sweep"][-1]["thread_speedup"]["median"] == 1.0  # the largest size's point too
    assert row["sweep"][0]["size"] == 8  # the sweep's other sizes are round 1's
    assert any("round 2 [1/1] lib/call: the threads' 1.45x" in line for line in seen)
    third = "round 3 [1/1] lib/call: no recommendation read twice yet: either, processes"
    assert any(third in line for line in seen)


def test_no_recommendation_read_twice_keeps_the_first_and_says_so(
    monkeypatch, tmp_path: Path
) -> None:
    readings = iter([_probe(1.45, 1.9), _probe(1.0, 1.9)])
    monkeypatch.setattr(run.Atlas, "child", lambda self, e, t, again=None: {
        "sweep": [], "row": next(readings), "error": None, "skipped": None})
    target = Target(Python(sys.executable, "given", "3.99.0", usable=True), sys.executable)
    settings = run.Settings("quick", 2, None, None, rounds=2)
    results, _ = run.run(tmp_path / "a.json", [Entry("lib", "call", "f()", "pass", [8, 64])],
                         [target], settings, ["atlas"], lambda line: None)  # fmt: skip
    (row,) = results["atlas"]
    assert row["recommendation"] == "either" and row["settled"] is False
    assert row["reason"].startswith("unsettled: 2 rounds read either, processes; the first")


def test_a_later_round_has_the_deadline_of_one_size_or_the_timeout_given(tmp_path: Path) -> None:
    entry = Entry("lib", "call", "f()", "pass", [8, 64, 512, 4096])
    by_sizes = run.Atlas(tmp_path / "a.json", {}, run.Settings("quick", 2, None, None), print)
    assert by_sizes.deadline(entry, again=True) == run.BASE_DEADLINE_S + run.SIZE_DEADLINE_S
    assert by_sizes.deadline(entry) == run.BASE_DEADLINE_S + 3 * run.SIZE_DEADLINE_S
    given = run.Atlas(tmp_path / "b.json", {}, run.Settings("quick", 2, None, None, 5.0), print)
    assert given.deadline(entry, again=True) == given.deadline(entry) == 5.0
