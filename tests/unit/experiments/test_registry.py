"""The claim experiments together (pylab.experiments): every claim settled by exactly one,
and a failure never guessed."""

from __future__ import annotations

from pylab import experiments
from pylab.experiments.claims import CLAIMS


def test_every_claim_is_settled_by_exactly_one_experiment() -> None:
    settled = [cid for name in experiments.MODULES for cid in experiments.get(name).CLAIMS]
    assert sorted(settled) == sorted(CLAIMS)


def test_a_failed_experiment_leaves_its_claims_not_measured() -> None:
    claims = experiments.judge_all({"startup": {"ok": False, "error": "killed by SIGSEGV"}})
    assert claims["C03"]["verdict"] == experiments.NOT_MEASURED
    assert claims["C03"]["reason"] == "killed by SIGSEGV"
    assert claims["C03"]["published"]["source"] == "PEP 703"


def test_data_the_rules_cannot_read_is_not_measured() -> None:
    claims = experiments.judge_all({"scaling": {"ok": True, "data": {"bogus": 1}}})
    assert {c["verdict"] for c in claims.values()} == {experiments.NOT_MEASURED}
    assert all(c["reason"].startswith("judging failed: KeyError") for c in claims.values())
