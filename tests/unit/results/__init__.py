"""The results room's tests, and the small results document several of them build on."""

from pylab import results
from pylab.results import verdicts


def _sample() -> dict:
    """A small current-format results document: one measured cell, one failed."""
    return {
        "format": results.FORMAT,
        "format_version": results.FORMAT_VERSION,
        "status": "complete",
        "machine": {"usable_cores": 2},
        "cells": [
            {
                "kernel": "compute", "variant": "nogil", "executor": "threads",
                "python": "3.11.7", "start_method": None, "workers": 2, "params": {}, "size": 10,
                "unit": "iterations",
                "ok": True, "error": None, "noisy": False,
                "samples": {"serial_s": [0.2, 0.21], "parallel_s": [0.1, 0.11]},
                "speedup": {"median": 1.95, "low": 1.9, "high": 2.0, "confidence": 0.5},
                "cpu_per_wall": {"median": 1.9, "low": 1.8, "high": 2.0, "confidence": 0.5},
            },
            {"kernel": "io", "variant": "gil", "executor": "processes", "start_method": "fork",
             "workers": 2, "params": {"wait_us": 1000}, "ok": False, "error": "WrongResult: x",
             "python": "3.11.7"},
        ],
        "pythons": {"3.11.7": results.python_record({"version": "3.11.7"}, {}, {"path": "py"})},
    }  # fmt: skip


def _judged(results: dict) -> dict:
    """`results` with the verdicts a run stores for it."""
    return results | {"verdicts": verdicts.judge(results)}


def _cell(executor: str, workers: int, s: float, low: float, high: float, cpu: float) -> dict:
    return {
        "kernel": "k", "variant": "v", "params": {}, "unit": "iterations", "ok": True,
        "executor": executor, "workers": workers,
        "start_method": "fork" if executor == "processes" else None,
        "speedup": {"median": s, "low": low, "high": high, "confidence": 0.97},
        "cpu_per_wall": {"median": cpu, "low": cpu, "high": cpu, "confidence": 0.97},
    }  # fmt: skip
