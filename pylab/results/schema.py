"""The results file's schema: the one place that builds its records and checks them on load.

Other modules hand this one values; it builds the header, the cells, the experiment
records, the claims and the verdicts, so that every record of a kind has the same
fields. docs/results-format.md documents every field.

Format history (bump FORMAT_VERSION on any change a reader must know about; an older
file is upgraded in memory on load, see pylab.results.upgrade):
  1 (2026-11-25): first version. Top level: format, format_version, status
    ("running", "complete", "interrupted"), pylab_version, command, preset,
    settings, selection, machine, build, pinning, load, started, finished,
    wall_s, cells. Each cell: kernel, variant, executor, start_method, workers,
    params, size, unit, ok, error, samples, speedup, efficiency, cpu_per_wall,
    throughput_per_s, model_speedup, noisy, noise, dispatch_s, dispatch_share,
    pool_start_s, workers_seen, elapsed_s. Added the same day, optional, so
    readers of the first files need nothing: interrupted_by, resumed,
    settings.timeout_s, selection.params; and, with the claim experiments,
    settings.level, selection.only, experiments and claims.
    2026-12-02, under the same version (the reason for 2): model_speedup for
    amdahl became Amdahl's law over N = min(W, usable cores); before, it was the
    law at N = W capped at the cores, which reads higher once W exceeds the cores.
    gilshare's data became one entry per parameter set measured.
  2 (2026-12-02): `verdicts` (the scaling table's verdict per kernel/variant/params,
    with the bounds of the rule that made it), so that readers show the verdicts a
    run was judged by; each cell's noise.noisy_above (the width above which it is
    flagged noisy); every claim's data holds the bounds its rule used; experiments
    size their work by time measured in the run and record what they measured
    (ipc crossover.iteration_s, killing flag_stop.chunk_s, responsiveness
    settings.releasing). A version-1 file is upgraded on load: model_speedup is
    recomputed under the new definition, and `upgraded` says what was done.
  3 (2026-12-03): several interpreters in one file (`run --python`). Every cell names
    its interpreter (`python`, an id such as "3.13.5t"); `pythons` maps each id, in
    the order asked for, to that interpreter's own blocks: `python` (as
    machine.python), `build`, `interpreter` (path and source of the interpreter,
    `environment`: the venv it ran from, or null for the one pylab ran on), `error`
    (why it could not run, or null), and its `experiments`, `claims` and `verdicts`,
    which leave the top level. `machine` and `build` at the top level are the
    parent's, which ran no kernel. `overhead` (when a free-threaded interpreter and the
    GIL build of its version ran): per such pair, free_threaded and gil ids, `complete`,
    and `works`: kernel, variant, params, size, ok, error, ratio (free-threaded / GIL
    serial seconds, an interval) and samples (free_threaded_s, gil_s). A version-2
    file becomes one interpreter's.
    Added 2026-12-03 under the same version, optional (issue 13): settings.precision
    and settings.max_time_s; each cell's `interference` (pairs_taken, disturbed,
    used_disturbed, stopped, pairs_s, reasons, background_cores, background_cores_max,
    steal_cores_max) and noise.precision and noise.precise; load.background_cores and
    load.background_cpu_s (the rest of the machine during the run); each experiment's
    background_cores; machine.state, the machine's state at the start
    (pylab.host.state: governor, turbo, isolated CPUs, load, other busy processes).
    Added 2026-12-05 under the same version, optional (issue 23): settings.retake_share; a
    retaken cell's `attempts` (the records it replaced, oldest first, each as it was);
    load.retakes (spoiled, retaken, spent_s, budget_s, quiet_cores); verdicts.uncertain
    (why a row is uncertain: its noisy or disturbed cells); a row whose intervals cross a
    mark is `undecided: A or B` (before: `A (uncertain)`); a claim may be `undecided` and
    carry `uncertain` (why); races (under designs), granularity, ipc and responsiveness data
    hold `interference` (regions, retaken, still_disturbed, background_cores_max).
    Added 2026-12-06, optional: load.retakes.noisy (cells retaken for an interval wider
    than noisy_above, after the spoiled ones); each cell's interference.capacity.

The file is rewritten after every cell by atomic replace, so a run killed at any
moment leaves a valid file holding every finished cell. Reading it parses JSON and
nothing else: no code from a file is ever executed or unpickled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pylab.base.errors import UserError
from pylab.base.stats import Interval, median

FORMAT = "pylab-results"
FORMAT_VERSION = 3
STATUSES = ("running", "complete", "interrupted")


# --- building records ----------------------------------------------------------------


def header(
    *,
    pylab_version: str,
    command: list[str],
    preset: str,
    settings: Mapping[str, Any],
    selection: Mapping[str, Any],
    machine: Mapping[str, Any],
    build: Mapping[str, Any],
    pinning: Mapping[str, Any],
    load_before: list[float] | None,
    started: str,
    pythons: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """A new run's file, before any cell: status running, no cell, no verdict;
    `pythons`: each interpreter's record by id (python_record)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "status": "running",
        "pylab_version": pylab_version,
        "command": list(command),
        "preset": preset,
        "settings": dict(settings),
        "selection": dict(selection),
        "machine": dict(machine),
        "build": dict(build),
        "pinning": dict(pinning),
        "load": {"before": load_before, "after": None},
        "started": started,
        "finished": None,
        "wall_s": None,
        "pythons": {pid: dict(record) for pid, record in pythons.items()},
        "cells": [],
    }


