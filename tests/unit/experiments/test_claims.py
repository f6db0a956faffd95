"""The claims (pylab.experiments.claims): docs/claims.md quotes each as the code has it."""

from __future__ import annotations

from pylab import experiments
from pylab.experiments.claims import CLAIMS
from tests import REPO


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
