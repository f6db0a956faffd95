"""objects: building and reducing lists of Python ints; cannot release the GIL."""

from __future__ import annotations

from pylab.kernels.base import Kernel, Span, ext, split_span

_ext = ext("objects")  # in a subinterpreter, its own-GIL twin

_BLOCK = 1024


def make_input(size: int) -> Span:
    return Span(0, size)


def build_reduce_py(lo: int, hi: int) -> int:
    """The same code as ext/objects.pyx, run by the interpreter."""
    total = 0
    for start in range(lo, hi, _BLOCK):
        items = [i * i for i in range(start, min(start + _BLOCK, hi))]
        for v in items:
            total += v % 1009
    return total


def run_gil(span: Span) -> int:
    return _ext.build_reduce(span.lo, span.hi)


def run_py(span: Span) -> int:
    return build_reduce_py(span.lo, span.hi)


def reference(span: Span) -> int:
    import numpy as np  # here: the variants also run in subinterpreters, where numpy cannot

    total = 0
    for start in range(span.lo, span.hi, 1 << 20):
        i = np.arange(start, min(start + (1 << 20), span.hi), dtype=np.int64)
        total += int(((i * i) % 1009).sum())
    return total


KERNEL = Kernel(
    name="objects",
    summary="build and reduce lists of Python ints: needs the GIL throughout",
    unit="objects",
    variants={"gil": run_gil, "py": run_py},
    make_input=make_input,
    reference=reference,
    split=split_span,
    start_size=10_000,
    max_size=2**31,  # keeps i * i inside int64 for the numpy reference
)
