"""The summary matrix: every kernel and variant against every executor, coloured by
efficiency at the largest W, the speed-up written in each square."""

from __future__ import annotations

from typing import Any

import numpy as np

from pylab.report.figures import Plot, new_figure
from pylab.results.cells import COLUMNS, by_key, column, label, parallel_cells


def matrix(results: dict[str, Any]) -> tuple[list[str], list[str], np.ndarray, list[list[str]]]:
    groups = by_key(parallel_cells(results))
    columns = [c for c in COLUMNS if any(column(x) == c for g in groups.values() for x in g)]
    rows, efficiency, texts = [], [], []
    for cells in groups.values():
        top = max(c["workers"] for c in cells)
        best = {column(c): c for c in cells if c["workers"] == top}
        rows.append(f"{label(cells[0])} (W={top})")
        efficiency.append(
            [best[c]["efficiency"]["median"] if c in best else np.nan for c in columns]
        )
        texts.append([f"{best[c]['speedup']['median']:.2f}x" if c in best else "" for c in columns])
    return rows, columns, np.array(efficiency, dtype=float), texts


def make(results: dict[str, Any]) -> list[Plot]:
    rows, columns, efficiency, texts = matrix(results)
    if not rows:
        return []
    height = 1.6 + 0.32 * len(rows)
    figure, ax = new_figure(results, "Which kernels scale in threads, which need processes",
                            width=7.5, height=height)  # fmt: skip
    image = ax.imshow(np.clip(efficiency, 0, 1), cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(columns)), labels=columns)
    ax.set_yticks(range(len(rows)), labels=rows, fontsize=8)
    ax.xaxis.tick_top()
    for i, line in enumerate(texts):
        for j, text in enumerate(line):
            ax.text(j, i, text, ha="center", va="center", fontsize=8)
    bar = figure.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label("efficiency = speed-up / min(W, usable cores)")

    return [
        Plot("summary", "Which kernels scale in threads, which need processes", figure,
             _caption(results, rows, columns, efficiency))
    ]  # fmt: skip


def _caption(results: dict[str, Any], rows: list[str], columns: list[str], efficiency) -> str:
    """How many rows reach, in threads, the efficiency at which the file's verdicts scale."""
    mark = ((results.get("verdicts") or {}).get("bounds") or {}).get("scales")
    if mark is None or not columns or columns[0] != "threads":
        return f"Efficiency of {len(rows)} kernel variants at the largest W."
    in_threads = [r for r, e in zip(rows, efficiency[:, 0], strict=True) if e >= mark]
    return (
        f"{len(in_threads)} of {len(rows)} kernel variants reach {mark:.0%} efficiency in "
        "threads, where the verdicts call a speed-up scaling."
    )
