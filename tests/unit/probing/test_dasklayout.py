"""The Dask worker layout rule (pylab.probing.dasklayout) on synthetic probe data."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from pylab.base.gilmodel import amdahl, gil_bound
from pylab.probing.dasklayout import KEEP, advise, choose, layouts, name, predict
from pylab.probing.recommend import NO_GIL, memory_bound, recommend


def _data(share: float | None, low: float | None = None, high: float | None = None,
          t: float = 1.9, p: float = 1.9, busy: float = 1.0,
          error: str | None = None) -> dict:  # fmt: skip
    """Probe data at W=2 on 2 cores: the GIL share (None: no GIL) with its interval, the
    threads' and processes' medians, the threads' CPU per wall; recommended as the probe does."""
    s = share or 0.0
    interval = lambda x: {"median": x, "low": x * 0.95, "high": x * 1.05}  # noqa: E731
    data = {
        "cores": 2, "cpu_per_wall": 1.0, "call_s": 2e-4, "background_cores": 0.02,
        "gil_share": None if share is None else {
            "median": s, "low": s if low is None else low, "high": s if high is None else high},
        "thread_speedup": {"2": interval(t)}, "thread_cpu_per_wall": {"2": busy},
        "process_speedup": {} if error else {"2": interval(p)}, "process_error": error,
        "predicted_thread_speedup": {"2": amdahl(s, 2)},
        "thread_speedup_bound": {"2": gil_bound(s, 2)},
    }  # fmt: skip
    data["recommendation"], data["reason"] = recommend(data)
    return data


def test_a_call_that_releases_the_gil_gets_one_process_of_all_threads() -> None:
    layout = advise(_data(0.0), 16)
    assert (layout.nworkers, layout.nthreads) == (1, 16)
    assert layout.predicted_speedup == pytest.approx(16)
    assert layout.all_threads_speedup == pytest.approx(layout.all_processes_speedup)


@pytest.mark.parametrize("cores", [2, 16])
def test_a_call_that_holds_the_gil_gets_single_threaded_processes(cores: int) -> None:
    layout = advise(_data(1.0, t=1.0), cores)
    assert (layout.nworkers, layout.nthreads) == (cores, 1)
    assert layout.all_threads_speedup == pytest.approx(1.0)
    assert layout.command == f"dask worker SCHEDULER --nworkers {cores} --nthreads 1"
    assert layout.local_cluster == f"LocalCluster(n_workers={cores}, threads_per_worker=1)"


def test_a_small_share_gets_the_fewest_processes_that_keep_most_of_the_best() -> None:
    share, cores = 0.05, 16
    layout = advise(_data(share), cores)
    p, t = layout.nworkers, layout.nthreads
    best = max(predict(share, *o) for o in layouts(cores))
    assert 1 < t < cores and p * t == cores  # in between, every core used
    assert layout.predicted_speedup >= KEEP * best
    more_threads = next(o for o in layouts(cores) if o[1] > t)  # the next larger T
    assert predict(share, *more_threads) < KEEP * best
    assert layout.all_threads_speedup < layout.predicted_speedup < layout.all_processes_speedup
    assert f"{name(p, t)} predicts" in layout.reason and "under 90%" in layout.reason


def test_without_a_gil_the_share_is_0_and_said_so() -> None:
    layout = advise(_data(None), 8)
    assert layout.share == 0.0 and (layout.nworkers, layout.nthreads) == (1, 8)
    assert layout.reason.startswith(NO_GIL)


def test_a_memory_bound_call_gets_threads_whatever_the_share_would_give() -> None:
    data = _data(0.05, t=1.28, p=1.30, busy=1.96)
    assert memory_bound(data)
    layout = advise(data, 16)
    assert (layout.nworkers, layout.nthreads) == (1, 16) and layout.interval_layouts == ("1x16",)
    assert layout.reason.startswith("memory-bound") and "memory bus" in layout.reason
    assert f"would give {name(*choose(0.05, 16))}" in layout.reason


def test_an_interval_that_spans_layouts_is_named() -> None:
    layout = advise(_data(0.05, low=0.01, high=0.3), 16)
    ends = [name(*choose(s, 16)) for s in (0.01, 0.3)]
    assert layout.interval_layouts[0] == ends[0] and layout.interval_layouts[-1] == ends[-1]
    assert f"between {ends[0]} and {ends[1]}" in layout.reason
    assert "between" not in advise(_data(0.05, low=0.049, high=0.051), 16).reason


def test_the_measurements_qualify_the_layout() -> None:
    flat = advise(_data(0.0, t=0.9, p=0.9), 4)
    assert "no gain from parallelism on this machine" in flat.reason
    assert "threads 0.90x, processes 0.90x at W=2" in flat.reason
    alone = advise(_data(0.0, error="cannot run in a fresh process (fork): X"), 4)
    assert "layout rests on the GIL share alone" in alone.reason
    # threads measured to scale where Amdahl from a middling share gives processes
    beyond = advise(_data(0.3, t=1.7, p=1.2), 2)
    assert beyond.nworkers == 2 and "favour threads" in beyond.reason
    assert json.loads(json.dumps(asdict(beyond)))["nworkers"] == 2
    assert "\n" not in beyond.reason