def python_record(
    python: Mapping[str, Any] | None,
    build: Mapping[str, Any] | None,
    interpreter: Mapping[str, Any],
    error: str | None = None,
) -> dict[str, Any]:
    """One interpreter of a run: its blocks (None where it could not say: see error),
    where it ran from, and its experiments, claims and verdicts to come."""
    return {
        "python": dict(python or {}),
        "build": dict(build or {}),
        "interpreter": dict(interpreter),
        "error": error,
        "skipped": [],
        "experiments": {},
        "claims": {},
        "verdicts": verdicts_record({}, {}, {}),
    }


def _rounded(values: Sequence[float]) -> list[float]:
    return [round(v, 7) for v in values]


def failed_cell(where: Mapping[str, Any], size: int | None, unit: str, reason: str) -> dict:
    """A cell that could not be measured (`where`: kernel, variant, executor, start_method,
    workers, params), and why; it has no timings."""
    return {**where, "size": size, "unit": unit, "ok": False, "error": reason, "noisy": False}


def measured_cell(
    where: Mapping[str, Any],
    size: int,
    unit: str,
    *,
    samples: Mapping[str, Sequence[float]],
    speedup: Interval,
    efficiency: Interval,
    cpu_per_wall: Interval,
    throughput: Interval,
    model_speedup: float | None,
    noisy_above: float,
    precision: float,
    serial_cv: float,
    dispatch_s: float,
    pool_start_s: float | None,
    workers_seen: Mapping[str, Any],
    interference: Mapping[str, Any],
) -> dict[str, Any]:
    """A measured cell; `noisy_above` is the interval width (share of the median) above
    which it is flagged noisy, `precision` the width its pairs were taken to reach."""
    width = speedup.relative_width
    return {
        **where,
        "size": size,
        "unit": unit,
        "ok": True,
        "error": None,
        "samples": {name: _rounded(values) for name, values in samples.items()},
        "speedup": speedup.as_dict(),
        "efficiency": efficiency.as_dict(),
        "model_speedup": round(model_speedup, 4) if model_speedup is not None else None,
        "cpu_per_wall": cpu_per_wall.as_dict(),
        "throughput_per_s": throughput.as_dict(),
        "noisy": width > noisy_above,
        "noise": {
            "speedup_relative_width": round(width, 4),
            "serial_cv": round(serial_cv, 4),
            "noisy_above": noisy_above,
            "precision": precision,
            "precise": width <= precision,
        },
        "dispatch_s": round(dispatch_s, 6),
        "dispatch_share": round(dispatch_s / median(samples["parallel_s"]), 6),
        "pool_start_s": round(pool_start_s, 6) if pool_start_s is not None else None,
        "workers_seen": dict(workers_seen),
        "interference": dict(interference),
    }


def experiment_record(
    elapsed_s: float, data: Any = None, error: str | None = None, background: float | None = None
) -> dict[str, Any]:
    """What one claim experiment gave: its data (and the rest of the machine's load, in
    cores, while it measured), or why it has none."""
    if error is None:
        record = {"ok": True, "data": data, "elapsed_s": round(elapsed_s, 3)}
        return record | ({"background_cores": background} if background is not None else {})
    return {"ok": False, "error": error, "elapsed_s": round(elapsed_s, 3)}


def claim_record(
    text: str,
    verdict: str,
    reason: str,
    data: Mapping[str, Any],
    published: Mapping[str, Any] | None = None,
    uncertain: str | None = None,
) -> dict[str, Any]:
    """One claim's verdict, the numbers and bounds behind it, the published figure, and why
    the verdict is uncertain where its inputs were noisy or disturbed."""
    record = {"claim": text, "verdict": verdict, "reason": reason, "data": dict(data)}
    record |= {"uncertain": uncertain} if uncertain else {}
    return record | ({"published": dict(published)} if published else {})


def verdicts_record(
    bounds: Mapping[str, Any], rows: Mapping[str, str], uncertain: Mapping[str, str]
) -> dict[str, Any]:
    """The scaling table's verdicts by row label, the bounds of the rule that made them, and
    why each uncertain row is so (its noisy or disturbed cells)."""
    return {"bounds": dict(bounds), "rows": dict(rows), "uncertain": dict(uncertain)}


