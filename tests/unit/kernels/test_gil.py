"""The `nogil` variants really release the GIL and the `gil` variants really hold it.

A warmed heartbeat thread counts while the kernel runs in the main thread. Its
pace relative to idle is near 1 when the kernel releases the GIL (two cores) and
near 0 when the kernel holds it: a relative check with wide margins, not a timing.
"""

from __future__ import annotations

import pytest

from pylab import kernels
from pylab.measure.heartbeat import Heartbeat

# (kernel, variant, size, params), each call about 0.3 s. After a GIL-holding call
# returns, the waiting heartbeat gets one switch interval (5 ms) before the count
# is read; calls this long keep that under 2% of the call.
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
