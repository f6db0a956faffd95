"""The claim experiments together: every claim settled once, and failures never guessed."""

from __future__ import annotations

import json

from pylab import experiments, results
from pylab.experiments.base import VERDICTS
from pylab.experiments.claims import CLAIMS
from tests import REPO


def test_every_claim_is_settled_by_exactly_one_experiment() -> None:
    settled = [cid for name in experiments.MODULES for cid in experiments.get(name).CLAIMS]
    assert sorted(settled) == sorted(CLAIMS)


def test_docs_quote_every_claim_and_name_its_experiment() -> None:
    """docs/claims.md is the user's list of the claims: each row is `| ID | text | source |
    experiment |` with the text as the code has it and the module that settles it."""
    doc = (REPO / "docs/claims.md").read_text()
    rows = {line.split("|")[1].strip(): line.split("|")[2:5] for line in doc.splitlines()
            if line.startswith("| C")}  # fmt: skip
    assert sorted(rows) == sorted(CLAIMS)
    for name in experiments.MODULES:
        for cid in experiments.get(name).CLAIMS:
            text, _source, module = (cell.strip() for cell in rows[cid])
            assert (text, module) == (CLAIMS[cid], f"`{name}`")


def test_a_failed_experiment_leaves_its_claims_not_measured() -> None:
    claims = experiments.judge_all({"startup": {"ok": False, "error": "killed by SIGSEGV"}})
    assert claims["C03"]["verdict"] == experiments.NOT_MEASURED
    assert claims["C03"]["reason"] == "killed by SIGSEGV"
    assert claims["C03"]["published"]["source"] == "PEP 703"


def test_data_the_rules_cannot_read_is_not_measured() -> None:
    claims = experiments.judge_all({"scaling": {"ok": True, "data": {"bogus": 1}}})
    assert {c["verdict"] for c in claims.values()} == {experiments.NOT_MEASURED}
    assert all(c["reason"].startswith("judging failed: KeyError") for c in claims.values())


def test_a_claims_run_has_a_verdict_for_every_claim(claims_run) -> None:
    data = claims_run.results()
    assert not data["cells"] and data["status"] == "complete"
    assert claims_run.path.parent.name == "out"  # written under --out
    ((_, view),) = results.views(data)
    # the IDs come from the results; the list they must match from the code
    assert sorted(view["claims"]) == sorted(CLAIMS)
    for cid, claim in view["claims"].items():
        # read from the file, not a Verdict: "not measured" (an experiment that failed)
        # or any other word would fail here
        assert claim["verdict"] in VERDICTS, (cid, claim)
        assert claim["reason"] and "\n" not in claim["reason"]
        json.dumps(claim["data"])
    for cid in CLAIMS:
        assert cid in claims_run.done.stdout  # the claims table
