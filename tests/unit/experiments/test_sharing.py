"""The sharing experiment (C02, C13): its rules on made-up copy and read-back times, the
figures in its reasons, its sizes, and the session's tiny run."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pylab.base import extras
from pylab.experiments import sharing
from pylab.experiments.base import LEVELS
from tests.unit.experiments import leftover_workers, verdicts

HAS_THEM = extras.why_no_subinterpreters() is None
KIB = 1 << 10
MIB = 1 << 20




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


# --- the session's tiny claims run (conftest.claims_run): as a run measured it


def test_tiny_run_is_judged(claims_run) -> None:
    data = claims_run.data("sharing")
    json.dumps(data, allow_nan=False)
    assert {"workers", "sizes", "methods", "zero_copy_seen", "read_back"} <= set(data)
    found = sharing.judge(data)
    assert [v.claim for v in found] == list(sharing.CLAIMS)
    # the run stored what the rules say of the data it stored
    assert {v.claim: (v.verdict, v.reason) for v in found} == claims_run.claims(sharing)


@pytest.mark.skipif(HAS_THEM, reason="this interpreter has subinterpreters")
def test_without_subinterpreters_sharing_records_why_and_its_reason_says_so(claims_run) -> None:
    why = extras.why_no_subinterpreters()
    data = claims_run.data("sharing")
    assert data["subinterpreters"] == {"available": False, "reason": why}
    (first, *_) = sharing.judge(data)
    assert f"subinterpreters not measured here: {why}" in first.reason
    assert not {"interp_memoryview", "interp_pickled"} & set(data["methods"])


def test_a_tiny_run_in_this_process_leaves_no_worker_behind() -> None:
    # Measured here, not read from the claims run: there each experiment runs in a child
    # that is killed whole afterwards, so workers it left running go unseen.
    json.dumps(sharing.measure(LEVELS["tiny"], []), allow_nan=False)
    assert leftover_workers() == []
