"""stream: memory-bound passes over an int64 array larger than the last-level cache."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pylab._ext import stream as _ext
from pylab.kernels.base import Kernel, split_bounds
from pylab.machine import last_level_cache_bytes

_MIB = 1 << 20


def default_array_mib() -> int:
    """Twice the last-level cache, so passes stream from memory: 64 MiB to 1 GiB."""
    llc = last_level_cache_bytes() or 32 * _MIB
    return int(min(max(2 * llc // _MIB, 64), 1024))


DEFAULT_ARRAY_MIB = default_array_mib()


@dataclass(frozen=True)
class Stream:
    array: np.ndarray
    passes: int


@lru_cache(maxsize=1)
def _array(n_elements: int) -> np.ndarray:
    # Small values so the sum of every pass fits in int64 exactly; read-only
    # because threads share this one array.
    values = np.arange(n_elements, dtype=np.int64) % 1024
    values.flags.writeable = False
    return values


def make_input(size: int, array_mib: int = DEFAULT_ARRAY_MIB) -> Stream:
    """`size` bytes streamed: an `array_mib` MiB array (or smaller `size`), read in passes."""
    array_bytes = min(size, array_mib * _MIB)
    n_elements = max(1, array_bytes // 8)
    passes = max(1, round(size / (n_elements * 8)))
    return Stream(_array(n_elements), passes)


def split(stream: Stream, n: int) -> list[Stream]:
    bounds = split_bounds(0, len(stream.array), n)
    return [Stream(stream.array[a:b], stream.passes) for a, b in bounds]


def run_gil(stream: Stream) -> int:
    return _ext.sum_gil(stream.array, stream.passes)


def run_nogil(stream: Stream) -> int:
    return _ext.sum_nogil(stream.array, stream.passes)


def reference(stream: Stream) -> int:
    return int(stream.array.sum(dtype=np.int64)) * stream.passes


KERNEL = Kernel(
    name="stream",
    summary="memory-bound sum over an int64 array twice the last-level cache, in passes",
    unit="bytes",
    variants={"gil": run_gil, "nogil": run_nogil},
    make_input=make_input,
    reference=reference,
    split=split,
    params={"array_mib": DEFAULT_ARRAY_MIB},
    start_size=64 * _MIB,
)
