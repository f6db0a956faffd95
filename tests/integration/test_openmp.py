"""A build without OpenMP: it imports, lists the omp variants as missing, and runs the rest.
The omp variants themselves are tested with the kernels (tests/unit/kernels/test_families.py),
their executor with the executors, their plan and verdict with the plan and the verdicts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests import REPO


def _site_paths() -> str:
    paths = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    return os.pathsep.join(sorted(paths))


@pytest.mark.slow
def test_a_build_without_openmp_imports_and_runs_the_rest(tmp_path: Path, tiny_args) -> None:
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
    run = pylab("run", *tiny_args("--kernels", "compute", "--no-report"))
    assert run.returncode == 0, run.stderr
    assert "compute/nogil" in run.stdout and "compute/omp" not in run.stdout
    asked = pylab("run", "--kernels", "compute", "--variants", "omp")
    assert asked.returncode == 2 and "built without OpenMP" in asked.stderr
