"""Shared helpers: run the real CLI in a subprocess, from a directory outside the repo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pylab import results
from tests import DATA


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


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG file, after checking it is one."""
    import struct

    head = path.read_bytes()[:24]
    assert head.startswith(b"\x89PNG\r\n\x1a\n"), path
    return struct.unpack(">II", head[16:24])


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
        width, height = png_size(path)
        assert 300 <= width <= 2500 and 300 <= height <= 2500, (plot.name, width, height)

    return check


def two_pythons(tmp_path: Path) -> tuple[Path, str]:
    """full_small.json as a run over two interpreters: a copy of its one, free-threaded,
    where compute threads scale 4x better and C15 fails."""
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


@pytest.fixture(scope="session")
def subinterpreter_python(tmp_path_factory) -> Path:
    """An environment's python (3.13, GIL build) whose pylab has subinterpreters, built once
    per session (a minute or two); the test skips, saying why, where there is none."""
    from pylab.base.errors import UserError
    from pylab.pythons import discovery, envs

    try:
        (python,) = discovery.resolve_all(["3.13"])
    except UserError as exc:
        pytest.skip(f"no CPython 3.13 here for subinterpreters: {exc}")
    if python.free_threaded:
        pytest.skip("the only CPython 3.13 here is free-threaded: no per-interpreter GIL")
    try:
        env = envs.ensure(python, tmp_path_factory.mktemp("envs-313"))
    except envs.EnvError as exc:
        pytest.skip(f"cannot build a 3.13 environment here: {exc}")
    return env.executable
