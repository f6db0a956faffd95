"""Numbers in words (pylab.base.fmt): one spelling each, for reasons, tables and labels."""

from __future__ import annotations

import pytest

from pylab.base.fmt import fmt_place, fmt_seconds

KIB = 1 << 10
MIB = 1 << 20


def test_fmt_bytes() -> None:
    from pylab.base.fmt import fmt_bytes

    assert fmt_bytes(850) == "850 B"
    assert fmt_bytes(120 * KIB) == "120 KiB"
    assert fmt_bytes(31.5 * MIB) == "31.5 MiB"


# --- where to place a figure among others


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5.0, "between b (2 s) and c (10 s)"),
        (1.0, "below a (1.5 s)"),
        (10.0, "above c (10 s)"),  # equal to one counts as above it
    ],
)
def test_fmt_place_names_the_nearest_neighbours(value: float, expected: str) -> None:
    assert fmt_place(value, {"c": 10.0, "a": 1.5, "b": 2.0}, fmt_seconds) == expected


def test_fmt_place_with_nothing_to_compare() -> None:
    assert fmt_place(1.0, {}, fmt_seconds) == "with nothing to compare"
