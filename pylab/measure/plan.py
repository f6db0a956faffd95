"""What a run measures: cells (kernel, variant, params, executor, start method, W)."""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pylab import kernels
from pylab.base.errors import UserError, unknown_name
from pylab.base.names import INTERPRETERS, THREADS
from pylab.executors import DASK, EXECUTORS, START_METHODS
from pylab.kernels.base import OMP, openmp_built
from pylab.measure.presets import Preset, resolve_workers

Params = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class CellSpec:
    kernel: str
    variant: str
    executor: str
    start_method: str | None
    workers: int
    params: Params = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "kernel": self.kernel,
            "variant": self.variant,
            "executor": self.executor,
            "start_method": self.start_method,
            "workers": self.workers,
            "params": dict(self.params),
        }

    @property
    def work(self) -> tuple[str, str, Params]:
        """Cells with the same work share one calibrated size."""
        return (self.kernel, self.variant, self.params)


@dataclass(frozen=True)
class Selection:
    """Explicit choices that narrow or override a preset; None keeps the preset's."""

    kernels: Sequence[str] | None = None
    variants: Sequence[str] | None = None
    executors: Sequence[str] | None = None
    start_methods: Sequence[str] | None = None
    workers: Sequence[int] | None = None
    params: Mapping[str, str] | None = None  # --param KEY=VALUE, as typed
    only: Sequence[str] | None = None  # parts of the lab: scaling (the cells), claims


def _check_names(kind: str, given: Sequence[str], known: Sequence[str]) -> None:
    for name in given:
        if name not in known:
            raise unknown_name(kind, name, known)


def _typed(name: str, text: str, default: Any) -> Any:
    """A --param value as the type of the parameter's default."""
    kind = type(default)
    if kind is str:
        return text
    try:
        return kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise UserError(f"parameter {name}: {text!r} is not {what}") from None


def _param_sets(preset: Preset, kernel: str, given: Mapping[str, str]) -> list[Params]:
    """The preset's grid of parameter values; explicit --param values replace it."""
    family = kernels.get(kernel)
    explicit = {k: _typed(k, v, family.params[k]) for k, v in given.items() if k in family.params}
    grid = {k: v for k, v in preset.param_grid.get(kernel, {}).items() if k not in explicit}
    names = sorted(grid)
    combos = itertools.product(*(grid[n] for n in names)) if names else [()]
    return [
        tuple(
            sorted(family.resolve_params({**explicit, **dict(zip(names, c, strict=True))}).items())
        )
        for c in combos
    ]


def _executor_slots(
    variant: str, executors: Sequence[str], methods: Sequence[str], workers: Sequence[int]
):
    """(executor, start method, W) for a variant: `omp` runs only inside the kernel, and
    nothing else does (OpenMP threads on top of pool workers would oversubscribe)."""
    for executor in executors:
        if executor == "serial":
            if variant != OMP or OMP in executors:  # alone, a serial cell answers nothing
                yield executor, None, 1
        elif (executor == OMP) != (variant == OMP):
            continue
        elif executor in (THREADS, INTERPRETERS, OMP, *DASK):
            yield from ((executor, None, w) for w in workers)
        else:
            yield from ((executor, m, w) for m in methods for w in workers)


def _skip(spec: CellSpec, python: Mapping[str, Any]) -> tuple[str, str] | None:
    """(what is skipped, why) when an interpreter (its results `python` block) cannot run
    a cell, or None."""
    if spec.executor in DASK:
        dask = python.get("dask") or {}
        return None if dask.get("available", True) else ("Dask cells", str(dask.get("reason")))
    if spec.executor != INTERPRETERS:
        return None
    support = python.get("subinterpreters") or {}
    if support.get("available") is False:
        return f"{INTERPRETERS} cells", str(support.get("reason"))
    reason = kernels.get(spec.kernel).not_in_subinterpreters
    return (f"{spec.kernel} on {INTERPRETERS}", reason) if reason else None


def runnable(
    cells: Sequence[CellSpec], python: Mapping[str, Any]
) -> tuple[list[CellSpec], list[dict[str, Any]]]:
    """The cells an interpreter can run, and the others as skips {what, cells, reason}:
    the `interpreters` executor where there are no subinterpreters, a kernel that cannot
    run in one, the Dask executors where Dask is not installed. Skipped cells are not
    failures; the results say why they are absent."""
    keep: list[CellSpec] = []
    skips: dict[tuple[str, str], dict[str, Any]] = {}
    for spec in cells:
        found = _skip(spec, python)
        if found is None:
            keep.append(spec)
            continue
        skip = skips.setdefault(found, {"what": found[0], "cells": 0, "reason": found[1]})
        skip["cells"] += 1
    return keep, list(skips.values())


PARTS = ("scaling", "claims")


def parts(selection: Selection) -> list[str]:
    """The parts of the lab a selection runs (both by default)."""
    chosen = list(selection.only or PARTS)
    _check_names("part (--only)", chosen, PARTS)
    return chosen


def build_plan(preset: Preset, selection: Selection, cores: int) -> list[CellSpec]:
    """Every cell of `preset` narrowed by `selection`, grouped so equal work is adjacent."""
    if "scaling" not in parts(selection):
        return []
    names = selection.kernels or preset.kernels
    _check_names("kernel", names, kernels.names())
    executors = selection.executors or preset.executors
    _check_names("executor", executors, EXECUTORS)
    methods = selection.start_methods or preset.start_methods
    _check_names("start method", methods, START_METHODS)
    available = multiprocessing.get_all_start_methods()
    for method in methods:
        if method not in available and "processes" in executors:
            raise UserError(
                f"start method {method!r} is not available here ({', '.join(available)})"
            )
    workers = sorted(set(selection.workers or resolve_workers(preset.workers, cores)))
    families = [kernels.get(n) for n in names]
    given = dict(selection.params or {})
    _check_names("parameter", list(given), sorted({p for k in families for p in k.params}))
    if selection.variants:
        if OMP in selection.variants and not openmp_built():
            raise UserError("variant omp is absent: pylab was built without OpenMP")
        _check_names(
            "variant", selection.variants, sorted({v for k in families for v in k.variants})
        )

    return [
        CellSpec(k.name, variant, executor, method, w, params)
        for k in families
        for params in _param_sets(preset, k.name, given)
        for variant in k.variants
        if not selection.variants or variant in selection.variants
        for executor, method, w in _executor_slots(variant, executors, methods, workers)
    ]
