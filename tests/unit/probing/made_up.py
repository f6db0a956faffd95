"""Made-up probe data for the tests of pylab.probing: the figures a probe would give."""

from __future__ import annotations

from pylab.base.gilmodel import amdahl, gil_bound

BANDWIDTH = {"workers": 2, "single_bytes_per_s": 12e9, "threads_bytes_per_s": 17.4e9,
             "kernel": "stream/nogil op=sum", "cached": True, "file": "bandwidth.json"}  # fmt: skip
MEMORY = "memory bandwidth (or another shared resource) likely caps it"
FIGURES = "the machine's measured bandwidth is 11.2 GiB/s single-core, 16.2 GiB/s with 2 threads"


def _data(t: float, p: float | None, share: float = 0.5, error: str | None = None) -> dict:
    interval = lambda x: {"median": x, "low": x * 0.95, "high": x * 1.05}  # noqa: E731
    return {
        "cores": 2, "cpu_per_wall": 1.0, "call_s": 2e-4, "gil_share": interval(share),
        "thread_speedup": {"2": interval(t)},
        "process_speedup": {"2": interval(p)} if p is not None else {},
        "predicted_thread_speedup": {"2": amdahl(share, 2)},
        "thread_speedup_bound": {"2": gil_bound(share, 2)}, "process_error": error,
    }  # fmt: skip


def _probed(t: tuple, p: tuple | None, share: float = 0.01, busy: float = 1.96,
            load: float = 0.02) -> dict:  # fmt: skip
    """Probe data at W=2 on 2 cores: t and p as (median, low, high), the GIL share, the
    threads' CPU per wall, the background load; with the machine's bandwidth."""
    data = _data(t[0], p[0] if p else None, share=share, error=None if p else "cannot pickle")
    data["thread_speedup"]["2"] = dict(zip(("median", "low", "high"), t, strict=True))
    if p:
        data["process_speedup"]["2"] = dict(zip(("median", "low", "high"), p, strict=True))
    return data | {"thread_cpu_per_wall": {"2": busy}, "background_cores": load,
                   "bandwidth": BANDWIDTH}  # fmt: skip
