"""Numbers in words, one spelling each, for reason lines, tables and plot labels.

Durations in ns, us, ms and s; sizes in binary units (B, KiB, MiB, GiB) and rates in
the same units per second; ratios as `1.35x`; speed-ups as `1.98x`; an interval as
`1.98x [1.58-2.01]`, or in another spelling as `77 us [70 us-85 us]`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

KIB = 1 << 10
MIB = 1 << 20
GIB = 1 << 30


def fmt_seconds(seconds: float) -> str:
    """A duration: 61 ns, 190 us, 3.7 ms, 1.25 s."""
    if seconds < 1e-6:
        return f"{seconds * 1e9:.3g} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} us"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def fmt_bytes(count: float) -> str:
    """A size: 850 B, 120 KiB, 31.5 MiB, 2 GiB."""
    for unit, name in ((GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")):
        if abs(count) >= unit:
            return f"{count / unit:.3g} {name}"
    return f"{count:.0f} B"


def fmt_rate(bytes_per_s: float) -> str:
    """A throughput, in the units of fmt_bytes: 875 MiB/s."""
    return f"{fmt_bytes(bytes_per_s)}/s"


def fmt_times(value: float) -> str:
    """A ratio: `1.35x`, `112x`, `4,935x`: three digits, no exponent for a reader to decode."""
    return f"{value:,.0f}x" if value >= 1000 else f"{value:.3g}x"


def fmt_speedup(value: float) -> str:
    """A speed-up as the tables print one: `1.98x`, `1.00x`, two decimals."""
    return f"{value:.2f}x"


def fmt_interval(value: Mapping[str, float], unit: str = "x") -> str:
    """`1.98x [1.58-2.01]`: a median and its interval, two decimals."""
    return f"{value['median']:.2f}{unit} [{value['low']:.2f}-{value['high']:.2f}]"


def fmt_span(value: Mapping[str, float], fmt: Callable[[float], str] = fmt_seconds) -> str:
    """A median and its interval in another spelling: `77 us [70 us-85 us]`."""
    return f"{fmt(value['median'])} [{fmt(value['low'])}-{fmt(value['high'])}]"


def fmt_place(value: float, others: Mapping[str, float], fmt: Callable[[float], str]) -> str:
    """Where `value` sits among named figures, by its nearest neighbours:
    `between a fork process (3 ms) and a spawn process (45 ms)`, `below a thread (80 us)`
    (under them all), `above a spawn process (45 ms)` (over them all)."""

    def named(name: str) -> str:
        return f"{name} ({fmt(others[name])})"

    lower = [name for name, figure in others.items() if figure <= value]
    higher = [name for name, figure in others.items() if figure > value]
    below = max(lower, key=others.__getitem__) if lower else None
    above = min(higher, key=others.__getitem__) if higher else None
    if below and above:
        return f"between {named(below)} and {named(above)}"
    if above:
        return f"below {named(above)}"
    return f"above {named(below)}" if below else "with nothing to compare"


def fmt_confidence(confidences: Iterable[float]) -> str:
    """The coverage of intervals as stored with them: `97%`, or `75-97%` when they differ."""
    found = sorted({round(100 * c, 1) for c in confidences})
    if not found:
        return "no"
    text = [f"{c:g}%" for c in (found[0], found[-1])]
    return text[0] if len(found) == 1 else f"{text[0][:-1]}-{text[1]}"


def fmt_one_line(text: str) -> str:
    """A message of several lines as one for a table cell: its first and last lines that
    say something. numpy's ImportError in a subinterpreter runs to 20 lines, and its last,
    `Original error was: ...`, names the cause."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) <= 1:
        return text.strip()
    return f"{lines[0]} ... {lines[-1]}"
