"""Shared helpers: run the real CLI in a subprocess, from a directory outside the repo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


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
