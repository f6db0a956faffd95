"""Environments per interpreter (pylab.pythons.envs): keyed by interpreter and source."""

from __future__ import annotations

import sys
from pathlib import Path

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
