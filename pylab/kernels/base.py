"""The contract every kernel family fulfils, and helpers for index-range inputs."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from pylab.base.errors import UserError, unknown_name
from pylab.base.names import OMP


@dataclass(frozen=True)
class Kernel:
    """One kernel family: the same arithmetic in each variant, the GIL the only difference.

    `size` counts `unit`s of work. `make_input(size, **params)` is deterministic,
    so a worker process can rebuild its input instead of receiving it by pickle.
    `split(input, n)` cuts an input into n parts cheaply (ranges, array views);
    `combine` of the parts' results equals the result on the whole input, which
    must equal `reference(input)`, computed independently of the variants.
    """

    name: str
    summary: str
    unit: str
    variants: Mapping[str, Callable[[Any], Any]]
    make_input: Callable[..., Any]
    reference: Callable[[Any], Any]
    split: Callable[[Any, int], Sequence[Any]]
    combine: Callable[[Sequence[Any]], Any] = sum
    params: Mapping[str, Any] = field(default_factory=dict)
    start_size: int = 1_000
    max_size: int = 2**40
    # An optional model of the thread speed-up: (params, workers, usable cores) -> speed-up.
    thread_model: Callable[[Mapping[str, Any], int, int], float] | None = None
    # A size that is never calibrated (for kernels whose run time is not the point).
    fixed_size: int | None = None
    # Checks parameter values before anything runs; raises UserError.
    validate: Callable[[Mapping[str, Any]], None] | None = None
    # Exists to test the harness (it fails on purpose); never in a preset.
    harness_test: bool = False
    # Why it cannot run in a subinterpreter (executor `interpreters`), or None if it can.
    not_in_subinterpreters: str | None = None

    def resolve_params(self, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Defaults overridden by `given`, checked; unknown names and bad values are user errors."""
        given = dict(given or {})
        for name in given:
            if name not in self.params:
                raise unknown_name(f"parameter of kernel {self.name!r}", name, self.params)
        params = {**self.params, **given}
        if self.validate:
            self.validate(params)
        return params

    def variant(self, name: str) -> Callable[[Any], Any]:
        try:
            return self.variants[name]
        except KeyError:
            raise unknown_name(f"variant of kernel {self.name!r}", name, self.variants) from None


def ext(name: str) -> ModuleType:
    """The compiled module pylab.kernels._ext.<name>; in a subinterpreter with its own GIL, which
    refuses it, its twin pylab.kernels._ext.own_gil.<name> (built with per-interpreter module
    state, which costs the main interpreter: see setup.py)."""
    try:
        return importlib.import_module(f"pylab.kernels._ext.{name}")
    except ImportError as refused:
        try:  # the refusal's wording varies (a fresh environment read "No module named")
            return importlib.import_module(f"pylab.kernels._ext.own_gil.{name}")
        except ImportError:
            raise refused from None  # not built, or broken: the main module's error


# OMP (pylab.base.names): the variant that parallelizes inside the kernel (OpenMP), run by
# the executor of the same name.


def openmp_built() -> bool:
    """Whether the kernels were compiled with OpenMP (PYLAB_NO_OPENMP=1 or no compiler support)."""
    return bool(ext("_openmp").enabled())


def with_openmp(
    variants: dict[str, Callable[[Any], Any]], omp: Callable[[Any], Any]
) -> dict[str, Callable[[Any], Any]]:
    """The variants, plus `omp` when the kernels were built with OpenMP."""
    return {**variants, OMP: omp} if openmp_built() else variants


@dataclass(frozen=True)
class Span:
    """The half-open index range [lo, hi) a kernel iterates over."""

    lo: int
    hi: int


def split_bounds(lo: int, hi: int, n: int) -> list[tuple[int, int]]:
    """[lo, hi) cut into n contiguous ranges whose lengths differ by at most one."""
    if n < 1:
        raise UserError(f"cannot split work into {n} parts")
    length = hi - lo
    edges = [lo + (length * k) // n for k in range(n + 1)]
    return list(zip(edges[:-1], edges[1:], strict=True))


def split_span(span: Span, n: int) -> list[Span]:
    return [Span(a, b) for a, b in split_bounds(span.lo, span.hi, n)]
