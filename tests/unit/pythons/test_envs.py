"""Environments per interpreter: keyed by interpreter and source, built once, reused;
a build that fails is one error line for that interpreter while the others run."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pylab.pythons import discovery, envs


def _tree(root: Path) -> Path:
    (root / "ext").mkdir(parents=True)
    (root / "pylab").mkdir()
    (root / "setup.py").write_text("# setup\n")
    (root / "ext" / "k.pyx").write_text("def f(): pass\n")
    (root / "pylab" / "a.py").write_text("A = 1\n")
    return root


def test_the_key_follows_the_source_and_the_interpreter(tmp_path: Path) -> None:
    root = _tree(tmp_path / "src")
    here = discovery.inspect(sys.executable, "current")
    first = envs.key(here, root)
    assert envs.key(here, root) == first
    (root / "pylab" / "__pycache__").mkdir()
    (root / "pylab" / "__pycache__" / "a.cpython.pyc").write_bytes(b"x")  # not source
    assert envs.key(here, root) == first
    (root / "ext" / "k.pyx").write_text("def f(): return 1\n")
    assert envs.key(here, root) != first
    other = discovery.Python(sys.executable, "given", "3.99.0", True, True)
    assert envs.key(other, root) != envs.key(here, root)


def _fake_python(tmp_path: Path) -> Path:
    """Answers pylab's question as a usable CPython would, but cannot make a venv."""
    answer = {"version": "3.12.99", "implementation": "cpython", "free_threaded": False,
              "venv": True, "executable": "x"}  # fmt: skip
    path = tmp_path / "python3.12"
    path.write_text(f"#!/bin/sh\nfor a; do [ \"$a\" = venv ] && exit 3; done\n"
                    f"echo '{json.dumps(answer)}'\n")  # fmt: skip
    path.chmod(0o755)
    return path


def test_a_failed_build_names_the_interpreter_and_log_and_the_others_run(
    cli, tmp_path: Path
) -> None:
    fake = _fake_python(tmp_path)
    out = tmp_path / "probe.json"
    done = cli(
        "probe", "time.sleep(0.002)", "-s", "import time", "--workers", "2", "--repeats", "1",
        "--python", f"{fake},{sys.executable}", "--envs", str(tmp_path / "envs"),
        "--json", str(out),
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    (error,) = [line for line in done.stderr.splitlines() if line.startswith("pylab: error:")]
    assert "Python 3.12.99: building its environment failed" in error and ".log" in error
    log = Path(error.split("see ")[-1])
    assert log.is_file() and "-m venv" in log.read_text()
    (record,) = json.loads(out.read_text())  # the other interpreter still ran
    assert record["python"]["path"] == sys.executable and record["recommendation"]


@pytest.mark.slow
def test_an_environment_is_built_once_and_then_reused(cli, tmp_path: Path) -> None:
    """Another GIL build from pyenv (3.12 or 3.13): built, then reused."""
    this = "{}.{}.".format(*sys.version_info[:2])
    found = [p for p in discovery.discover()
             if p.usable and not p.free_threaded and not p.version.startswith(this)]  # fmt: skip
    if not found:
        pytest.skip("no other usable CPython on this machine (pyenv, uv or PATH)")
    python = found[-1]
    args = ["probe", "time.sleep(0.002)", "-s", "import time", "--workers", "2", "--repeats",
            "1", "--python", python.path, "--envs", str(tmp_path / "envs")]  # fmt: skip
    first = cli(*args, timeout=1200)
    assert first.returncode == 0, first.stderr
    assert "environment built at" in first.stderr and f"Python {python.name}" in first.stdout
    second = cli(*args, timeout=300)
    assert second.returncode == 0 and "environment reused at" in second.stderr
