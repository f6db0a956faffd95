"""The claim experiments together (pylab.experiments): every claim settled by exactly one,
and a failure never guessed."""

from __future__ import annotations

import json

from pylab import experiments
from pylab.experiments.claims import CLAIMS
from tests import DATA


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


def _full_small_record(name: str) -> dict:
    """An experiment's record in tests/data/full_small.json (format 1: experiments on top)."""
    data = json.loads((DATA / "full_small.json").read_text())
    return data["experiments"][name]


def test_claims_of_an_experiment_measured_beside_other_work_are_uncertain() -> None:
    record = _full_small_record("races") | {"elapsed_s": 3.0}
    quiet = experiments.judge_all({"races": record | {"background_cores": 0.05}})
    busy = experiments.judge_all({"races": record | {"background_cores": 0.91}})
    brief = experiments.judge_all({"races": record | {"background_cores": 1.6, "elapsed_s": 0.013}})
    assert all("uncertain" not in claim for claim in brief.values())  # a tick, not a load
    assert all("uncertain" not in claim for claim in quiet.values())
    assert {cid: claim["uncertain"] for cid, claim in busy.items()} == {
        cid: "measured beside 0.91 cores of other work" for cid in ("C06", "C19", "C20")
    }
    assert [c["verdict"] for c in busy.values()] == [c["verdict"] for c in quiet.values()]
