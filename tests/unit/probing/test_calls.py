"""Probing a call (pylab.probing.calls): the recommendation's rules on made-up probe data,
and real probes of kernels whose GIL share is known."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from pylab.kernels._ext import compute
from pylab.kernels.hashing import hash_sum_py
from pylab.measure.sampling import Copies
from pylab.probing import calls
from pylab.probing.calls import probe_target
from tests.unit.probing.made_up import BANDWIDTH, _probed


def _probe(fn, *args, expect: Callable[[dict], bool]) -> dict:
    """Probe fn(*args); a second try if the first misses `expect`. A neighbour on this
    shared 2-core machine can take the heartbeat's core or a thread's for a whole probe
    (one CI run saw compute/nogil miss); the kernel itself reads the same every time, so
    a variant that really held (or released) the GIL would miss twice."""
    call = lambda: fn(*args)  # noqa: E731
    for _ in range(2):
        data = probe_target(("callable", call), call, workers=[2], repeats=5)
        if expect(data):
            break
    return data


def _share(data: dict) -> float:
    return data["gil_share"]["median"]


def test_the_speedups_carry_the_load_beside_them_and_the_largest_ws_capacity(
    monkeypatch,
) -> None:
    checked = []

    def repeats_checked(w, runs, repeats, doubt):
        checked.append(w)
        repeat = [Copies(2.0, [1.0] * w), Copies(1.0, [1.0] * w)]
        assert doubt(repeat) is None
        return [repeat] * repeats, {"workers": w, "short": False}

    monkeypatch.setattr(calls.capacity, "repeats_checked", repeats_checked)
    def no_processes(*args):
        raise calls._ProcessFailure("no fresh process here")

    monkeypatch.setattr(calls, "_process_pool", no_processes)
    found = calls._speedups_beside_load(None, lambda: None, 1, [2, 4], 3, "fork")
    assert checked == [2, 4] and found["capacity"] == {"workers": 4, "short": False}
    assert found["thread_speedup"]["2"]["median"] == 2.0
    assert {"background_cores", "steal_cores", "capacity_at"} <= set(found)
    assert "no fresh process here" in found["process_error"]


def test_the_probe_fetches_the_bandwidth_only_for_a_memory_bound_call(monkeypatch) -> None:
    from pylab.probing import bandwidth

    asked = []
    monkeypatch.setattr(bandwidth, "machine_bandwidth", lambda w: asked.append(w) or BANDWIDTH)
    data = _probed((1.28, 1.22, 1.37), (1.30, 1.26, 1.34))
    del data["bandwidth"]
    calls._with_bandwidth(data)
    assert asked == [2] and data["bandwidth"] == BANDWIDTH
    quiet = _probed((1.9, 1.8, 1.95), (1.9, 1.8, 1.95))
    del quiet["bandwidth"]
    calls._with_bandwidth(quiet)
    assert asked == [2] and "bandwidth" not in quiet


def test_gil_releasing_c_probes_near_0_and_threads_scale() -> None:
    expect = lambda d: _share(d) < 0.15 and d["recommendation"] in ("threads", "either")  # noqa: E731
    data = _probe(compute.hash_sum_nogil, 0, 50_000_000, expect=expect)
    assert _share(data) < 0.15, data["reason"]
    assert data["recommendation"] in ("threads", "either"), data["reason"]


def test_gil_holding_c_probes_near_1_and_needs_processes() -> None:
    expect = lambda d: _share(d) > 0.85 and d["recommendation"] == "processes"  # noqa: E731
    data = _probe(compute.hash_sum_gil, 0, 50_000_000, expect=expect)
    assert _share(data) > 0.85, data["reason"]
    assert data["recommendation"] == "processes", data["reason"]


def test_a_python_loop_probes_near_1_and_needs_processes() -> None:
    expect = lambda d: _share(d) > 0.8 and d["recommendation"] == "processes"  # noqa: E731
    data = _probe(hash_sum_py, 0, 30_000, expect=expect)
    assert _share(data) > 0.8, data["reason"]
    assert data["recommendation"] == "processes", data["reason"]


def test_sleep_probes_near_0() -> None:
    data = _probe(time.sleep, 0.005, expect=lambda d: _share(d) < 0.15)
    assert _share(data) < 0.15, data["reason"]
    assert data["predicted_thread_speedup"]["2"] > 1.7 and data["thread_speedup_bound"]["2"] > 1.7


def test_the_python_api_takes_the_call_and_its_arguments() -> None:
    import pylab

    data = pylab.probe(time.sleep, 0.002)
    assert data["gil_share"]["median"] < 0.15
    measured = {str(w) for w in data["workers"]}
    assert "2" in measured
    assert set(data["thread_speedup"]) == set(data["process_speedup"]) == measured
    assert data["process_error"] is None and data["machine"]["usable_cores"] == data["cores"]


def test_timed_call_sizes_its_last_batch_and_reads_cpu_per_wall_there(monkeypatch) -> None:
    """On a made-up clock (each call 0.1 ms of wall, half of it CPU): batches grow fourfold
    until one lasts a millisecond, then one sized to last TIME_CALL_S ends it, where
    growing fourfold all the way overshot it (a batch of 256, 25.6 ms)."""
    clock = {"wall": 0.0, "cpu": 0.0, "calls": 0}

    def call() -> None:
        clock["wall"] += 1e-4
        clock["cpu"] += 5e-5
        clock["calls"] += 1

    fake = SimpleNamespace(perf_counter=lambda: clock["wall"], thread_time=lambda: clock["cpu"])
    monkeypatch.setattr(calls, "time", fake)
    call_s, cpu = calls.timed_call(call)
    assert call_s == pytest.approx(1e-4) and cpu == pytest.approx(0.5)
    assert clock["calls"] == 1 + 1 + 4 + 16 + round(calls.TIME_CALL_S / 1e-4)
