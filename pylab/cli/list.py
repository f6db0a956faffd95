"""`python -m pylab list`: kernels and their variants, executors, start methods, presets."""

from __future__ import annotations

import argparse
import multiprocessing

from pylab import kernels
from pylab.base import extras
from pylab.executors import EXECUTORS, START_METHODS
from pylab.kernels.base import openmp_built
from pylab.measure.presets import PRESETS
from pylab.results.cells import params_label


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "list", help="list kernels, variants, executors and presets", description=__doc__
    )
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    print("kernels (variants; work unit; parameters):")
    for name in kernels.names():
        k = kernels.get(name)
        params = params_label(k.params) or "-"
        print(f"  {name:<9} {', '.join(k.variants):<20} {k.unit:<11} {params}")
        print(f"  {'':<9} {k.summary}" + (" (never in a preset)" if k.harness_test else ""))

    print(f"executors: {', '.join(EXECUTORS)} (omp: W OpenMP threads inside one kernel call)")
    if not openmp_built():
        print("  built without OpenMP: no omp variant, no omp executor")
    why = extras.why_no_subinterpreters()
    where = "available here" if why is None else f"not here: {why}"
    print(f"  interpreters: W subinterpreters, each with its own GIL; {where}")
    alone = [n for n in kernels.names() if kernels.get(n).not_in_subinterpreters]
    if alone:
        print(f"  kernels that cannot run in a subinterpreter: {', '.join(alone)}")
    why = extras.why_no_dask()
    where = "available here" if why is None else f"not here: {why}"
    print(f"  dask-threads, dask-processes: a Dask LocalCluster, 1 worker x W threads or W x 1; "
          f"{where}")  # fmt: skip
    available = set(multiprocessing.get_all_start_methods())
    methods = [m if m in available else f"{m} (not available here)" for m in START_METHODS]
    print(f"start methods (processes): {', '.join(methods)}")
    print("presets:")
    for preset in PRESETS.values():
        print(f"  {preset.name:<8} {preset.summary}")
    return 0
