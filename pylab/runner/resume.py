"""Finishing an interrupted run: the same plan, less the cells already in the file.

A run is resumed only on the machine and build that started it, since a speed-up
measured half on one and half on another compares nothing; `--force` overrides. A run
of several interpreters resumes each of them, from the environment it ran in (rebuilt
if it is gone), and compares each one's python and build blocks.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from pylab import results as results_io
from pylab.base.errors import UserError
from pylab.host.machine import machine_info
from pylab.host.pools import pin_thread_pools
from pylab.host.state import check as check_machine
from pylab.measure.plan import CellSpec, Selection, build_plan, runnable
from pylab.measure.presets import get_preset
from pylab.measure.settings import Settings
from pylab.pythons.targets import targets
from pylab.results.cells import cell_key, work_key
from pylab.runner import overhead
from pylab.runner.lab import LabRun, Part
from pylab.runner.start import planned_experiments, read_interpreter, warn, writable

MACHINE_KEYS = ("hostname", "cpu_model", "logical_cores", "usable_cores")
PYTHON_KEYS = ("version", "implementation", "executable", "gil_enabled")
BUILD_KEYS = (
    "pylab_version", "compiler", "cflags", "directives", "cython_version", "numpy_version",
)  # fmt: skip


def setup_differences(old: Mapping[str, Any], machine: Mapping, build: Mapping) -> list[str]:
    """What differs between the machine and build of a results file and these."""
    old_machine, old_build = old.get("machine") or {}, old.get("build") or {}
    pairs = [(f"machine.{k}", old_machine.get(k), machine.get(k)) for k in MACHINE_KEYS]
    old_python, python = old_machine.get("python") or {}, machine.get("python") or {}
    pairs += [(f"python.{k}", old_python.get(k), python.get(k)) for k in PYTHON_KEYS]
    pairs += [(f"build.{k}", old_build.get(k), build.get(k)) for k in BUILD_KEYS]
    return [f"{name} was {a!r}, is {b!r}" for name, a, b in pairs if a != b]


def _plan(results: Mapping[str, Any]) -> tuple[list[CellSpec], list[str], Settings]:
    try:
        preset = get_preset(results["preset"])
        selection = Selection(**results["selection"])
        settings = Settings(**results["settings"])
        planned = build_plan(preset, selection, results["machine"]["usable_cores"])
        return planned, planned_experiments(selection), settings
    except (KeyError, TypeError, AttributeError) as exc:
        raise UserError(f"cannot resume: the file's plan is incomplete ({exc!r})") from None


def part_left(view: Mapping[str, Any], planned: list[CellSpec], experiments: list[str]) -> Part:
    """What one interpreter's view of a file lacks of the plan, as a part to run."""
    done = {cell_key(cell) for cell in view["cells"]}
    ok = [c for c in view["cells"] if c["ok"] and isinstance(c.get("size"), int)]
    sizes = {work_key(c): c["size"] for c in ok}
    mine, _ = runnable(planned, (view.get("machine") or {}).get("python") or {})
    todo = [spec for spec in mine if cell_key(spec.as_dict()) not in done]
    ran = view.get("experiments") or {}
    left = [n for n in experiments if n not in ran]
    return Part(view["python_id"], None, todo, left, sizes)


def plan_resume(
    results: Mapping[str, Any], here: Mapping[str, Mapping[str, Any]], force: bool
) -> tuple[list[Part], Settings]:
    """The parts of `results`' plan that it does not hold yet, and its settings.
    `here`: each interpreter's setup now, as a results file would record it (a view
    with machine and build), by id; an interpreter missing there cannot resume."""
    planned, experiments, settings = _plan(results)
    parts: list[Part] = []
    differences: list[str] = []
    for pid, old in results_io.views(results):
        now = here.get(pid)
        if now is None:
            raise UserError(f"cannot resume: Python {pid} of the file is not available")
        part = part_left(old, planned, experiments)
        if now.get("error"):  # what is left of it fails with the reason; the others run
            part.error = now["error"]
        else:
            found = setup_differences(old, now["machine"], now["build"])
            differences += [f"{pid} {d}" if len(here) > 1 else d for d in found]
        parts.append(part)
    if differences and not force:
        raise UserError(
            "measured on another machine or build (" + "; ".join(differences[:3]) + "); "
            "--force resumes anyway"
        )
    return parts, settings


def _setups(results: Mapping[str, Any], envs_root: Path | None) -> dict[str, dict]:
    """Each interpreter of the file as it is now: its executable, machine and build."""
    machine = machine_info()
    found = {}
    for pid, record in results["pythons"].items():
        path = (record.get("interpreter") or {}).get("path") or ""
        try:  # the one running now is itself again; any other, its environment
            (target,) = targets([path], envs_root, False)
        except UserError as exc:
            raise UserError(f"cannot resume Python {pid}: {exc}") from None
        python, build, error = read_interpreter(target)
        if error:  # its environment fails to build or start: its cells fail, not the run
            found[pid] = {"executable": None, "error": error}
            continue
        executable = None if target.here else target.executable
        found[pid] = {"executable": executable, "build": build,
                      "machine": {**machine, "python": python}}  # fmt: skip
    return found


def resume(
    path: Path, force: bool, timeout_s: float | None = None, envs_root: Path | None = None
) -> LabRun | None:
    """The rest of the run in the file at `path`, to be appended to it; None if complete.

    `timeout_s` (None: the file's) is the one setting a resumed run may change."""
    results = results_io.load(path)
    if results.get("status") == "complete":
        print(f"pylab: {path} is complete; nothing to resume", file=sys.stderr)
        return None
    pin_thread_pools()
    try:
        _plan(results)  # an incomplete plan says so before any interpreter is looked for
        setups = _setups(results, envs_root)
        parts, settings = plan_resume(results, setups, force)
    except UserError as exc:
        raise UserError(f"{path}: {exc}") from None
    for part in parts:
        part.executable = setups[part.pid]["executable"]
    settings = replace(settings, timeout_s=timeout_s or settings.timeout_s)
    results["settings"] = asdict(settings)
    results.setdefault("resumed", []).append(results_io.utc_now().isoformat(timespec="seconds"))
    writable(path, results)
    warn(check_machine()[1])  # the machine now; the file keeps the state its run started in
    done = {(r["free_threaded"], r["gil"]) for r in results.get("overhead", []) if r["complete"]}
    twins = [pair for pair in overhead.twins(results) if pair not in done]
    return LabRun(results, parts, settings, path, twins)
