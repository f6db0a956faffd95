"""Finding the fleet's machines (pylab.runner.fleet.discover): a scheduler of another
distributed release is refused."""

from __future__ import annotations

import pytest

from pylab.base.errors import UserError
from pylab.runner.fleet import discover


def test_another_distributed_release_on_the_scheduler_is_refused() -> None:
    def versions(scheduler: str) -> dict:
        return {"scheduler": {"packages": {"distributed": scheduler}},
                "client": {"packages": {"distributed": "2026.8.0"}}}  # fmt: skip

    discover.check_scheduler(versions("2026.8.1"), "tcp://x:1")  # a patch release: the same
    with pytest.raises(UserError, match=r"runs distributed 2026\.7\.0, this client 2026\.8\.0"):
        discover.check_scheduler(versions("2026.7.0"), "tcp://x:1")
