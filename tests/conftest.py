"""The fixtures every test may use (tests/README.md lists them): the real CLI in a
subprocess from a folder outside the repository, plot and PNG checks, made-up results
files and interpreters."""

from __future__ import annotations

import copy
import json
import os
import struct
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pylab import results
from tests import DATA, no_interpreter, plot_texts_of

pytest_plugins = ("pytester",)  # the gil fixture's tests run pytest on made-up test files


@pytest.fixture
def cli(tmp_path: Path):
    """Run `python -m pylab ARGS` with the working directory in a temporary folder."""

    def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pylab", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


# A tiny scaling run: the quick preset at two workers, each cell two pairs and no time for
# more, its serial run calibrated to 20 ms. Seconds a cell: the plumbing is under test, not
# the figures.
TINY_RUN = {"--preset": "quick", "--only": "scaling", "--workers": "2", "--repeats": "2",
            "--min-time": "0.02", "--max-time": "0"}  # fmt: skip


def _tiny_args(*more: str, quiet: bool = True, **changes: object) -> list[str]:
    flags = dict(TINY_RUN)
    for name, value in changes.items():
        flag = "--" + name.replace("_", "-")
        assert flag in flags, f"{flag} is not one of the tiny run's flags"
        if value is None:
            del flags[flag]
        else:
            flags[flag] = str(value)
    return [word for pair in flags.items() for word in pair] + ["-q"] * quiet + list(more)


@pytest.fixture(scope="session")
def tiny_args() -> Callable[..., list[str]]:
    """The options of a tiny `pylab run` (TINY_RUN, then -q unless quiet=False), then
    `more`: tiny_args("--kernels", "compute"). A keyword changes one of TINY_RUN's values,
    or drops it if None: tiny_args(workers=1, preset=None)."""
    return _tiny_args


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head.startswith(b"\x89PNG\r\n\x1a\n"), path
    return struct.unpack(">II", head[16:24])


@pytest.fixture(scope="session")
def png_size() -> Callable[[Path], tuple[int, int]]:
    """Width and height of a PNG file, after checking it is one."""
    return _png_size


@pytest.fixture
def check_plot(tmp_path: Path):
    """Save a report Plot as PNG and check it: a real PNG of sane size, a one-sentence caption."""
    from pylab.report.figures import save_png

    def check(plot) -> None:
        assert plot.title and plot.caption.strip()
        assert "\n" not in plot.caption and plot.caption.endswith(".")
        assert ". " not in plot.caption, plot.caption  # one sentence
        path = tmp_path / f"{plot.name}.png"
        save_png(plot.figure, path)
        width, height = _png_size(path)
        assert 300 <= width <= 2500 and 300 <= height <= 2500, (plot.name, width, height)

    return check


@pytest.fixture(scope="session")
def plot_texts() -> Callable[[Any], str]:
    """Every label a report Plot shows (legends and y tick labels), its title and caption,
    one per line: what a reader sees, to look for a word in."""
    return plot_texts_of


@pytest.fixture
def two_pythons(tmp_path: Path) -> tuple[Path, str]:
    """full_small.json as a run over two interpreters: a copy of its one, free-threaded,
    where compute threads scale 4x better and C15 fails; (its path, the first's id)."""
    data = results.load(DATA / "full_small.json")
    (pid, record), ft = next(iter(data["pythons"].items())), "3.13.5t"
    python = record["python"] | {"version": "3.13.5", "free_threaded_build": True,
                                 "gil_enabled": False}  # fmt: skip
    data["pythons"][ft] = json.loads(json.dumps(record)) | {"python": python}
    data["pythons"][ft]["claims"]["C15"]["verdict"] = "fails"
    copies = json.loads(json.dumps([c for c in data["cells"] if c["python"] == pid]))
    for cell in copies:
        cell["python"] = ft
        if cell.get("ok") and cell["executor"] == "threads" and cell["kernel"] == "compute":
            cell["speedup"] = {
                k: v * (k != "confidence" and 4 or 1) for k, v in cell["speedup"].items()
            }
    data["cells"] += copies
    path = tmp_path / "two.json"
    results.save(data, path)
    return path, pid


@pytest.fixture
def fake_python(tmp_path: Path) -> Path:
    """An executable that answers pylab's question as a usable CPython 3.12.99 would, but
    cannot make a venv: its environment's build fails."""
    answer = {"version": "3.12.99", "implementation": "cpython", "free_threaded": False,
              "venv": True, "executable": "x"}  # fmt: skip
    path = tmp_path / "python3.12"
    path.write_text(f"#!/bin/sh\nfor a; do [ \"$a\" = venv ] && exit 3; done\n"
                    f"echo '{json.dumps(answer)}'\n")  # fmt: skip
    path.chmod(0o755)
    return path


