"""Free-threading's single-thread overhead (pylab.runner.overhead): which builds are twins."""

from __future__ import annotations

from pylab import results


def test_the_overhead_pairs_each_free_threaded_build_with_its_own_version() -> None:
    from pylab.runner.overhead import twins

    def record(version: str, ft: bool, error: str | None = None) -> dict:
        return results.python_record({"version": version, "free_threaded_build": ft}, {},
                                     {"path": "p"}, error)  # fmt: skip

    pythons = {"3.13.5": record("3.13.5", False), "3.13.5t": record("3.13.5", True),
               "3.14.0t": record("3.14.0", True), "3.12.1": record("3.12.1", False)}  # fmt: skip
    found = {"pythons": pythons}
    assert twins(found) == [("3.13.5t", "3.13.5")]
    found["pythons"]["3.13.5"] = record("3.13.5", False, "building its environment failed")
    assert twins(found) == []


def test_the_work_timed_is_each_work_the_gil_build_measured_at_its_size() -> None:
    from pylab.runner.overhead import works

    def cell(python: str, variant: str, executor: str, **more) -> dict:
        return {"python": python, "kernel": "compute", "variant": variant, "params": {},
                "executor": executor, "ok": True, "size": 500} | more  # fmt: skip

    found = {"machine": {}, "pythons": {"3.13.5": results.python_record({}, {}, {"path": "p"})},
             "cells": [cell("3.13.5", "gil", "serial"), cell("3.13.5", "gil", "threads"),
                       cell("3.13.5", "py", "serial", size=70),
                       cell("3.13.5", "nogil", "serial", ok=False),
                       cell("3.13.5t", "omp", "serial")]}  # fmt: skip
    assert works(found, "3.13.5") == [
        {"kernel": "compute", "variant": "gil", "params": {}, "size": 500},
        {"kernel": "compute", "variant": "py", "params": {}, "size": 70},
    ]


def test_the_memory_record_is_the_peak_ratio_per_pair_and_each_side_s_median_peak() -> None:
    from pylab.runner.overhead import _memory

    def answer(peak: int, per_run: bool = True) -> dict:
        return {"wall_s": 1.0, "peak_rss_bytes": peak, "peak_per_run": per_run}

    found = _memory([[answer(120), answer(130), answer(125)], [answer(100)] * 3])
    assert found["ratio"]["median"] == 1.25 and found["ratio"]["low"] == 1.2
    assert (found["free_threaded_peak_bytes"], found["gil_peak_bytes"]) == (125, 100)
    assert found["per_run"] is True
    assert _memory([[answer(1, per_run=False)], [answer(1)]])["per_run"] is False
    # an environment from before the peak was reported: no memory, not a wrong one
    assert _memory([[{"wall_s": 1.0}], [answer(1)]]) is None
