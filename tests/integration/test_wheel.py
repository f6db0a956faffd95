"""The sdist and the wheel, built as a user builds them, installed into a fresh venv and
run from outside the repository (a run and an atlas call), with matplotlib's own pylab.py
installed beside ours; the installed wheel builds another interpreter's environment
(`--python`) from the source it ships, with no checkout in sight."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from pylab.base.errors import UserError
from pylab.pythons import discovery, envs
from tests import REPO, in_ci, no_interpreter


def _run(
    args: list[str], cwd: Path, timeout: float = 900, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    return done


@dataclass(frozen=True)
class Installed:
    """The sdist and wheel built from the checkout, the wheel installed in a fresh venv."""

    sdist: Path
    wheel: Path
    venv: Path
    elsewhere: Path  # an empty folder outside the repository to run it from

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


@pytest.fixture(scope="module")
def installed(tmp_path_factory, build_env: dict[str, str]) -> Installed:
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    # sdist first, then the wheel built from it: the sdist must carry what the build needs
    build = [sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)]
    _run(build, cwd=tmp, env=build_env)
    (sdist,), (wheel,) = dist.glob("*.tar.gz"), dist.glob("*.whl")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], cwd=tmp)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return Installed(sdist, wheel, venv, elsewhere)


@pytest.mark.slow
def test_wheel_builds_installs_and_runs_outside_the_repo(installed: Installed, tiny_args) -> None:
    names = tarfile.open(installed.sdist).getnames()
    assert any(n.endswith("ext/compute.pyx") for n in names)
    assert any(n.endswith("ext/hashmix.pxd") for n in names)
    assert not any(n.endswith((".so", ".c")) for n in names)
    assert installed.wheel.name.startswith("pylab_cext_lab-")

    python, elsewhere = str(installed.python), installed.elsewhere
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                cwd=elsewhere).stdout.strip()  # fmt: skip
    assert Path(site, "pylab.py").exists()  # matplotlib's, beside our package

    where = _run([python, "-c", "import pylab; print(pylab.__file__)"], cwd=elsewhere)
    assert where.stdout.strip() == str(Path(site, "pylab", "__init__.py"))
    info = _run([python, "-m", "pylab", "info"], cwd=elsewhere).stdout
    assert "C-extension performance lab" in info and "build.cython_version" in info
    assert "build.openmp_version" in info and "build.debug                          False" in info
    args = tiny_args("--kernels", "compute", "--variants", "nogil,omp")
    run = _run([str(installed.venv / "bin" / "pylab"), "run", *args], cwd=elsewhere)
    assert "compute/nogil" in run.stdout
    assert (elsewhere / run.stdout.strip().splitlines()[-1]).exists()
    # The atlas's server and its forks run the installed package, and its catalogue ships.
    atlas = _run([str(installed.venv / "bin" / "pylab"), "atlas", "--only", "zlib/crc32",
                  "--preset", "quick", "--rounds", "1", "--out", "atlas", "-q"], cwd=elsewhere)
    (row,) = json.loads((elsewhere / atlas.stdout.strip().splitlines()[-1]).read_text())["atlas"]
    assert row["call"] == "crc32" and row["ok"], row["error"]


@pytest.mark.slow
def test_the_wheel_ships_the_source_an_environment_is_built_from(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    shipped = {n.removeprefix(f"pylab/{envs.SHIPPED}/") for n in names
               if n.startswith(f"pylab/{envs.SHIPPED}/")}  # fmt: skip
    checkout = envs.Source(REPO, REPO / "pylab").files()
    assert shipped == {n for n in checkout if not n.startswith("pylab/")}
    site = installed.python.parent.parent.glob("lib/python*/site-packages/pylab")
    # the same files as the checkout's, so the same environment key
    assert envs.source(next(site)).files().keys() == checkout.keys()


def _other_python() -> discovery.Python:
    """The interpreter the installed wheel builds an environment for: the free-threaded 3.13
    (CI installs it), else, outside CI, a 3.12."""
    for spec in ("3.13t",) if in_ci() else ("3.13t", "3.12"):
        try:
            return discovery.resolve(spec)
        except UserError:
            continue
    no_interpreter("no CPython 3.13t (nor 3.12) here to build an environment for "
                   "(docs/interpreters.md: Getting interpreters)")  # fmt: skip


@pytest.mark.slow
def test_an_installed_wheel_runs_and_probes_another_interpreter_from_any_folder(
    installed: Installed, tiny_args, build_env: dict[str, str]
) -> None:
    other = _other_python()
    where, python = installed.elsewhere, str(installed.python)
    env_root = where.parent / "envs"  # fresh: the environment is built from the wheel's source
    args = tiny_args("--kernels", "compute", "--variants", "gil,nogil", "--executors",
                     "serial,threads", "--python", other.path, "--envs", str(env_root),
                     "--no-report", "--out", str(where / "out"))  # fmt: skip
    run = _run([python, "-m", "pylab", "run", *args], cwd=where, env=build_env, timeout=1500)
    assert f"Python {other.name}: environment built at {env_root}" in run.stderr
    data = json.loads(Path(run.stdout.strip().splitlines()[-1]).read_text())
    ((pid, record),) = data["pythons"].items()
    assert pid == other.name and record["python"]["version"] == other.version
    assert record["python"]["free_threaded_build"] == other.free_threaded
    cells = data["cells"]
    assert cells and all(c["ok"] and c["python"] == pid for c in cells), cells
    (log,) = env_root.glob(f"{other.name}-*.log")
    assert "Successfully installed" in log.read_text() and "pylab-cext-lab" in log.read_text()

    probe = _run([python, "-m", "pylab", "probe", "time.sleep(0.002)", "-s", "import time",
                  "--workers", "2", "--repeats", "1", "--python", other.path,
                  "--envs", str(env_root)], cwd=where, timeout=600)  # fmt: skip
    assert f"Python {other.name}: environment reused at {env_root}" in probe.stderr
    assert "recommendation:" in probe.stdout
