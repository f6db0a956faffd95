"""The sdist and the wheel, built as a user builds them, installed into a fresh venv and
run from outside the repository, with matplotlib's own pylab.py installed beside ours."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests import REPO


def _run(
    args: list[str], cwd: Path, timeout: float = 900, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    return done


@pytest.mark.slow
def test_wheel_builds_installs_and_runs_outside_the_repo(
    tmp_path: Path, tiny_args, build_env: dict[str, str]
) -> None:
    dist = tmp_path / "dist"
    # sdist first, then the wheel built from it: the sdist must carry what the build needs
    build = [sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)]
    _run(build, cwd=tmp_path, env=build_env)
    (sdist,) = dist.glob("*.tar.gz")
    names = tarfile.open(sdist).getnames()
    assert any(n.endswith("ext/compute.pyx") for n in names)
    assert any(n.endswith("ext/hashmix.pxd") for n in names)
    assert not any(n.endswith((".so", ".c")) for n in names)
    (wheel,) = dist.glob("*.whl")
    assert wheel.name.startswith("pylab_cext_lab-")

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", str(wheel)], cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                cwd=elsewhere).stdout.strip()  # fmt: skip
    assert Path(site, "pylab.py").exists()  # matplotlib's, beside our package

    where = _run([str(python), "-c", "import pylab; print(pylab.__file__)"], cwd=elsewhere)
    assert where.stdout.strip() == str(Path(site, "pylab", "__init__.py"))
    info = _run([str(python), "-m", "pylab", "info"], cwd=elsewhere).stdout
    assert "C-extension performance lab" in info and "build.cython_version" in info
    assert "build.openmp_version" in info and "build.debug                          False" in info
    args = tiny_args("--kernels", "compute", "--variants", "nogil,omp")
    run = _run([str(venv / "bin" / "pylab"), "run", *args], cwd=elsewhere)
    assert "compute/nogil" in run.stdout
    assert (elsewhere / run.stdout.strip().splitlines()[-1]).exists()
