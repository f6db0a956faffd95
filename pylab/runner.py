"""A whole lab run: calibrate each piece of work, measure every cell, save as it goes."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pylab
from pylab import results as results_io
from pylab.machine import build_info, load_average, machine_info
from pylab.measure import Settings, calibrate, failed_cell, measure_cell
from pylab.plan import CellSpec, Selection

# Called with (index, cell spec) before each cell is measured, for progress display.
Progress = Callable[[int, CellSpec], None]


def new_results(
    preset: str, settings: Settings, selection: Selection, pinning: dict[str, Any]
) -> dict[str, Any]:
    return {
        "format": results_io.FORMAT,
        "format_version": results_io.FORMAT_VERSION,
        "status": "running",
        "pylab_version": pylab.__version__,
        "command": [Path(sys.executable).name, "-m", "pylab", *sys.argv[1:]],
        "preset": preset,
        "settings": asdict(settings),
        "selection": {k: list(v) if v else None for k, v in asdict(selection).items()},
        "machine": machine_info(),
        "build": build_info(),
        "pinning": pinning,
        "load": {"before": load_average(), "after": None},
        "started": results_io.utc_now().isoformat(timespec="seconds"),
        "finished": None,
        "wall_s": None,
        "cells": [],
    }


def _calibrated(spec: CellSpec, settings: Settings) -> int | Exception:
    """The calibrated size of the cell's work, or the error that stopped calibration."""
    try:
        return calibrate(*spec.work, settings.min_time_s)
    except Exception as exc:  # every cell of this work fails with it; the run goes on
        return exc


def run_cells(
    results: dict[str, Any],
    cells: list[CellSpec],
    settings: Settings,
    path: Path,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Measure `cells` in order, writing `results` to `path` after every one."""
    t0 = time.perf_counter()
    sizes: dict[tuple, int | Exception] = {}
    results_io.save(results, path)
    try:
        for index, spec in enumerate(cells):
            if progress:
                progress(index, spec)
            if spec.work not in sizes:
                sizes[spec.work] = _calibrated(spec, settings)
            size = sizes[spec.work]
            if isinstance(size, Exception):
                results["cells"].append(failed_cell(spec, None, size))
            else:
                results["cells"].append(measure_cell(spec, size, settings))
            results_io.save(results, path)
        results["status"] = "complete"
    except KeyboardInterrupt:
        results["status"] = "interrupted"
        raise
    finally:
        results["finished"] = results_io.utc_now().isoformat(timespec="seconds")
        results["wall_s"] = round(time.perf_counter() - t0, 3)
        results["load"]["after"] = load_average()
        results_io.save(results, path)
    return results
