"""Release and payoff sizes bracketed on made-up sweeps: no timing."""

from __future__ import annotations

from typing import Any

from pylab.atlas.sizes import against_documented, payoff_mark, payoff_size, release_size


def iv(x: float) -> dict[str, float]:
    return {"median": x, "low": x - 0.01, "high": x + 0.01}


def sweep(shares: list[float | None], speedups: list[float]) -> list[dict[str, Any]]:
    sizes = [256 * 4**i for i in range(len(shares))]
    return [{"size": s, "gil_share": iv(g) if g is not None else None,
             "thread_speedup": iv(t), "cpu_per_wall": 1.0}
            for s, g, t in zip(sizes, shares, speedups, strict=True)]  # fmt: skip


def test_the_release_size_is_bracketed_by_the_sizes_around_it() -> None:
    found = release_size(sweep([0.95, 0.9, 0.2, 0.05], [1, 1, 1.5, 1.9]))
    assert found["size"] == 4096 and found["bracket"] == [1024, 4096] and found["reason"] is None


def test_a_lucky_point_below_a_failing_one_does_not_count() -> None:
    found = release_size(sweep([0.3, 0.9, 0.2, 0.1], [1, 1, 1, 1]))
    assert found["bracket"] == [1024, 4096]


def test_released_from_the_smallest_size_has_an_open_bracket() -> None:
    found = release_size(sweep([0.1, 0.05], [1.8, 1.9]))
    assert found["size"] == 256 and found["bracket"] == [None, 256]
    assert "smallest size" in found["reason"]


def test_never_released_is_null_with_the_reason() -> None:
    found = release_size(sweep([0.99, 0.98, 0.97], [1, 1, 1]))
    assert found["size"] is None and found["bracket"] is None
    assert "not found in the range" in found["reason"] and "0.97" in found["reason"]


def test_no_gil_no_release_size() -> None:
    found = release_size(sweep([None, None], [1.9, 1.9]))
    assert found["size"] is None and "no GIL" in found["reason"]
    assert release_size([])["reason"] == "no size was measured"


def test_the_payoff_size_is_where_w_threads_reach_the_scaling_mark() -> None:
    points = sweep([0.9, 0.5, 0.1, 0.0], [1.0, 1.2, 1.5, 1.9])
    found = payoff_size(points, workers=2, cores=2)
    assert payoff_mark(2, 2, 1.0) == 1.4
    assert found["size"] == 4096 and found["bracket"] == [1024, 4096]
    assert all(p["mark"] == 1.4 for p in points)


def test_no_payoff_in_range_says_how_far_it_got() -> None:
    found = payoff_size(sweep([0.9, 0.9], [1.0, 1.1]), workers=2, cores=2)
    assert found["size"] is None and "1.10x" in found["reason"] and "1.40x" in found["reason"]


def test_the_documented_size_set_beside_the_measured_one() -> None:
    found = release_size(sweep([0.95, 0.9, 0.2, 0.05], [1, 1, 1, 1]))
    text = against_documented(found, {"claim": "c", "source": "s", "release_size": 2048})
    assert "documented from 2048, measured 4096" in text and "within a factor of 2" in text
    never = release_size(sweep([0.99, 0.99], [1, 1]))
    assert against_documented(never, {"never_releases": True}).startswith("agrees")
    assert against_documented(found, {"never_releases": True}).startswith("disagrees")
    assert against_documented(found, {"claim": "c", "source": "s"}) is None
    assert against_documented(found, None) is None
