"""The `interpreters` executor (pylab.executors.subinterpreters) where this interpreter has
no subinterpreters: it says why and where to find them. Under one that has them, it runs
in tests/integration/test_subinterpreters.py."""

from __future__ import annotations

import pytest

from pylab.base import extras
from pylab.base.errors import UserError
from pylab.executors import make_executor

HAS_THEM = extras.why_no_subinterpreters() is None


@pytest.mark.skipif(HAS_THEM, reason="this interpreter has subinterpreters")
def test_without_subinterpreters_the_executor_says_why_and_where_they_are() -> None:
    why = extras.why_no_subinterpreters()
    assert "--python 3.13" in why or "backport" in why
    assert extras.subinterpreters_info() == {"available": False, "pool": None, "reason": why}
    with pytest.raises(UserError, match="interpreters executor is unavailable"):
        make_executor("interpreters", 2)
