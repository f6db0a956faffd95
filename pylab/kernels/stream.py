"""stream: memory-bound passes over int64 arrays larger than the last-level cache.

`op` is `sum` (read one array: 8 bytes per element) or `triad` (STREAM's
a = b + 3 * c: 24 bytes per element, as STREAM counts them). The arrays together
take `array_mib`; `size` is the bytes moved, so passes = size / bytes per pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from pylab.base.errors import UserError
from pylab.host.machine import last_level_cache_bytes
from pylab.kernels._ext import stream as _ext
from pylab.kernels.base import Kernel, split_bounds, with_openmp

_MIB = 1 << 20
OPS = {"sum": 1, "triad": 3}  # arrays per op, each moving 8 bytes per element


def default_array_mib() -> int:
    """Twice the last-level cache, so passes stream from memory: 64 MiB to 1 GiB."""
    llc = last_level_cache_bytes() or 32 * _MIB
    return int(min(max(2 * llc // _MIB, 64), 1024))


DEFAULT_ARRAY_MIB = default_array_mib()


@dataclass(frozen=True)
class Stream:
    arrays: tuple[np.ndarray, ...]  # (a,) for sum; (a, b, c) for triad, a written
    passes: int


@lru_cache(maxsize=1)
def _arrays(n_elements: int, count: int) -> tuple[np.ndarray, ...]:
    # Small values so every sum fits in int64 exactly. Inputs are read-only
    # because threads share them; triad's output is written by disjoint parts.
    values = np.arange(n_elements, dtype=np.int64) % 1024
    values.flags.writeable = False
    if count == 1:
        return (values,)
    c = (values * 7) % 1024
    c.flags.writeable = False
    return (np.zeros(n_elements, dtype=np.int64), values, c)


def validate(params: Mapping[str, Any]) -> None:
    if params["op"] not in OPS:
        raise UserError(f"stream: op must be one of {', '.join(OPS)}, got {params['op']!r}")
    if not 1 <= params["array_mib"] <= 1 << 20:
        raise UserError(f"stream: array_mib must be 1 to {1 << 20}, got {params['array_mib']}")


def make_input(size: int, array_mib: int = DEFAULT_ARRAY_MIB, op: str = "sum") -> Stream:
    """`size` bytes moved over arrays of `array_mib` MiB in all (less if `size` is smaller)."""
    validate({"op": op, "array_mib": array_mib})
    per_element = 8 * OPS[op]
    n_elements = max(1, min(size, array_mib * _MIB) // per_element)
    passes = max(1, round(size / (n_elements * per_element)))
    return Stream(_arrays(n_elements, OPS[op]), passes)


def split(stream: Stream, n: int) -> list[Stream]:
    bounds = split_bounds(0, len(stream.arrays[0]), n)
    return [Stream(tuple(x[a:b] for x in stream.arrays), stream.passes) for a, b in bounds]


def _variant(sum_pass: Callable[..., int], triad_pass: Callable[..., int]) -> Callable:
    """The variant that runs `sum_pass` over one array or `triad_pass` over three."""

    def run(stream: Stream) -> int:
        if len(stream.arrays) == 1:
            return sum_pass(stream.arrays[0], stream.passes)
        return triad_pass(*stream.arrays, stream.passes)

    return run


run_gil = _variant(_ext.sum_gil, _ext.triad_gil)
run_nogil = _variant(_ext.sum_nogil, _ext.triad_nogil)
run_omp = _variant(_ext.sum_omp, _ext.triad_omp)


def reference(stream: Stream) -> int:
    if len(stream.arrays) == 1:
        once = int(stream.arrays[0].sum(dtype=np.int64))
    else:
        _, b, c = stream.arrays
        once = int(b.sum(dtype=np.int64)) + 3 * int(c.sum(dtype=np.int64))
    return once * stream.passes


KERNEL = Kernel(
    name="stream",
    summary="memory-bound sum or triad over int64 arrays twice the last-level cache, in passes",
    unit="bytes",
    variants=with_openmp({"gil": run_gil, "nogil": run_nogil}, run_omp),
    make_input=make_input,
    reference=reference,
    split=split,
    params={"array_mib": DEFAULT_ARRAY_MIB, "op": "sum"},
    start_size=64 * _MIB,
    validate=validate,
    not_in_subinterpreters=(
        "its input is a numpy array and numpy cannot load in a subinterpreter; its typed "
        "memoryviews are not safe there either (cython#8006)"
    ),
)
