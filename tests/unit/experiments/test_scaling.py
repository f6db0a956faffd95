"""The scaling claims' rules on made-up speed-ups, and a tiny real measurement."""

from __future__ import annotations

import pytest

from pylab.experiments import scaling
from pylab.experiments.base import LEVELS


def _entry(s: float, workers: int = 2, method: str | None = None) -> dict:
    return {
        "workers": workers,
        "start_method": method,
        "speedup": {"median": s, "low": s * 0.95, "high": s * 1.05, "confidence": 0.97},
    }


def _data(**speedups: tuple[float, float]) -> dict:
    """speedups: name -> (threads, processes), names with '_' for '/'."""
    kernels = {
        k.replace("_", "/", 1): {"threads": _entry(t), "processes": _entry(p, method="fork")}
        for k, (t, p) in speedups.items()
    }
    return {
        "cores": 2,
        "workers": 2,
        "kernels": kernels,
        "one_worker": {
            "threads": {"speedup": _entry(1.0)["speedup"], "throughput_per_s": {"median": 1e9}},
            "processes": {"speedup": _entry(0.97)["speedup"], "throughput_per_s": {"median": 1e9}},
        },
        "external": {"hashlib.sha256": _entry(1.9), "numpy.sin": _entry(1.8)},
    }


TYPICAL = dict(
    compute_gil=(1.0, 1.9), compute_nogil=(1.95, 1.9), compute_py=(1.0, 1.9),
    io_gil=(1.0, 1.95), io_nogil=(1.98, 1.95), io_py=(1.98, 1.9),
)  # fmt: skip


def _verdicts(data: dict) -> dict[str, str]:
    return {v.claim: v.verdict for v in scaling.judge(data)}


def test_typical_machine() -> None:
    assert _verdicts(_data(**TYPICAL)) == {
        "C04": "holds", "C05": "holds", "C09": "partly", "C15": "holds", "C16": "holds",
        "C17": "holds",
    }  # fmt: skip


def test_c04_fails_when_per_worker_throughput_differs() -> None:
    data = _data(**TYPICAL)
    data["one_worker"]["processes"]["speedup"] = _entry(1.4)["speedup"]
    (c04,) = [v for v in scaling.judge(data) if v.claim == "C04"]
    assert c04.verdict == "fails" and "uncertain" not in c04.reason


def test_c04_is_undecided_when_the_interval_crosses_the_band() -> None:
    data = _data(**TYPICAL)
    data["one_worker"]["threads"]["speedup"] = {"median": 0.9, "low": 0.75, "high": 1.0}
    (c04,) = [v for v in scaling.judge(data) if v.claim == "C04"]
    assert c04.verdict == "undecided" and c04.data["possible"] == ["holds", "fails"]
    assert c04.reason.startswith("undecided (holds or fails: an interval crosses a bound); ")
    assert "(uncertain)" in c04.reason  # the medians' own reason follows, as it was


def test_a_scaling_claim_is_undecided_only_when_a_figure_crosses_its_mark() -> None:
    data = _data(**TYPICAL)
    (c05,) = [v for v in scaling.judge(data) if v.claim == "C05"]
    data["kernels"]["compute/gil"]["processes"]["speedup"] |= {"low": 1.1}  # across 1.40x
    (wide,) = [v for v in scaling.judge(data) if v.claim == "C05"]
    assert c05.verdict == "holds" and wide.verdict == "undecided"
    assert wide.data["possible"] == ["holds", "fails"]  # the verdicts its ends give


def test_claims_read_from_a_disturbed_cell_are_uncertain_and_say_which() -> None:
    data = _data(**TYPICAL)
    data["kernels"]["compute/gil"]["processes"]["doubts"] = ["compute/gil fork W=2 disturbed"]
    by_claim = {v.claim: v for v in scaling.judge(data)}
    assert by_claim["C05"].uncertain == "compute/gil fork W=2 disturbed"
    assert by_claim["C09"].uncertain == "compute/gil fork W=2 disturbed"
    assert by_claim["C16"].uncertain is None and by_claim["C17"].uncertain is None


# 1.32x [1.25-1.39]: clear of both marks (1.25x, 1.40x), as a decided verdict needs
@pytest.mark.parametrize(
    ("processes", "verdict"), [(1.9, "holds"), (1.32, "partly"), (1.0, "fails")]
)
def test_c05_gil_holding_kernel_in_processes(processes: float, verdict: str) -> None:
    assert _verdicts(_data(**{**TYPICAL, "compute_gil": (1.0, processes)}))["C05"] == verdict


def test_c09_holds_when_nothing_scales_in_threads_and_fails_when_everything_does() -> None:
    none = _data(**{**TYPICAL, "compute_nogil": (1.0, 1.9)})
    assert _verdicts(none)["C09"] == "holds"
    every = _data(**{k: (1.9, 1.9) for k in TYPICAL})
    assert _verdicts(every)["C09"] == "fails"


def test_c15_partly_when_an_outside_extension_does_not_scale() -> None:
    data = _data(**TYPICAL)
    data["external"]["numpy.sin"] = _entry(1.0)
    assert _verdicts(data)["C15"] == "partly"
    data["external"] = {"numpy.sin": _entry(1.0)}
    data["kernels"]["compute/nogil"]["threads"] = _entry(1.0)
    assert _verdicts(data)["C15"] == "fails"


def test_c16_judges_io_against_w_not_the_cores() -> None:
    data = _data(**TYPICAL)
    data["kernels"]["io/py"]["threads"] = _entry(3.9, workers=4)
    data["kernels"]["io/nogil"]["threads"] = _entry(2.0, workers=4)  # 2 cores, but 4 waits
    assert _verdicts(data)["C16"] == "partly"


