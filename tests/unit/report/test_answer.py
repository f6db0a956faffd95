"""The report's answer in words (pylab.report.answer)."""

from __future__ import annotations

from tests.unit.results import _cell, _judged


def test_the_answer_names_what_subinterpreters_did_where_threads_did_not() -> None:
    from pylab.report.answer import answer

    cells = [_cell("threads", 2, 1.0, 0.98, 1.02, 1.0), _cell("interpreters", 2, 1.8, 1.7, 1.9, 2)]
    machine = {"usable_cores": 2, "python": {"version": "3.13.5"}}
    text = " ".join(answer(_judged({"machine": machine, "cells": cells})))
    assert "In subinterpreters (one process, a GIL for each)" in text and "k/v 1.80x" in text
    assert "(threads 1.00x)" in text
