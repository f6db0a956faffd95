"""`pylab report`, run as a user runs it: headless, the newest run found, one line and
exit 2 where there is none."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests import DATA


def _copy(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copy(DATA / name, tmp_path / name))


def test_report_command_is_headless_and_finds_the_newest_run(tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()
    _copy("scaling_only.json", tmp_path / "results")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "MPLBACKEND")}
    done = subprocess.run(
        [sys.executable, "-m", "pylab", "report"],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert Path(tmp_path, done.stdout.strip()).exists()


def test_report_without_runs_is_one_line_and_exit_2(cli) -> None:
    done = cli("report")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "no results file" in done.stderr
