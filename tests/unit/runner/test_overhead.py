"""Free-threading's single-thread overhead (pylab.runner.overhead): which builds are twins."""

from __future__ import annotations

from pylab import results


def test_the_overhead_pairs_each_free_threaded_build_with_its_own_version() -> None:
    from pylab.runner.overhead import twins

    def record(version: str, ft: bool, error: str | None = None) -> dict:
        return results.python_record({"version": version, "free_threaded_build": ft}, {},
                                     {"path": "p"}, error)  # fmt: skip

    pythons = {"3.13.5": record("3.13.5", False), "3.13.5t": record("3.13.5", True),
               "3.14.0t": record("3.14.0", True), "3.12.1": record("3.12.1", False)}  # fmt: skip
    found = {"pythons": pythons}
    assert twins(found) == [("3.13.5t", "3.13.5")]
    found["pythons"]["3.13.5"] = record("3.13.5", False, "building its environment failed")
    assert twins(found) == []
