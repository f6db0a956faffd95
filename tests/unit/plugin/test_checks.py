"""The fixture's object without pytest around it: what it names a call, and gil.share, which
returns the interval and records it (pass, fail and skip are tested through pytest, in
test_pytest_plugin and tests/integration/test_plugin.py)."""

from __future__ import annotations

from functools import partial

from pylab.base.stats import Interval
from pylab.kernels._ext import compute
from pylab.plugin.checks import Gil, call_name
from pylab.plugin.settings import Settings
from pylab.plugin.verdicts import MEASURED, Outcome


def test_a_call_is_named_by_its_module_and_qualname() -> None:
    assert call_name(compute.hash_sum_gil) == "pylab.kernels._ext.compute.hash_sum_gil"
    assert call_name(partial(compute.hash_sum_gil, 0)) == "pylab.kernels._ext.compute.hash_sum_gil"
    assert call_name(sum) == "sum"
    assert call_name(Gil.share) == "pylab.plugin.checks.Gil.share"


def test_share_returns_the_interval_and_records_it() -> None:
    seen: list[Outcome] = []
    gil = Gil(Settings(budget_s=0.5, strict=False, inconclusive="skip"), seen.append, "t::x")
    share = gil.share(compute.hash_sum_gil, 0, 2_000_000)
    assert isinstance(share, Interval) and 0 <= share.low <= share.median <= share.high <= 1
    (outcome,) = seen
    assert (outcome.check, outcome.verdict, outcome.test) == ("share", MEASURED, "t::x")
    assert outcome.numbers["share"] == share.as_dict() and outcome.numbers["samples"] >= 6