@dataclass(frozen=True)
class ClaimsRun:
    """The session's one `pylab run --only claims --level tiny`: every experiment measured
    once, at level tiny, in a child as a run measures it. Each method hands out a fresh
    copy, so that a test may change what it reads."""

    done: subprocess.CompletedProcess  # the run's process: its stdout has the claims table
    path: Path  # its results file
    _results: dict[str, Any]

    def results(self) -> dict[str, Any]:
        """The results file, as pylab.results.load reads it."""
        return copy.deepcopy(self._results)

    def view(self) -> dict[str, Any]:
        """The one interpreter's view (pylab.results.views): its experiments and claims."""
        ((_, view),) = results.views(self.results())
        return view

    def record(self, name: str) -> dict[str, Any]:
        """Experiment `name`'s record: ok, its data, or why it has none."""
        return self.view()["experiments"][name]

    def data(self, name: str) -> dict[str, Any]:
        """Experiment `name`'s data, measured at level tiny, as the run stored it."""
        record = self.record(name)
        assert record["ok"], (name, record.get("error"))
        return record["data"]

    def claims(self, module: Any) -> dict[str, tuple[str, str]]:
        """The verdict and reason the run stored for each claim `module` settles."""
        stored = self.view()["claims"]
        return {cid: (stored[cid]["verdict"], stored[cid]["reason"]) for cid in module.CLAIMS}


@pytest.fixture(scope="session")
def claims_run(tmp_path_factory) -> ClaimsRun:
    """`python -m pylab run --only claims --level tiny --out TMP -q`, once per session (half
    a minute): the tests that only read an experiment's data or claims at level tiny read
    them here instead of measuring again."""
    where = tmp_path_factory.mktemp("claims-run")
    done = subprocess.run(
        [sys.executable, "-m", "pylab", "run", "--only", "claims", "--level", "tiny",
         "--out", str(where / "out"), "-q"],
        cwd=where, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr + done.stdout
    path = Path(done.stdout.strip().splitlines()[-1])
    return ClaimsRun(done, path, results.load(path))


@pytest.fixture(scope="session")
def build_env(tmp_path_factory) -> dict[str, str]:
    """The environment for a build of pylab from its source (the wheel, an interpreter's
    environment): os.environ, and a setuptools config (DIST_EXTRA_CONFIG) that compiles the
    extension modules two or more at a time, as `build_ext --parallel` would: the same
    build, in about half the time on two cores."""
    config = tmp_path_factory.mktemp("build") / "parallel.cfg"
    config.write_text(f"[build_ext]\nparallel = {max(2, os.cpu_count() or 1)}\n")
    return {**os.environ, "DIST_EXTRA_CONFIG": str(config)}


class Environments:
    """The session's one folder of interpreter environments (pylab.pythons.envs). Building
    one takes a minute or two, so each interpreter's is built once, by the first test that
    needs it, and reused by every test after it. That first build is always the same real
    command, `pylab probe` under the interpreter (probe_args), kept: the build-once test
    (tests/integration/test_pythons.py) checks that it built, then that a second reuses.
    It builds with build_env: pip's build of pylab inherits it."""

    def __init__(self, root: Path, where: Path, env: dict[str, str]) -> None:
        self.root, self._where, self._env = root, where, env
        self._first: dict[str, subprocess.CompletedProcess] = {}

    def probe_args(self, python: Any) -> list[str]:
        """A short `pylab probe` under `python`, its environment in this folder."""
        return ["probe", "time.sleep(0.002)", "-s", "import time", "--workers", "2",
                "--repeats", "1", "--python", python.path, "--envs", str(self.root)]  # fmt: skip

    def first(self, python: Any) -> subprocess.CompletedProcess:
        """The session's first command under `python`: the probe that built its environment."""
        key = os.path.realpath(python.path)
        if key not in self._first:
            self._first[key] = subprocess.run(
                [sys.executable, "-m", "pylab", *self.probe_args(python)],
                cwd=self._where, env=self._env, capture_output=True, text=True, timeout=1200,
            )  # fmt: skip
        return self._first[key]

    def root_for(self, *pythons: Any) -> Path:
        """The folder, each of `pythons` built there (through first()) before a test uses it."""
        for python in pythons:
            self.first(python)
        return self.root


@pytest.fixture(scope="session")
def environments(tmp_path_factory, build_env: dict[str, str]) -> Environments:
    root, where = tmp_path_factory.mktemp("envs"), tmp_path_factory.mktemp("first-probes")
    return Environments(root, where, build_env)


@pytest.fixture(scope="session")
def other_python() -> Any:
    """Another usable GIL build than this Python's version (pyenv, uv or PATH): the last
    found, the newest where pyenv has several; the test skips where there is none (fails
    under CI=true, whose GIL 3.13 is another unless this Python is a 3.13)."""
    from pylab.pythons import discovery

    this = "{}.{}.".format(*sys.version_info[:2])
    found = [p for p in discovery.discover()
             if p.usable and not p.free_threaded and not p.version.startswith(this)]  # fmt: skip
    if not found:
        no_interpreter("no other usable GIL-build CPython here (pyenv, uv or PATH)",
                       ci_installs=sys.version_info[:2] != (3, 13))  # fmt: skip
    return found[-1]


@pytest.fixture(scope="session")
def subinterpreter_python(environments: Environments) -> Path:
    """An environment's python (3.13, GIL build) whose pylab has subinterpreters, built once
    per session (conftest.environments); the test skips, saying why, where there is none
    (fails under CI=true, which installs a GIL 3.13)."""
    from pylab.base.errors import UserError
    from pylab.pythons import discovery, envs

    try:
        (python,) = discovery.resolve_all(["3.13"])
    except UserError as exc:
        no_interpreter(f"no CPython 3.13 here for subinterpreters: {exc}")
    if python.free_threaded:
        no_interpreter("the only CPython 3.13 here is free-threaded: no per-interpreter GIL")
    try:
        env = envs.ensure(python, environments.root_for(python))
    except envs.EnvError as exc:
        no_interpreter(f"cannot build a 3.13 environment here: {exc}")
    return env.executable
