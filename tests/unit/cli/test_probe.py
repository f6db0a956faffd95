"""`pylab probe`'s command (pylab.cli.probe): what it prints, and what it passes on to
a probe under another interpreter."""

from __future__ import annotations

from pathlib import Path

from pylab.probing.recommend import recommend
from tests.unit.probing.made_up import _data, _probed


def test_without_a_gil_the_share_is_said_not_printed_as_zero() -> None:
    from pylab.cli.probe import format_probe
    from pylab.probing.recommend import NO_GIL

    data = _data(1.9, 1.9, share=0.0) | {"gil_share": None}
    recommendation, reason = recommend(data)
    assert recommendation == "either" and NO_GIL in reason and "0%" not in reason
    data |= {"recommendation": recommendation, "reason": reason, "warnings": [],
             "calls_per_copy": 1, "start_method": "fork", "machine": {
                 "hostname": "h", "cpu_model": "c", "usable_cores": 2,
                 "python": {"implementation": "CPython", "version": "3.13.5",
                            "free_threaded_build": True, "gil_enabled": False}}}  # fmt: skip
    lines = format_probe(data).splitlines()
    assert lines[0] == f"GIL held      {NO_GIL}"
    assert lines[-1].endswith("CPython 3.13.5t (free-threaded, GIL off)")


def test_the_output_shows_the_threads_cpu_and_the_bandwidth() -> None:
    from pylab.cli.probe import format_probe

    data = _probed((1.28, 1.22, 1.37), (1.30, 1.26, 1.34))
    data |= dict(zip(("recommendation", "reason"), recommend(data), strict=True))
    data |= {"warnings": [], "calls_per_copy": 4, "start_method": "fork", "machine": {
        "hostname": "h", "cpu_model": "c", "usable_cores": 2,
        "python": {"implementation": "CPython", "version": "3.11.7"}}}  # fmt: skip
    lines = format_probe(data).splitlines()
    assert lines[-1].endswith("CPython 3.11.7 (GIL build)")
    assert "CPU per wall  1.00; 1.96 in 2 threads" in lines
    assert (
        "bandwidth     11.2 GiB/s single-core, 16.2 GiB/s in 2 threads "
        "(stream/nogil op=sum; read from bandwidth.json)"
    ) in lines
    assert lines[-2].startswith("recommendation: threads: memory bandwidth")
    assert not [line for line in lines if line.startswith("repeats")]  # none set aside
    data["capacity_at"] = {"2": {"repeats": 6, "set_aside": 2, "reasons": [
        "a check of the cores read 1.52x", "one parallel copy used 1.43x the CPU of another"]}}
    assert ("repeats       W=2: 2 of 6 set aside (a check of the cores read 1.52x; one "
            "parallel copy used 1.43x the CPU of another)") in format_probe(data).splitlines()


def test_a_probe_under_another_python_passes_dask_on() -> None:
    from argparse import Namespace

    from pylab.cli.probe import _child_args

    args = Namespace(statement="x", setup="pass", start_method="fork", repeats=1, workers=None)
    assert "--dask" in _child_args(Namespace(**vars(args), dask=True), Path("p.json"))
    assert "--dask" not in _child_args(Namespace(**vars(args), dask=False), Path("p.json"))
