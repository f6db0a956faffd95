"""compare: the table's verdicts and the claims' side by side, with how many runs agree."""

from __future__ import annotations

from pylab.report.compare import agreement, claim_rows, format_table, table_rows


def _run(rows: dict[str, str], claims: dict[str, str]) -> dict:
    return {
        "verdicts": {"rows": rows},
        "claims": {cid: {"verdict": v} for cid, v in claims.items()},
        "cells": [],
    }


def test_agreement_counts_the_most_common_verdict_of_those_judged() -> None:
    assert agreement(["a", "a", "b", "a", None]) == "3/4"
    assert agreement(["x", "x"]) == "2/2"


def test_five_runs_show_per_row_agreement_and_mark_disagreement() -> None:
    same = {"compute/nogil": "scales in threads", "compute/gil": "needs processes"}
    runs = [_run(same, {"C09": "partly"}) for _ in range(4)]
    runs.append(_run(same | {"compute/gil": "does not scale"}, {"C09": "partly"}))
    verdicts, claims = table_rows(runs), claim_rows(runs)
    text = format_table([f"run{i}" for i in range(5)], [], claims, verdicts)
    lines = {line.split()[0]: line for line in text.splitlines() if line}
    assert lines["compute/nogil"].endswith("5/5")
    assert lines["compute/gil"].endswith("4/5    *")
    assert lines["C09"].endswith("5/5")
    assert "marks 1 difference(s)" in text
