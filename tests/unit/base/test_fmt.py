"""Numbers in words (pylab.base.fmt): one spelling each, for reasons, tables and labels."""

from __future__ import annotations

import pytest

from pylab.base.fmt import (
    GIB,
    KIB,
    MIB,
    fmt_bytes,
    fmt_confidence,
    fmt_interval,
    fmt_place,
    fmt_rate,
    fmt_seconds,
    fmt_span,
    fmt_speedup,
    fmt_times,
)


def test_fmt_bytes() -> None:
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


# --- one spelling each


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(61e-9, "61 ns"), (190e-6, "190 us"), (3.7e-3, "3.7 ms"), (1.25, "1.25 s"), (0.0, "0 ns")],
)
def test_a_duration_takes_the_unit_that_keeps_it_short(seconds: float, text: str) -> None:
    assert fmt_seconds(seconds) == text


def test_sizes_are_binary_and_rates_are_sizes_per_second() -> None:
    assert fmt_bytes(2 * GIB) == "2 GiB" and fmt_bytes(1023) == "1023 B"
    assert fmt_bytes(-8 * KIB) == "-8 KiB"  # memory that shrank keeps its unit
    assert fmt_rate(875 * MIB) == "875 MiB/s"


def test_ratios_have_three_digits_and_no_exponent() -> None:
    assert [fmt_times(x) for x in (0.5, 1.35, 112.4, 4935.2)] == ["0.5x", "1.35x", "112x", "4,935x"]


def test_speedups_and_intervals_have_two_decimals() -> None:
    assert fmt_speedup(1.0) == "1.00x" and fmt_speedup(1.978) == "1.98x"
    interval = {"median": 1.98, "low": 1.58, "high": 2.01}
    assert fmt_interval(interval) == "1.98x [1.58-2.01]"
    assert fmt_interval(interval, " ms") == "1.98 ms [1.58-2.01]"


def test_a_span_spells_each_end_as_its_median() -> None:
    assert fmt_span({"median": 77e-6, "low": 70e-6, "high": 85e-6}) == "77 us [70 us-85 us]"
    assert fmt_span({"median": 2 * MIB, "low": MIB, "high": 3 * MIB}, fmt_bytes) == (
        "2 MiB [1 MiB-3 MiB]"
    )


def test_the_confidence_is_one_figure_or_the_range_the_intervals_reached() -> None:
    assert fmt_confidence([0.97, 0.97]) == "97%"
    assert fmt_confidence([0.96875, 0.75]) == "75-96.9%"
    assert fmt_confidence([]) == "no"
