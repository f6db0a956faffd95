"""`pylab run --only claims --level tiny`: every claim judged from a real measurement,
in the session's one claims run (conftest.claims_run)."""

from __future__ import annotations

import json

from pylab import results
from pylab.experiments.base import VERDICTS
from pylab.experiments.claims import CLAIMS


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
