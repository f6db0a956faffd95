"""`pylab compare`, run as a user runs it: two files or the interpreters of one, intervals
that do not overlap marked, bad files one line and exit 2."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests import DATA

EXTERNAL = re.compile(r"""(src|href)\s*=\s*["']?\s*(https?:|//)|@import|<script""", re.I)


def _copy(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copy(DATA / name, tmp_path / name))


def test_compare_marks_intervals_that_do_not_overlap(cli, tmp_path: Path) -> None:
    a = _copy("full_small.json", tmp_path)
    data = json.loads(a.read_text())
    for cell in data["cells"]:  # the same run, on a machine 8x faster in threads
        if cell.get("ok") and cell["executor"] == "threads" and cell["kernel"] == "compute":
            cell["speedup"] = {k: v * 8 for k, v in cell["speedup"].items() if k != "confidence"}
    data["machine"]["hostname"] = "big"
    data["claims"]["C15"]["verdict"] = "fails"
    b = tmp_path / "b.json"
    b.write_text(json.dumps(data))
    done = cli("compare", str(a), str(b), "--html", str(tmp_path / "cmp.html"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["cell", "vm/2c", "big/2c"]
    compute = [line for line in lines if line.startswith("compute/") and " threads W=" in line]
    assert compute and all(line.endswith("*") for line in compute)
    assert any(line.startswith("C15") and line.endswith("*") for line in lines)
    assert not any(line.startswith("C01") and line.endswith("*") for line in lines)
    page = (tmp_path / "cmp.html").read_text()
    assert not EXTERNAL.search(page) and "data:image/png;base64," in page


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"format": "pylab-results", "format_version": 99, "cells": []}', "newer pylab"),
        (None, "nothing to compare"),
    ],
)
def test_compare_bad_files_is_one_line_and_exit_2(cli, tmp_path: Path, second, message) -> None:
    a = _copy("scaling_only.json", tmp_path)
    b = tmp_path / "b.json"
    if second is None:  # valid, but with nothing in common
        data = json.loads(a.read_text())
        data["cells"] = [dict(c, kernel="io") for c in data["cells"]]
        second = json.dumps(data)
    b.write_text(second)
    done = cli("compare", str(a), str(b))
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert message in done.stderr and "Traceback" not in done.stderr


def test_compare_takes_the_interpreters_of_one_file(cli, two_pythons) -> None:
    path, pid = two_pythons
    done = cli("compare", str(path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:5] == ["cell", "vm/2c", pid, "vm/2c", "3.13.5t"]
    compute = [line for line in lines if line.startswith("compute/") and " threads W=" in line]
    assert compute and all(line.endswith("*") for line in compute)
    assert any(line.startswith("C15") and line.endswith("*") for line in lines)
