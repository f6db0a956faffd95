"""Amdahl's prediction from each kernel's measured GIL share beside its measured thread
speed-up: the model's error per kernel and overall."""

from __future__ import annotations

from typing import Any

from pylab.base.fmt import fmt_interval
from pylab.base.gilmodel import bounded, predicted
from pylab.base.stats import median
from pylab.experiments.gilshare import BY_KERNEL, NAME
from pylab.report.plots._common import experiment_data
from pylab.report.render import Section
from pylab.results.cells import label, largest_w, parallel_cells


def _cpu_fraction(cells: list[dict[str, Any]]) -> float:
    """CPU per wall of one worker (serial cell, else W=1): waits need no core."""
    one = [c for c in cells if c["workers"] == 1 and c["executor"] in ("serial", "threads")]
    return one[0]["cpu_per_wall"]["median"] if one else 1.0


def model_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    shares = (experiment_data(results, NAME) or {}).get(BY_KERNEL) or {}
    cores = results["machine"]["usable_cores"]
    rows = []
    for entry in shares.values():
        kernel, variant = entry["kernel"], entry["variant"]
        cells = [
            c for c in results.get("cells", [])
            if c.get("ok") and (c["kernel"], c["variant"]) == (kernel, variant)
            and c["params"] == entry["params"]
        ]  # fmt: skip
        threads = largest_w(
            [c for c in parallel_cells({"cells": cells}) if c["executor"] == "threads"]
        )
        if threads is None or threads["workers"] < 2:
            continue
        share, w = entry["gil_share"], threads["workers"]
        cpu = _cpu_fraction(cells)
        model = predicted(share["median"], w, cores, cpu)
        measured = threads["speedup"]
        rows.append({"label": label(threads), "share": share, "workers": w, "predicted": model,
                     "bound": bounded(share["median"], w, cores, cpu),
                     "measured": measured, "error": measured["median"] - model,
                     "inside": measured["low"] <= model <= measured["high"]})  # fmt: skip
    return rows


def model_section(results: dict[str, Any]) -> Section | None:
    rows = model_rows(results)
    if not rows:
        return None
    errors = [abs(r["error"]) for r in rows]
    worst = max(rows, key=lambda r: abs(r["error"]))
    inside = sum(r["inside"] for r in rows)
    summary = (
        f"Across {len(rows)} kernel variants and parameter sets, Amdahl's law with the "
        f"measured GIL share as the serial fraction (over min(W, cores) for CPU-bound work) "
        f"misses the measured thread speed-up by {median(errors):.2f}x in the "
        f"median and {max(errors):.2f}x at worst ({worst['label']}); the prediction lies "
        f"inside the measured interval for {inside} of them. The GIL bound, min(W, 1/share), "
        f"is the other end: threads whose held parts overlap each other's released parts can "
        f"beat Amdahl up to it."
    )
    table = [
        (
            r["label"],
            fmt_interval(r["share"], ""),
            str(r["workers"]),
            f"{r['predicted']:.2f}x",
            f"{r['bound']:.2f}x",
            fmt_interval(r["measured"]),
            f"{r['error']:+.2f}x",
            "yes" if r["inside"] else "no",
        )
        for r in rows
    ]
    header = (
        "kernel/variant",
        "GIL share",
        "W",
        "Amdahl",
        "GIL bound",
        "measured (threads)",
        "error",
        "inside interval",
    )
    return Section("GIL share and Amdahl's law", [summary], table=(header, table))
