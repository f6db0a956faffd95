"""Finishing an interrupted run: the same plan, less the cells already in the file.

A run is resumed only on the machine and build that started it, since a speed-up
measured half on one and half on another compares nothing; `--force` overrides.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from pylab import results as results_io
from pylab.cells import cell_key, work_key
from pylab.errors import UserError
from pylab.machine import build_info, machine_info
from pylab.pinning import pin_thread_pools
from pylab.plan import CellSpec, Selection, build_plan
from pylab.presets import get_preset
from pylab.runner.lab import LabRun
from pylab.runner.start import planned_experiments, writable
from pylab.settings import Settings

MACHINE_KEYS = ("hostname", "cpu_model", "logical_cores", "usable_cores")
PYTHON_KEYS = ("version", "implementation", "executable", "gil_enabled")
BUILD_KEYS = (
    "pylab_version", "compiler", "cflags", "directives", "cython_version", "numpy_version",
)  # fmt: skip


@dataclass(frozen=True)
class Resumption:
    cells: list[CellSpec]  # still to measure, in the planned order
    experiments: list[str]  # claim experiments still to run
    settings: Settings
    sizes: dict[tuple, int]  # calibrated sizes of work already measured


def setup_differences(old: Mapping[str, Any], machine: Mapping, build: Mapping) -> list[str]:
    """What differs between the machine and build of a results file and these."""
    old_machine, old_build = old.get("machine") or {}, old.get("build") or {}
    pairs = [(f"machine.{k}", old_machine.get(k), machine.get(k)) for k in MACHINE_KEYS]
    old_python, python = old_machine.get("python") or {}, machine.get("python") or {}
    pairs += [(f"python.{k}", old_python.get(k), python.get(k)) for k in PYTHON_KEYS]
    pairs += [(f"build.{k}", old_build.get(k), build.get(k)) for k in BUILD_KEYS]
    return [f"{name} was {a!r}, is {b!r}" for name, a, b in pairs if a != b]


def plan_resume(
    results: Mapping[str, Any], machine: Mapping, build: Mapping, force: bool
) -> Resumption:
    """The cells of `results`' plan that it does not hold yet, with its settings."""
    try:
        preset = get_preset(results["preset"])
        selection = Selection(**results["selection"])
        settings = Settings(**results["settings"])
        planned = build_plan(preset, selection, results["machine"]["usable_cores"])
        experiments = planned_experiments(selection)
    except (KeyError, TypeError, AttributeError) as exc:
        raise UserError(f"cannot resume: the file's plan is incomplete ({exc!r})") from None
    differences = setup_differences(results, machine, build)
    if differences and not force:
        raise UserError(
            "measured on another machine or build (" + "; ".join(differences[:3]) + "); "
            "--force resumes anyway"
        )
    done = {cell_key(cell) for cell in results["cells"]}
    ok = [c for c in results["cells"] if c["ok"] and isinstance(c.get("size"), int)]
    sizes = {work_key(c): c["size"] for c in ok}
    todo = [spec for spec in planned if cell_key(spec.as_dict()) not in done]
    ran = results.get("experiments") or {}
    return Resumption(todo, [n for n in experiments if n not in ran], settings, sizes)


def resume(path: Path, force: bool, timeout_s: float | None = None) -> LabRun | None:
    """The rest of the run in the file at `path`, to be appended to it; None if complete.

    `timeout_s` (None: the file's) is the one setting a resumed run may change."""
    results = results_io.load(path)
    if results.get("status") == "complete":
        print(f"pylab: {path} is complete; nothing to resume", file=sys.stderr)
        return None
    try:
        todo = plan_resume(results, machine_info(), build_info(), force)
    except UserError as exc:
        raise UserError(f"{path}: {exc}") from None
    settings = replace(todo.settings, timeout_s=timeout_s or todo.settings.timeout_s)
    pin_thread_pools()
    results["settings"] = asdict(settings)
    results.setdefault("resumed", []).append(results_io.utc_now().isoformat(timespec="seconds"))
    writable(path, results)
    return LabRun(results, todo.cells, todo.experiments, settings, path, todo.sizes)