@pytest.mark.parametrize(("gil", "verdict"), [(1.0, "holds"), (1.32, "partly"), (1.8, "fails")])
def test_c17_gil_holding_kernels_in_threads(gil: float, verdict: str) -> None:
    assert _verdicts(_data(**{**TYPICAL, "compute_gil": (gil, 1.9)}))["C17"] == verdict


def test_cells_of_a_run_are_used_and_the_rest_measured() -> None:
    cell = {
        "kernel": "compute", "variant": "gil", "params": {}, "unit": "iterations", "ok": True,
        "workers": 2, "start_method": None, "executor": "threads",
        "speedup": _entry(1.0)["speedup"], "cpu_per_wall": _entry(1.0)["speedup"],
    }  # fmt: skip
    found = scaling._from_cells([cell, {**cell, "executor": "processes", "start_method": "fork"}])
    assert list(found) == ["compute/gil"] and found["compute/gil"]["source"] == "run"


def test_tiny_measurement_gives_one_verdict_per_claim(claims_run) -> None:
    data = claims_run.data("scaling")
    verdicts = scaling.judge(data)
    assert [v.claim for v in verdicts] == list(scaling.CLAIMS)
    assert all(v.reason for v in verdicts)
    # the run stored what the rules say of the data it stored
    assert {v.claim: (v.verdict, v.reason) for v in verdicts} == claims_run.claims(scaling)


# Distinct figures, so that a reason shows the one its rule read, not a neighbour's.
FIGURES = dict(
    compute_gil=(1.03, 1.93), compute_nogil=(1.97, 1.91), compute_py=(0.96, 1.87),
    stream_nogil=(1.71, 1.66), objects_gil=(1.02, 1.12), io_gil=(1.01, 1.95),
    io_nogil=(1.98, 1.94), io_py=(1.96, 1.9),
)  # fmt: skip


@pytest.mark.parametrize(
    ("claim", "figures"),
    [
        ("C04", ["1.00x [0.95-1.05] in a thread", "0.97x [0.92-1.02] in a fork process",
                 "ratio 1.03 [0.93-1.14], within the 15% band"]),
        ("C05", ["2 fork processes: 1.93x", "scaling needs 1.40x", "a partial gain 1.25x"]),
        ("C09", ["scale in threads: compute/nogil 1.97x, stream/nogil 1.71x",
                 "only in processes: compute/gil (threads 1.03x, processes 1.93x), "
                 "compute/py (threads 0.96x, processes 1.87x)",
                 "in neither: objects/gil (threads 1.02x, processes 1.12x)",
                 "scaling needs 1.40x (0.7 x ideal 2)"]),
        ("C15", ["compute/nogil 1.97x, stream/nogil 1.71x, hashlib.sha256 1.90x",
                 "(compute/gil 1.03x)", "scaling needs 1.40x"]),
        ("C16", ["io/nogil 1.98x, io/py 1.96x", "(io/gil): 1.01x",
                 "scaling needs 1.40x (0.7 x W=2"]),
        ("C17", ["compute/gil 1.03x, compute/py 0.96x, objects/gil 1.02x",
                 "scaling needs 1.40x", "a partial gain 1.25x"]),
    ],
)  # fmt: skip
def test_each_reason_carries_the_figures_its_rule_read(claim: str, figures: list[str]) -> None:
    (verdict,) = [v for v in scaling.judge(_data(**FIGURES)) if v.claim == claim]
    for figure in figures:
        assert figure in verdict.reason, verdict.reason


def test_a_partly_c15_names_what_fell_short() -> None:
    data = _data(**FIGURES)
    data["external"]["numpy.sin"] = _entry(1.12)
    (c15,) = [v for v in scaling.judge(data) if v.claim == "C15"]
    assert c15.verdict == "partly" and c15.reason.endswith("short of it: numpy.sin")
    assert "numpy.sin 1.12x" in c15.reason


@pytest.mark.parametrize(
    ("low", "high", "clear"),
    [(1.5, 1.9, True), (1.0, 1.2, True), (1.3, 1.5, False), (1.1, 1.3, False)],
)
def test_an_outside_extension_is_measured_further_only_while_its_interval_crosses_a_mark(
    low, high, clear
):
    # W=2 on 2 cores: it scales from 1.40x, gains partly from 1.25x.
    entry = {"workers": 2, "speedup": {"median": (low + high) / 2, "low": low, "high": high}}
    assert scaling._level_is_clear(entry, cores=2) is clear


@pytest.mark.parametrize(
    ("readings", "attempts", "short"),
    [([1.0, 1.0], 1, False), ([1.5, 1.4, 1.0, 1.0], 2, False), ([1.5, 1.4, 1.6, 1.3], 2, True)],
)
def test_an_outside_call_short_of_cores_is_measured_again_then_flagged(
    monkeypatch, readings, attempts, short
):
    # The checks and the pairs made up: the first attempt reads 1.2x, the second 1.8x.
    checks, speeds = iter(readings), iter([[1.2] * 6, [1.8] * 6])
    monkeypatch.setattr(scaling.capacity, "workers_for", lambda w: w)
    monkeypatch.setattr(scaling.capacity, "slowdown", lambda w: next(checks))
    monkeypatch.setattr(scaling, "_parts_for", lambda call, w, level: 4)
    monkeypatch.setattr(scaling, "_speedups_until_clear", lambda *a: next(speeds))
    found = scaling._outside_call("zlib.compress", None, 2, LEVELS["tiny"], 2)
    assert found["attempts"] == attempts and found["capacity"]["short"] is short
    assert found["speedup"]["median"] == (1.2 if attempts == 1 else 1.8)
    assert bool(found.get("doubts")) is short
    if short:
        assert found["doubts"][0].startswith("zlib.compress threads W=2 short of cores (2 ")
