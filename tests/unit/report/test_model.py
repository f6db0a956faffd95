"""Amdahl's prediction beside the measured speed-up (pylab.report.model)."""

from __future__ import annotations

import pytest

from pylab.base.gilmodel import amdahl, gil_bound


def test_the_report_compares_amdahl_with_the_measured_speedup() -> None:
    from pylab.report.model import model_rows

    cell = {"kernel": "compute", "variant": "gil", "params": {}, "ok": True, "workers": 2,
            "executor": "threads", "start_method": None,
            "speedup": {"median": 1.0, "low": 0.98, "high": 1.02},
            "cpu_per_wall": {"median": 1.0}}  # fmt: skip
    serial = {**cell, "executor": "serial", "workers": 1}
    share = {"median": 0.98, "low": 0.97, "high": 0.99}
    results = {
        "machine": {"usable_cores": 2},
        "cells": [serial, cell],
        "experiments": {"gilshare": {"ok": True, "data": {"kernels": {
            "compute/gil": {"kernel": "compute", "variant": "gil", "params": {},
                            "gil_share": share}}}}},
    }  # fmt: skip
    (row,) = model_rows(results)
    assert row["predicted"] == pytest.approx(amdahl(0.98, 2))
    assert row["error"] == pytest.approx(1.0 - amdahl(0.98, 2))
    assert row["bound"] == pytest.approx(gil_bound(0.98, 2))
    assert row["inside"] is (0.98 <= amdahl(0.98, 2) <= 1.02)