# --- checking a file -------------------------------------------------------------------

# What every cell has, and what a measured (ok) cell has besides; readers rely on these.
_CELL_FIELDS = {"kernel": str, "variant": str, "executor": str, "workers": int, "params": dict}
_OK_FIELDS = {"unit": str, "samples": dict, "speedup": dict, "cpu_per_wall": dict}
_INTERVAL_KEYS = ("median", "low", "high")


def check_version(data: Any, path: Path) -> int:
    """The file's format version, or a UserError if it is not a file this pylab reads."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UserError(f'{path}: not a pylab results file (no "format": "{FORMAT}")')
    return _version(data, path, FORMAT_VERSION, "format")


def _version(data: dict[str, Any], path: Path, newest: int, kind: str) -> int:
    """The file's format_version, if this pylab reads it (up to `newest`)."""
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise UserError(f"{path}: bad format_version {version!r}")
    if version > newest:
        raise UserError(
            f"{path}: written by a newer pylab ({kind} {version}; this pylab reads up to "
            f"{newest}): upgrade pylab to read it"
        )
    return version


def validate(data: dict[str, Any], path: Path, version: int = FORMAT_VERSION) -> None:
    """Every problem with a file of this version is one UserError line."""
    if not isinstance(data.get("machine"), dict):
        raise UserError(f'{path}: malformed results file (no "machine")')
    if not isinstance(data.get("cells"), list):
        raise UserError(f'{path}: malformed results file ("cells" is not a list)')
    pythons = data.get("pythons") if version >= 3 else {None: data}
    if not isinstance(pythons, dict) or not all(isinstance(r, dict) for r in pythons.values()):
        raise UserError(f'{path}: malformed results file ("pythons" is not an object of objects)')
    for index, cell in enumerate(data["cells"]):
        problem = _cell_problem(cell)
        if not problem and version >= 3 and cell.get("python") not in pythons:
            problem = f"python {cell.get('python')!r} is not one of the file's pythons"
        if problem:
            raise UserError(f"{path}: malformed results file (cell {index}: {problem})")
    for pid, record in pythons.items():
        for what, problem in _record_problems(record, version):
            where = f"python {pid} {what}" if pid else what
            raise UserError(f"{path}: malformed results file ({where}: {problem})")


def _record_problems(data: dict[str, Any], version: int):
    """(where, what is wrong) for the experiments, claims and verdicts (format 2 on) of a file."""
    for name in ("experiments", "claims"):
        if not isinstance(data.get(name, {}), dict):
            yield name, "not an object"
    for name, record in (data.get("experiments") or {}).items():
        if not isinstance(record, dict) or not isinstance(record.get("ok"), bool):
            yield f"experiment {name}", '"ok" is not true or false'
    for cid, claim in (data.get("claims") or {}).items():
        if not isinstance(claim, dict) or not all(
            isinstance(claim.get(k), str) for k in ("claim", "verdict", "reason")
        ):
            yield f"claim {cid}", "claim, verdict or reason missing"
    verdicts = data.get("verdicts")
    if version >= 2 and not (isinstance(verdicts, dict) and isinstance(verdicts.get("rows"), dict)):
        yield "verdicts", "missing or without rows"


def _cell_problem(cell: Any) -> str | None:
    """What is wrong with one cell of a file, or None."""
    if not isinstance(cell, dict):
        return "not an object"
    if not isinstance(cell.get("ok"), bool):
        return '"ok" is not true or false'
    fields = _CELL_FIELDS | (_OK_FIELDS if cell["ok"] else {})
    for name, kind in fields.items():
        if not isinstance(cell.get(name), kind) or isinstance(cell.get(name), bool):
            return f"{name!r} missing or not {kind.__name__}"
    for name in ("speedup", "cpu_per_wall") if cell["ok"] else ():
        values = [cell[name].get(k) for k in _INTERVAL_KEYS]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            return f"{name!r} lacks numeric median, low and high"
    return None


# --- the atlas: a results kind of its own -----------------------------------------------
#
# `python -m pylab atlas` writes a file of format ATLAS_FORMAT (docs/results-format.md,
# "The atlas"). History:
#   1 (2026-12-06): the first version. Top level: format, format_version, status, pylab_version,
#     command, preset, settings (workers, release_share, scales, catalogue, only), machine,
#     pythons (id: python_record without experiments), started, finished, wall_s, skipped
#     (library/call: why, per python), atlas (one row per call and interpreter) and modules
#     (one row per extension module and free-threaded interpreter).
#     Added 2026-12-06 under the same version, optional: settings.rounds; each row's
#     `rounds` (each reading of the probe's speed-ups: recommendation, thread_speedup,
#     process_speedup, capacity, background_cores, unsettled, error) and `settled`. Later
#     that day, in each row's and round's `capacity`: `repeats`, `set_aside`, `reasons`
#     (the probe's repeats checked one by one; `attempts` no longer written).

