"""io: blocking waits, from Python, from C without the GIL, and from C holding it."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pylab.base.errors import UserError
from pylab.kernels.base import Kernel, ext, split_bounds

_ext = ext("io")  # in a subinterpreter, its own-GIL twin


@dataclass(frozen=True)
class Waits:
    count: int
    wait_us: int


def validate(params: Mapping[str, Any]) -> None:
    if not 0 <= params["wait_us"] <= 10**7:
        raise UserError(f"io: wait_us must be 0 to 10000000, got {params['wait_us']}")


def make_input(size: int, wait_us: int = 1000) -> Waits:
    validate({"wait_us": wait_us})
    return Waits(size, int(wait_us))


def split(waits: Waits, n: int) -> list[Waits]:
    return [Waits(b - a, waits.wait_us) for a, b in split_bounds(0, waits.count, n)]


def run_py(waits: Waits) -> int:
    for _ in range(waits.count):
        time.sleep(waits.wait_us / 1e6)
    return waits.count


def run_gil(waits: Waits) -> int:
    return _ext.wait_gil(waits.count, waits.wait_us)


def run_nogil(waits: Waits) -> int:
    return _ext.wait_nogil(waits.count, waits.wait_us)


def reference(waits: Waits) -> int:
    return waits.count


KERNEL = Kernel(
    name="io",
    summary="blocking waits (nanosleep in C, time.sleep in Python): no CPU needed",
    unit="waits",
    variants={"gil": run_gil, "nogil": run_nogil, "py": run_py},
    make_input=make_input,
    reference=reference,
    split=split,
    params={"wait_us": 1000},
    start_size=10,
    max_size=10**7,
    validate=validate,
)
