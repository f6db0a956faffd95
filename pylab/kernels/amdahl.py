"""amdahl: compute's loop with a chosen share `gil_share` done holding the GIL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pylab.base.errors import UserError
from pylab.base.gilmodel import predicted
from pylab.kernels.base import Kernel, ext, split_bounds, with_openmp
from pylab.kernels.hashing import combine_mod64, hash_sum_numpy

_ext = ext("amdahl")  # in a subinterpreter, its own-GIL twin


@dataclass(frozen=True)
class MixedSpan:
    lo: int
    hi: int
    gil_share: float


def validate(params: Mapping[str, Any]) -> None:
    if not 0.0 <= params["gil_share"] <= 1.0:
        raise UserError(f"amdahl: gil_share must be in [0, 1], got {params['gil_share']}")


def make_input(size: int, gil_share: float = 0.5) -> MixedSpan:
    validate({"gil_share": gil_share})
    return MixedSpan(0, size, float(gil_share))


def split(span: MixedSpan, n: int) -> list[MixedSpan]:
    return [MixedSpan(a, b, span.gil_share) for a, b in split_bounds(span.lo, span.hi, n)]


def run_mixed(span: MixedSpan) -> int:
    return _ext.hash_sum_mixed(span.lo, span.hi, span.gil_share)


def run_mixed_omp(span: MixedSpan) -> int:
    return _ext.hash_sum_mixed_omp(span.lo, span.hi, span.gil_share)


def reference(span: MixedSpan) -> int:
    return hash_sum_numpy(span.lo, span.hi)


def thread_model(params: Mapping[str, Any], workers: int, cores: int) -> float:
    """Amdahl's law for W threads of CPU-bound work: threads beyond the cores add none."""
    return predicted(float(params["gil_share"]), workers, cores, cpu_fraction=1.0)


KERNEL = Kernel(
    name="amdahl",
    summary="compute's loop, the first gil_share of it holding the GIL, the rest released",
    unit="iterations",
    variants=with_openmp({"mixed": run_mixed}, run_mixed_omp),
    make_input=make_input,
    reference=reference,
    split=split,
    combine=combine_mod64,
    params={"gil_share": 0.5},
    start_size=10_000,
    thread_model=thread_model,
    validate=validate,
)
