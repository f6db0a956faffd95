"""How trustworthy a run's numbers are: noise, precision reached and interference met.

The figures a reader needs before believing a table: how many cells are flagged
noisy, how wide their intervals are, how many reached the precision asked, how many
pairs were set aside as disturbed, and how busy the rest of the machine was. `run`
prints this line and the report's noise section opens with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pylab.base.stats import median, percentile
from pylab.results.cells import parallel_cells


@dataclass(frozen=True)
class Quality:
    cells: int  # measured parallel cells (serial cells only measure noise)
    noisy: int
    precise: int  # reached the precision target (cells measured before it existed: 0)
    median_width: float  # speed-up interval, full width as a share of the median
    p90_width: float
    pairs: int  # pairs timed, warm-ups not counted
    disturbed: int | None  # of them, set aside (None: measured before pylab looked)


def quality(cells: Sequence[Mapping[str, Any]]) -> Quality | None:
    """The figures over measured parallel cells; None if there are none."""
    if not cells:
        return None
    widths = [c["noise"]["speedup_relative_width"] for c in cells]
    seen = [c.get("interference") or {} for c in cells]
    return Quality(
        cells=len(cells),
        noisy=sum(bool(c.get("noisy")) for c in cells),
        precise=sum(bool(c["noise"].get("precise")) for c in cells),
        median_width=median(widths),
        p90_width=percentile(widths, 0.9),
        pairs=sum(
            s.get("pairs_taken", len(c["samples"]["serial_s"]))
            for s, c in zip(seen, cells, strict=True)
        ),  # fmt: skip
        disturbed=sum(s["disturbed"] for s in seen) if all(seen) else None,
    )


def quality_line(results: Mapping[str, Any]) -> str | None:
    """One paragraph: noise, precision and interference of one interpreter's cells."""
    q = quality(parallel_cells(results))
    settings = results.get("settings") or {}
    load = results.get("load") or {}
    if q is None:
        return None
    text = (
        f"{q.noisy} of {q.cells} parallel cells noisy ({q.noisy / q.cells:.0%}); intervals "
        f"{q.median_width:.1%} of the median wide (median; 90th percentile {q.p90_width:.1%})"
    )
    if "precision" in settings:
        text += f"; {q.precise} reached the {settings['precision']:.0%} asked"
    if q.disturbed is not None:
        text += f"; {q.disturbed} of {q.pairs} pairs set aside as disturbed"
    if "background_cores" in load:
        text += (
            f"; the rest of the machine used {load['background_cores']:.2f} cores on average "
            f"({load['background_cpu_s']:.0f} CPU s)"
        )
    return text
