"""compare: the table's verdicts and the claims' side by side, with how many runs agree."""

from __future__ import annotations

from pylab.report.compare import agreement, claim_rows, format_table, stability, table_rows


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
    assert lines["compute/nogil"].endswith("5/5    5/0/0")
    assert lines["compute/gil"].endswith("4/5    4/1/0       *")
    assert lines["C09"].endswith("5/5    5/0/0")
    assert "marks 1 difference(s)" in text


def test_stability_tells_confident_disagreements_from_uncertain_verdicts() -> None:
    sure, flagged = "needs processes", "needs processes (uncertain)"
    undecided = "undecided: needs processes or does not scale"
    assert stability([sure, sure, flagged, undecided, None]) == (2, 0, 2)
    assert stability([sure, "does not scale", sure]) == (2, 1, 0)
    assert stability([undecided, flagged]) == (0, 0, 2)


def test_uncertain_rows_and_claims_are_marked_and_counted_apart() -> None:
    quiet = _run({"compute/gil": "needs processes"}, {"C19": "holds"})
    disturbed = _run({"compute/gil": "needs processes"}, {"C19": "partly"})
    disturbed["verdicts"]["uncertain"] = {"compute/gil": "threads W=2 disturbed"}
    disturbed["claims"]["C19"]["uncertain"] = "coarse-lock throughput disturbed"
    runs = [quiet, quiet, disturbed]
    text = format_table(["a", "b", "c"], [], claim_rows(runs), table_rows(runs))
    lines = {line.split()[0]: line for line in text.splitlines() if line}
    assert "needs processes (uncertain)" in lines["compute/gil"]
    assert lines["compute/gil"].endswith("2/0/1       *")
    assert lines["C19"].endswith("2/0/1       *")
    assert text.splitlines()[-1] == (
        "verdict rows: 0 of 1 confident and the same in every run, 0 with a confident "
        "disagreement, 1 with uncertain ones; claims: 0 of 1 confident and the same in every "
        "run, 0 with a confident disagreement, 1 with uncertain ones"
    )