ATLAS_FORMAT = "pylab-atlas"
ATLAS_VERSION = 1

# What every atlas row has; readers rely on these.
_ATLAS_FIELDS = {"library": str, "call": str, "python": str, "ok": bool, "sweep": list}
_MODULE_FIELDS = {"module": str, "python": str}


def atlas_header(
    *, pylab_version: str, command: list[str], preset: str, settings: Mapping[str, Any],
    machine: Mapping[str, Any], pythons: Mapping[str, Mapping[str, Any]], started: str,
) -> dict[str, Any]:  # fmt: skip
    """A new atlas file, before any row."""
    return {
        "format": ATLAS_FORMAT,
        "format_version": ATLAS_VERSION,
        "status": "running",
        "pylab_version": pylab_version,
        "command": list(command),
        "preset": preset,
        "settings": dict(settings),
        "machine": dict(machine),
        "pythons": {pid: dict(record) for pid, record in pythons.items()},
        "started": started,
        "finished": None,
        "wall_s": None,
        "atlas": [],
        "modules": [],
    }


_ROW_KEYS = ("gil_share", "thread_speedup", "process_speedup", "workers", "recommendation",
             "reason", "process_error", "warnings", "cpu_per_wall", "call_s", "probe_size",
             "background_cores", "capacity", "machine_warnings")  # fmt: skip


def atlas_row(
    entry: Mapping[str, Any], python: str, *, probe: Mapping[str, Any] | None,
    sweep: list[dict[str, Any]], release: Mapping[str, Any] | None,
    payoff: Mapping[str, Any] | None, comparison: str | None, error: str | None,
    skipped: str | None, elapsed_s: float, rounds: Sequence[Mapping[str, Any]] = (),
    settled: bool | None = None,
) -> dict[str, Any]:  # fmt: skip
    """One call on one interpreter. Without `probe` (failed or skipped) the measured fields
    are null and `error` or `skipped` says why; the points measured before a failure stay.
    `rounds`: each reading of the probe's speed-ups (pylab.atlas.rounds); `settled`:
    whether a recommendation stands (null without a probe)."""
    probe = probe or {}
    row = {
        "library": entry["library"],
        "call": entry["name"],
        "statement": entry["call"],
        "setup": entry["setup"],
        "size_name": entry.get("size", "n"),
        "unit": entry.get("unit", "items"),
        "python": python,
        "ok": error is None and skipped is None and bool(probe),
        "error": error,
        "skipped": skipped,
        **{key: probe.get(key) for key in _ROW_KEYS},
        "sweep": list(sweep),
        "release_size": dict(release) if release else None,
        "payoff_size": dict(payoff) if payoff else None,
        "documented": dict(entry["documented"]) if entry.get("documented") else None,
        "against_documented": comparison,
        "rounds": [dict(r) for r in rounds],
        "settled": settled,
        "elapsed_s": round(elapsed_s, 3),
    }
    if probe:  # the speed-ups at the one W the atlas measures, not keyed by W
        w = str(probe["workers"][-1])
        row["workers"] = int(w)
        row["thread_speedup"] = probe["thread_speedup"].get(w)
        row["process_speedup"] = probe["process_speedup"].get(w)
    return row


def module_row(
    module: str, python: str, libraries: list[str], found: Mapping[str, Any] | None,
    error: str | None,
) -> dict[str, Any]:  # fmt: skip
    """One extension module on one free-threaded interpreter."""
    found = found or {}
    return {
        "module": module,
        "python": python,
        "libraries": list(libraries),
        "gil_enabled_after_import": found.get("gil_enabled_after_import"),
        "enabled_by": found.get("enabled_by"),
        "import_error": found.get("import_error"),
        "subinterpreters": found.get("subinterpreters"),
        "error": error,
    }


def validate_atlas(data: Any, path: Path) -> None:
    """Every problem with an atlas file is one UserError line."""
    _version(data, path, ATLAS_VERSION, "atlas format")
    for name in ("machine", "pythons"):
        if not isinstance(data.get(name), dict):
            raise UserError(f'{path}: malformed atlas file (no "{name}")')
    for name, fields in (("atlas", _ATLAS_FIELDS), ("modules", _MODULE_FIELDS)):
        rows = data.get(name)
        if not isinstance(rows, list):
            raise UserError(f'{path}: malformed atlas file ("{name}" is not a list)')
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                raise UserError(f"{path}: malformed atlas file ({name} row {index}: not an object)")
            for field, kind in fields.items():
                if not isinstance(row.get(field), kind):
                    raise UserError(
                        f"{path}: malformed atlas file ({name} row {index}: {field!r} missing "
                        f"or not {kind.__name__})"
                    )
