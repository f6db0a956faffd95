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
