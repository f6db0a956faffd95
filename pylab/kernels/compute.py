"""compute: CPU-bound scalar arithmetic with no memory traffic (a hash sum)."""

from __future__ import annotations

from pylab.kernels.base import Kernel, Span, ext, split_span, with_openmp
from pylab.kernels.hashing import combine_mod64, hash_sum_numpy, hash_sum_py

_ext = ext("compute")  # in a subinterpreter, its own-GIL twin


def make_input(size: int) -> Span:
    return Span(0, size)


def run_gil(span: Span) -> int:
    return _ext.hash_sum_gil(span.lo, span.hi)


def run_nogil(span: Span) -> int:
    return _ext.hash_sum_nogil(span.lo, span.hi)


def run_omp(span: Span) -> int:
    return _ext.hash_sum_omp(span.lo, span.hi)


def run_py(span: Span) -> int:
    return hash_sum_py(span.lo, span.hi)


def reference(span: Span) -> int:
    return hash_sum_numpy(span.lo, span.hi)


KERNEL = Kernel(
    name="compute",
    summary="CPU-bound integer arithmetic (splitmix64 hash sum), no memory traffic",
    unit="iterations",
    variants=with_openmp({"gil": run_gil, "nogil": run_nogil, "py": run_py}, run_omp),
    make_input=make_input,
    reference=reference,
    split=split_span,
    combine=combine_mod64,
    start_size=10_000,
)
