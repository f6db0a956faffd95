"""Every kernel family (pylab.kernels.compute, stream, amdahl, objects, io): each variant
returns its reference result, whole and split into parts, the omp variants at any thread
count; the `gil` variants really hold the GIL and the `nogil` ones really release it.

A warmed heartbeat thread (pylab.measure.heartbeat) counts while the kernel runs in the
main thread. Its pace relative to idle is near 1 when the kernel releases the GIL (two
cores) and near 0 when the kernel holds it: a relative check with wide margins, not a
timing.
"""

from __future__ import annotations

import pytest

from pylab import kernels
from pylab.kernels.base import OMP, openmp_built
from pylab.measure.heartbeat import Heartbeat

needs_openmp = pytest.mark.skipif(not openmp_built(), reason="kernels built without OpenMP")


SIZES = {
    "compute": [0, 1, 7, 1_003],
    "amdahl": [0, 1, 7, 1_003],
    "objects": [0, 1, 1_023, 1_025, 3_001],
    "io": [0, 1, 5],
    "stream": [0, 8, 8 * 1_003, 3 << 20],
}


CASES = [
    (name, variant, size)
    for name in kernels.measured_names()
    for variant in kernels.get(name).variants
    for size in SIZES[name]
]


@pytest.mark.parametrize(("name", "variant", "size"), CASES)
def test_variant_returns_reference(name: str, variant: str, size: int) -> None:
    kernel = kernels.get(name)
    data = kernel.make_input(size, **({"wait_us": 100} if name == "io" else {}))
    assert kernel.variants[variant](data) == kernel.reference(data)


@pytest.mark.parametrize(("name", "variant", "size"), [c for c in CASES if c[2] > 0])
@pytest.mark.parametrize("parts", [2, 3, 8])
def test_parts_combine_to_the_whole(name: str, variant: str, size: int, parts: int) -> None:
    kernel = kernels.get(name)
    data = kernel.make_input(size, **({"wait_us": 100} if name == "io" else {}))
    pieces = kernel.split(data, parts)
    assert len(pieces) == parts
    assert kernel.combine([kernel.variants[variant](p) for p in pieces]) == kernel.reference(data)


# --- the omp variants: OpenMP inside the kernel


OMP_CASES = [
    ("compute", 100_003, {}),
    ("amdahl", 100_003, {"gil_share": 0.0}),
    ("amdahl", 100_003, {"gil_share": 0.4}),
    ("stream", 8 * 100_003, {"array_mib": 1}),
    ("stream", 24 * 100_003, {"array_mib": 3, "op": "triad"}),
]


@pytest.fixture
def omp_threads():
    from pylab.kernels._ext import _openmp

    yield _openmp.set_threads
    _openmp.set_threads(1)


@needs_openmp
@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize(("name", "size", "params"), OMP_CASES)
def test_omp_returns_the_reference(omp_threads, threads: int, name, size, params) -> None:
    kernel = kernels.get(name)
    data = kernel.make_input(size, **params)
    omp_threads(threads)
    assert kernel.variants[OMP](data) == kernel.reference(data)


# --- the GIL held or released


HOLDS = [
    ("compute", "gil", 300_000_000, {}),
    ("stream", "gil", 2560 << 20, {"array_mib": 64}),
    ("stream", "gil", 2560 << 20, {"array_mib": 64, "op": "triad"}),
    ("amdahl", "mixed", 300_000_000, {"gil_share": 1.0}),
    ("objects", "gil", 3_000_000, {}),
    ("io", "gil", 300, {"wait_us": 1000}),
]


RELEASES = [
    ("compute", "nogil", 300_000_000, {}),
    ("stream", "nogil", 2560 << 20, {"array_mib": 64}),
    ("stream", "nogil", 2560 << 20, {"array_mib": 64, "op": "triad"}),
    ("amdahl", "mixed", 300_000_000, {"gil_share": 0.0}),
    ("io", "nogil", 300, {"wait_us": 1000}),
    ("io", "py", 300, {"wait_us": 1000}),
]


def _pace(name: str, variant: str, size: int, params: dict) -> float:
    kernel = kernels.get(name)
    data = kernel.make_input(size, **params)
    run = kernel.variants[variant]
    run(kernel.split(data, 50)[0])  # first call: imports, page faults
    with Heartbeat() as beat:
        idle = beat.idle_rate()
        beats, seconds = beat.beats_during(run, data)
    return beats / (idle * seconds)


@pytest.mark.parametrize(("name", "variant", "size", "params"), HOLDS)
def test_gil_variants_stall_other_threads(name, variant, size, params) -> None:
    assert _pace(name, variant, size, params) < 0.1


@pytest.mark.parametrize(("name", "variant", "size", "params"), RELEASES)
def test_nogil_variants_let_other_threads_run(name, variant, size, params) -> None:
    assert _pace(name, variant, size, params) > 0.3
