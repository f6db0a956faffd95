"""Environments per interpreter (pylab.pythons.envs): keyed by interpreter and source, the
source a checkout's or the copy an installed pylab ships."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from pylab.base.errors import UserError
from pylab.pythons import discovery, envs


def _tree(root: Path) -> Path:
    (root / "ext" / "subinterpreters").mkdir(parents=True)
    (root / "pylab").mkdir()
    (root / "setup.py").write_text("# setup\n")
    (root / "ext" / "k.pyx").write_text("def f(): pass\n")
    (root / "ext" / "subinterpreters" / "k.pyx").write_text('include "../k.pyx"\n')
    (root / "pylab" / "__init__.py").write_text("A = 1\n")
    return root


def _installed(site: Path) -> Path:
    """The layout a wheel installs: the package, its source in pylab/_source/."""
    package = site / "pylab"
    (package / "kernels").mkdir(parents=True)
    (package / "__init__.py").write_text("A = 1\n")
    (package / "kernels" / "k.cpython-313t-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    shipped = _tree(package / envs.SHIPPED)
    (shipped / "pylab" / "__init__.py").unlink()
    (shipped / "pylab").rmdir()
    return package


def test_the_key_follows_the_source_and_the_interpreter(tmp_path: Path) -> None:
    root = _tree(tmp_path / "src")
    source = envs.source(root / "pylab")
    assert source == envs.Source(root, root / "pylab")
    here = discovery.inspect(sys.executable, "current")
    first = envs.key(here, source)
    assert envs.key(here, source) == first
    (root / "pylab" / "__pycache__").mkdir()
    (root / "pylab" / "__pycache__" / "a.cpython.pyc").write_bytes(b"x")  # not source
    assert envs.key(here, source) == first
    (root / "ext" / "k.pyx").write_text("def f(): return 1\n")
    assert envs.key(here, source) != first
    other = discovery.Python(sys.executable, "given", "3.99.0", True, True)
    assert envs.key(other, source) != envs.key(here, source)


def test_an_installed_pylab_builds_from_the_source_it_ships(tmp_path: Path) -> None:
    package = _installed(tmp_path / "site-packages")
    source = envs.source(package)
    assert source == envs.Source(package / envs.SHIPPED, package)
    checkout = envs.source(_tree(tmp_path / "checkout") / "pylab")
    assert list(source.files()) == list(checkout.files()) == [
        "ext/k.pyx", "ext/subinterpreters/k.pyx", "pylab/__init__.py", "setup.py"]  # fmt: skip
    here = discovery.inspect(sys.executable, "current")
    assert envs.key(here, source) == envs.key(here, checkout)  # a wheel of the checkout
    tree = envs._copy_source(source, tmp_path / "build")
    copied = sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file())
    assert copied == list(source.files())  # no built module, no pylab/_source/ inside


def test_a_pylab_without_source_says_so(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "pylab"
    package.mkdir(parents=True)
    with pytest.raises(UserError, match="no source to build other interpreters' environments"):
        envs.source(package)


def test_the_environments_take_the_dask_extra_where_its_wheels_exist(tmp_path: Path) -> None:
    assert [r.split(">")[0] for r in envs.extra("dask")] == ["distributed", "gilknocker"]
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    pip = venv / "bin" / "python"  # installs anything but b, as pip without b's wheels would
    pip.write_text(f'#!/bin/sh\nfor a; do [ "$a" = b ] && exit 1; done\n'
                   f'echo "${{*##* }}" >> {tmp_path / "installed"}\n')  # fmt: skip
    pip.chmod(0o755)
    log, python = tmp_path / "log", discovery.Python(str(pip), "given", "3.13.5", True, True)
    envs._install_optional(python, venv, ["a", "b"], log)
    assert (tmp_path / "installed").read_text().split() == ["a"]
    left_out = [line for line in log.read_text().splitlines() if line.startswith("pylab:")]
    assert left_out == ["pylab: left out a b: no wheels for Python 3.13.5t (optional)",
                        "pylab: left out b: no wheels for Python 3.13.5t (optional)"]  # fmt: skip
    envs._install_optional(python, venv, ["a"], log)  # all at once where it can
    assert (tmp_path / "installed").read_text().split() == ["a", "a"]


def test_an_extra_is_added_once_to_an_environment_that_asks_for_it(
    tmp_path: Path, monkeypatch
) -> None:
    # The build and pip made up: the test reads what ensure() asks of them.
    built, added = [], []
    monkeypatch.setattr(envs, "_build", lambda python, path, log, src: (
        path.mkdir(parents=True), built.append(path)))
    monkeypatch.setattr(envs, "_install_optional",
                        lambda python, path, requirements, log: added.append(requirements))
    monkeypatch.setattr(envs, "extra", lambda name: [f"{name}-lib>=1"])
    here = discovery.inspect(sys.executable, "current")
    assert not envs.ensure(here, tmp_path).reused and built and not added  # no extra asked
    assert envs.ensure(here, tmp_path, extras=("atlas",)).reused
    assert added == [["atlas-lib>=1"]]
    envs.ensure(here, tmp_path, extras=("atlas",))  # already there: not installed again
    assert added == [["atlas-lib>=1"]] and len(built) == 1


def test_building_an_environment_keeps_only_the_ones_used_last(tmp_path: Path) -> None:
    def env(name: str, used: float | None, age: float = 0.0) -> Path:
        path = tmp_path / name
        path.mkdir()
        (tmp_path / f"{name}.log").write_text("log\n")
        if used is not None:
            (path / envs.READY).write_text("{}")
            os.utime(path / envs.READY, (used, used))
        os.utime(path, (time.time() - age,) * 2)
        return path

    now = time.time()
    kept = [env(f"3.13.5-{i:016x}", now - i) for i in range(3)]
    old = env(f"3.13.5-{3:016x}", now - 3)
    other = env(f"3.13.5t-{9:016x}", now - 99)  # another interpreter's: not counted
    building = env(f"3.13.5-{10:016x}", None)  # a build in progress elsewhere
    stuck = env(f"3.13.5-{11:016x}", None, age=2 * envs.BUILD_TIMEOUT_S)
    assert sorted(envs.prune(tmp_path, "3.13.5")) == sorted([old, stuck])
    assert all(p.is_dir() for p in [*kept, other, building])
    assert not old.exists() and not (tmp_path / f"{old.name}.log").exists()
