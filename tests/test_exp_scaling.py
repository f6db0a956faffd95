"""The scaling claims' rules on made-up speed-ups, and a tiny real measurement."""

from __future__ import annotations

import json

import pytest

from pylab.experiments import scaling
from pylab.experiments.base import LEVELS, VERDICTS


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


def test_c04_says_uncertain_when_the_interval_crosses_the_band() -> None:
    data = _data(**TYPICAL)
    data["one_worker"]["threads"]["speedup"] = {"median": 0.9, "low": 0.75, "high": 1.0}
    (c04,) = [v for v in scaling.judge(data) if v.claim == "C04"]
    assert c04.verdict == "holds" and "(uncertain)" in c04.reason


@pytest.mark.parametrize(
    ("processes", "verdict"), [(1.9, "holds"), (1.3, "partly"), (1.0, "fails")]
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


@pytest.mark.parametrize(("gil", "verdict"), [(1.0, "holds"), (1.3, "partly"), (1.8, "fails")])
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


def test_tiny_measurement_gives_one_verdict_per_claim() -> None:
    data = scaling.measure(LEVELS["tiny"], [])
    json.dumps(data)
    verdicts = scaling.judge(data)
    assert [v.claim for v in verdicts] == list(scaling.CLAIMS)
    assert all(v.verdict in VERDICTS and v.reason for v in verdicts)
