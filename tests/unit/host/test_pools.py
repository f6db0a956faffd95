"""Native thread pools pinned to one thread while pylab measures (pylab.host.pools)."""

from __future__ import annotations

from pylab.host.pools import pools_pinned


def test_the_api_pins_pools_only_while_it_measures() -> None:
    import numpy  # noqa: F401  (loads OpenBLAS: a pool to pin)
    from threadpoolctl import threadpool_info, threadpool_limits

    with threadpool_limits(limits=2):
        before = [pool["num_threads"] for pool in threadpool_info()]
        with pools_pinned() as record:
            inside = [pool["num_threads"] for pool in threadpool_info()]
        after = [pool["num_threads"] for pool in threadpool_info()]
    assert before and all(n == 1 for n in inside)
    assert after == before != inside
    assert [p["num_threads"] for p in record["threadpools"]] == inside
