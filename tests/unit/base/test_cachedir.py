"""The user's cache folder (pylab.base.cachedir), where the bandwidth and the
interpreters' environments are kept."""

from __future__ import annotations

from pathlib import Path

from pylab.base.cachedir import cache_dir


def test_the_cache_folder_follows_xdg_cache_home(tmp_path: Path, monkeypatch) -> None:
    from pylab.pythons.envs import default_root

    monkeypatch.delenv("PYLAB_ENVS", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "pylab" and default_root() == tmp_path / "pylab" / "envs"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path.home() / ".cache" / "pylab"
