"""Starting a new run: its plan, its settings, its interpreters, its results file."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pylab
from pylab import results as results_io
from pylab.base.errors import UserError, unknown_name
from pylab.experiments import MODULES
from pylab.experiments.base import LEVELS
from pylab.host.machine import load_average, machine_info, usable_cores
from pylab.host.pools import pin_thread_pools
from pylab.host.state import check as check_machine
from pylab.kernels.build import build_info
from pylab.measure.plan import CellSpec, Selection, build_plan, parts, runnable
from pylab.measure.presets import Preset, get_preset
from pylab.measure.settings import DEFAULT_OUT, Settings
from pylab.pythons.targets import Target, current
from pylab.runner import overhead
from pylab.runner.isolation import describe_python
from pylab.runner.lab import LabRun, Part

DESCRIBE_TIMEOUT_S = 120.0  # importing numpy and the kernels in a cold interpreter


def planned_experiments(selection: Selection) -> list[str]:
    """The claim experiments a selection runs: all of them, unless it runs no claims."""
    return list(MODULES) if "claims" in parts(selection) else []


def check_level(name: str) -> str:
    if name not in LEVELS:
        raise unknown_name("level", name, LEVELS)
    return name


def read_interpreter(target: Target) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """An interpreter's python and build blocks, and why it cannot run (or None)."""
    if target.here:
        return machine_info()["python"], build_info(), None
    # what pylab.pythons.discovery learnt of it, when it cannot say more itself
    known = {"version": target.python.version, "free_threaded_build": target.python.free_threaded}
    if target.executable is None:
        return known, {}, target.error
    try:
        found = describe_python(target.executable, DESCRIBE_TIMEOUT_S)
    except RuntimeError as exc:
        error = f"Python {target.python.name} could not start pylab: {exc}"
        print(f"pylab: error: {error}", file=sys.stderr)
        return known, {}, error
    return found["python"], found["build"], None


def warn(lines: list[str]) -> None:
    for line in lines:
        print(f"pylab: warning: {line}", file=sys.stderr)


def python_records(targets: list[Target]) -> dict[str, dict[str, Any]]:
    """Each interpreter's record by its id, in the order given."""
    records: dict[str, dict[str, Any]] = {}
    for target in targets:
        python, build, error = read_interpreter(target)
        pid = results_io.python_id(python, set(records))
        records[pid] = results_io.python_record(python, build, target.as_dict(), error)
    return records


def new_results(
    preset: str,
    settings: Settings,
    selection: Selection,
    pinning: dict[str, Any],
    pythons: dict[str, dict[str, Any]],
    state: dict[str, Any],
) -> dict[str, Any]:
    """The header of a new run's file, on this machine (in `state`, as
    pylab.host.state records it), for these interpreters."""
    return results_io.header(
        pylab_version=pylab.__version__,
        command=[Path(sys.executable).name, "-m", "pylab", *sys.argv[1:]],
        preset=preset,
        settings=asdict(settings),
        selection={k: list(v) if v else None for k, v in asdict(selection).items()},
        machine={**machine_info(), "state": state},
        build=build_info(),
        pinning=pinning,
        load_before=load_average(),
        started=results_io.utc_now().isoformat(timespec="seconds"),
        pythons=pythons,
    )


def writable(path: Path, results: dict[str, Any]) -> None:
    """Save `results` to `path` now, so that an unwritable place fails before measuring."""
    try:
        results_io.save(results, path)
    except OSError as exc:
        raise UserError(f"cannot write results to {path}: {exc.strerror or exc}") from None


def results_path(out: Path, results: dict[str, Any]) -> Path:
    """OUT/<UTC time>-<host>.json, created and written once."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write results to {out}: {exc.strerror or exc}") from None
    path = results_io.default_path(out, results["machine"]["hostname"], results_io.utc_now())
    writable(path, results)
    return path


def skip_cells(cells: list[CellSpec], records: dict[str, dict[str, Any]]) -> list[list[CellSpec]]:
    """Each interpreter's cells, less those it cannot run (recorded as its `skipped`, and
    said once). Nothing left to run anywhere, when there were cells: the user's error."""
    kept = []
    for record in records.values():
        mine, record["skipped"] = runnable(cells, record["python"])
        kept.append(mine)
    if cells and not any(kept):
        skip = next(s for r in records.values() for s in r["skipped"])
        raise UserError(f"nothing to run: {skip['what']} skipped: {skip['reason']}")
    return kept


def say_skips(records: dict[str, dict[str, Any]]) -> None:
    """One stderr line per reason an interpreter skips cells."""
    for pid, record in records.items():
        for skip in record["skipped"]:
            print(f"pylab: Python {pid}: {skip['cells']} {skip['what']} skipped: "
                  f"{skip['reason']}", file=sys.stderr)  # fmt: skip


def plan_run(
    preset_name: str | None, selection: Selection, overrides: Mapping[str, Any]
) -> tuple[Preset, list[CellSpec], Settings]:
    """The preset, its cells on this machine and the settings; a bad name or value is a
    UserError, raised before anything starts."""
    preset = get_preset(preset_name or "default")
    cells = build_plan(preset, selection, usable_cores())
    given = {k: v for k, v in overrides.items() if v is not None}
    settings = replace(preset.settings, **given)
    check_level(settings.level)
    return preset, cells, settings


def start(
    preset_name: str | None,
    selection: Selection,
    overrides: Mapping[str, Any],
    out: Path | None = None,
    targets: list[Target] | None = None,
) -> LabRun:
    """A new run of a preset narrowed by `selection`, its settings changed by `overrides`
    (None keeps the preset's), on each of `targets` (None: this interpreter), with its
    results file written once."""
    preset, cells, settings = plan_run(preset_name, selection, overrides)
    state, warnings = check_machine()  # before this run starts anything of its own
    pinning = pin_thread_pools()  # before any child starts: they inherit the pins
    targets = targets or [current()]
    records = python_records(targets)
    kept = skip_cells(cells, records)
    results = new_results(preset.name, settings, selection, pinning, records, state)
    path = results_path(out or DEFAULT_OUT, results)
    warn(warnings)  # after every usage error, which must stay one line
    say_skips(records)
    experiments = planned_experiments(selection)
    parts = [
        Part(pid, None if target.here else target.executable, mine, list(experiments),
             error=record["error"])
        for (pid, record), target, mine in zip(records.items(), targets, kept, strict=True)
    ]  # fmt: skip
    return LabRun(results, parts, settings, path, overhead.twins(results))
