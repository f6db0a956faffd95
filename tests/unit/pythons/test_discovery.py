"""Finding interpreters and resolving `--python` items (pylab.pythons.discovery); bad items
are one clear error."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from pylab.base.errors import UserError
from pylab.pythons import discovery


def _fake(tmp_path: Path, name: str, answer: dict | None, code: int = 0) -> Path:
    """An executable that answers pylab's question as an interpreter would (or not)."""
    path = tmp_path / name
    body = f"echo '{json.dumps(answer)}'" if answer is not None else "echo garbage"
    path.write_text(f"#!/bin/sh\n{body}\nexit {code}\n")
    path.chmod(0o755)
    return path


def _answer(version: str = "3.12.4", **changes) -> dict:
    return {"version": version, "implementation": "cpython", "free_threaded": False,
            "venv": True, "executable": "x"} | changes  # fmt: skip


def test_this_interpreter_is_found_first_and_usable() -> None:
    found = discovery.discover()
    assert found[0].source == "current" and found[0].usable
    assert found[0].version == ".".join(map(str, sys.version_info[:3]))
    assert len({os.path.realpath(p.path) for p in found}) == len(found)


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (_answer("3.8.18"), "Python 3.8.18 is too old (pylab needs 3.10+)"),
        (_answer(implementation="pypy"), "pypy, not CPython"),
        (_answer(venv=False), "no venv/ensurepip module"),
        (None, "not a Python interpreter"),
    ],
)
def test_an_unusable_interpreter_says_why(tmp_path: Path, answer, why: str) -> None:
    path = _fake(tmp_path, "python3", answer)
    found = discovery.inspect(str(path), "given")
    assert not found.usable and found.why_not.startswith(why)
    with pytest.raises(UserError, match="python3: " + why.split(" (")[0]):
        discovery.resolve(str(path))


def test_a_version_picks_the_newest_usable_build_of_that_kind(tmp_path: Path) -> None:
    found = [
        discovery.Python("/a", "pyenv", "3.13.0", False, True),
        discovery.Python("/b", "pyenv", "3.13.5", False, True),
        discovery.Python("/c", "pyenv", "3.13.5", True, True),
        discovery.Python("/d", "pyenv", "3.9.18", False, False, "too old"),
    ]
    assert discovery.resolve("3.13", found).path == "/b"
    assert discovery.resolve("3.13t", found).path == "/c"
    assert discovery.resolve("3.13.0", found).path == "/a"
    with pytest.raises(UserError, match="no Python 3.12t found"):
        discovery.resolve("3.12t", found)
    with pytest.raises(UserError, match="3.9 at /d: too old"):
        discovery.resolve("3.9", found)


def test_paths_commands_and_nonsense(tmp_path: Path) -> None:
    assert discovery.resolve(sys.executable).usable
    with pytest.raises(UserError, match="neither a file, a command on PATH nor a version"):
        discovery.resolve("no-such-python-anywhere")
    with pytest.raises(UserError, match="not a Python interpreter"):
        discovery.resolve(str(_fake(tmp_path, "true", None, code=1)))
