"""Amdahl: the measured thread speed-up against the share of work done holding the GIL,
beside the law's prediction 1 / (s + (1 - s) / N), N = min(W, usable cores)."""

from __future__ import annotations

from typing import Any

import numpy as np

from pylab.base.gilmodel import predicted
from pylab.report.figures import Plot, new_figure
from pylab.results.cells import parallel_cells

COLORS = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2")


def make(results: dict[str, Any]) -> list[Plot]:
    cells = [
        c for c in parallel_cells(results) if c["kernel"] == "amdahl" and c["executor"] == "threads"
    ]
    counts = sorted({c["workers"] for c in cells if c["workers"] > 1})
    if not counts or len({c["params"]["gil_share"] for c in cells}) < 2:
        return []
    cores = results["machine"]["usable_cores"]
    figure, ax = new_figure(results, "Amdahl's law: thread speed-up against the GIL-held share")
    shares = np.linspace(0, 1, 101)
    errors = []
    for w, color in zip(counts, COLORS, strict=False):
        line = sorted(
            (c for c in cells if c["workers"] == w), key=lambda c: c["params"]["gil_share"]
        )
        x = [c["params"]["gil_share"] for c in line]
        s = [c["speedup"] for c in line]
        err = [[v["median"] - v["low"] for v in s], [v["high"] - v["median"] for v in s]]
        ax.errorbar(x, [v["median"] for v in s], yerr=err, color=color, marker="o", capsize=3,
                    ls="none", label=f"measured, W={w}")  # fmt: skip
        model = [predicted(t, w, cores, 1.0) for t in shares]
        ax.plot(shares, model, color=color, ls="--", lw=1, label=f"Amdahl, W={w}")
        errors += [
            abs(v["median"] - predicted(t, w, cores, 1.0)) for t, v in zip(x, s, strict=True)
        ]
    ax.set_xlabel("share of the work done holding the GIL (gil_share)")
    ax.set_ylabel("thread speed-up over serial")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    caption = (
        f"Measured thread speed-ups stay within {max(errors):.2f}x of Amdahl's prediction "
        f"(over min(W, {cores} usable cores)) across {len(errors)} points."
    )
    return [Plot("amdahl", "Amdahl's law", figure, caption)]
