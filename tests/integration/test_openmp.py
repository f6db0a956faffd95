"""The omp variants (OpenMP inside the kernel), their executor, and a build without OpenMP."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from pylab import kernels
from pylab.executors import make_executor
from pylab.executors.worker import Job
from pylab.kernels.base import OMP, openmp_built
from pylab.measure.cell import expected
from pylab.measure.plan import Selection, build_plan
from pylab.measure.presets import get_preset
from pylab.report import summary
from pylab.results import verdicts
from tests import REPO

needs_openmp = pytest.mark.skipif(not openmp_built(), reason="kernels built without OpenMP")
CASES = [
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
@pytest.mark.parametrize(("name", "size", "params"), CASES)
def test_omp_returns_the_reference(omp_threads, threads: int, name, size, params) -> None:
    kernel = kernels.get(name)
    data = kernel.make_input(size, **params)
    omp_threads(threads)
    assert kernel.variants[OMP](data) == kernel.reference(data)


@needs_openmp
def test_the_omp_executor_sets_w_threads_only_for_its_own_run() -> None:
    from pylab.kernels._ext import _openmp

    job = Job("compute", OMP, 200_003)
    _openmp.set_threads(1)
    with make_executor("omp", 3) as executor:
        run = executor.run(job)
    assert run.value == expected(job.kernel, job.size, job.params)
    assert len(run.parts) == 1  # one call; the parallelism is inside it
    assert _openmp.max_threads() == 1  # every other cell keeps OpenMP at one thread


@needs_openmp
def test_omp_runs_only_inside_the_kernel_and_nothing_else_does() -> None:
    cells = build_plan(get_preset("quick"), Selection(kernels=["compute"]), cores=2)
    pairs = {(c.variant, c.executor) for c in cells}
    assert {(OMP, "serial"), (OMP, "omp")} <= pairs
    assert not {(OMP, "threads"), (OMP, "processes"), ("nogil", "omp"), ("gil", "omp")} & pairs


def test_an_omp_row_is_judged_inside_the_kernel() -> None:
    cell = {
        "kernel": "compute", "variant": OMP, "params": {}, "unit": "iterations", "ok": True,
        "executor": "omp", "start_method": None, "workers": 2,
        "speedup": {"median": 1.95, "low": 1.9, "high": 1.98, "confidence": 0.97},
        "cpu_per_wall": {"median": 1.9, "low": 1.9, "high": 1.9, "confidence": 0.97},
    }  # fmt: skip
    results = {"machine": {"usable_cores": 2}, "cells": [cell]}
    results["verdicts"] = verdicts.judge(results)
    (row,) = summary.rows(results)
    assert row.verdict == "scales inside the kernel"
    assert "inside the kernel" in summary.format_table(results)


def _site_paths() -> str:
    paths = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    return os.pathsep.join(sorted(paths))


@pytest.mark.slow
def test_a_build_without_openmp_imports_and_runs_the_rest(tmp_path: Path) -> None:
    for name in ("ext", "pylab"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("*.so"))
    shutil.copy(REPO / "setup.py", tmp_path)
    env = {**os.environ, "PYLAB_NO_OPENMP": "1"}
    build = [sys.executable, "setup.py", "build_ext", "--inplace", "--parallel", "2"]
    done = subprocess.run(build, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "building without OpenMP" in done.stdout
    # -S: no .pth files, so the editable install's finder cannot hand us the repository's
    # pylab; the copy comes first, site-packages (numpy, psutil) after it.
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{_site_paths()}"}

    def pylab(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-S", "-m", "pylab", *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=300)  # fmt: skip

    info = pylab("info")
    assert info.returncode == 0, info.stderr
    assert str(tmp_path) in info.stdout and "build.openmp_version                 0" in info.stdout
    listed = pylab("list")
    assert "built without OpenMP" in listed.stdout
    assert "gil, nogil, py " in listed.stdout and "py, omp" not in listed.stdout
    args = ["run", "--only", "scaling", "--kernels", "compute", "--workers", "2", "--repeats", "2"]
    run = pylab(*args, "--min-time", "0.02", "--max-time", "0", "--no-report", "-q")
    assert run.returncode == 0, run.stderr
    assert "compute/nogil" in run.stdout and "compute/omp" not in run.stdout
    asked = pylab("run", "--kernels", "compute", "--variants", "omp")
    assert asked.returncode == 2 and "built without OpenMP" in asked.stderr
