"""The report's answer in words (pylab.report.answer)."""

from __future__ import annotations

from pylab.results import verdicts


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


def test_the_answer_names_what_subinterpreters_did_where_threads_did_not() -> None:
    from pylab.report.answer import answer

    cells = [_cell("threads", 2, 1.0, 0.98, 1.02, 1.0), _cell("interpreters", 2, 1.8, 1.7, 1.9, 2)]
    machine = {"usable_cores": 2, "python": {"version": "3.13.5"}}
    text = " ".join(answer(_judged({"machine": machine, "cells": cells})))
    assert "In subinterpreters (one process, a GIL for each)" in text and "k/v 1.80x" in text
    assert "(threads 1.00x)" in text
