"""The machine's memory bandwidth (pylab.probing.bandwidth): measured with the stream
kernel, cached per machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pylab.probing import bandwidth

TINY = 1 << 20  # 1 MiB: in cache, so fast; the test checks the plumbing, not the figure


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(bandwidth, "RUN_S", 0.01)
    return tmp_path / "pylab" / bandwidth.FILE


def _not_again(*args: object) -> None:
    raise AssertionError("measured again: the cache was not read")


def test_measured_once_then_read_from_the_users_cache(cache: Path, monkeypatch) -> None:
    # Kept however busy the shared test machine is: the busy rule has a test of its own.
    monkeypatch.setattr(bandwidth, "is_busy", lambda cores: False)
    first = bandwidth.machine_bandwidth(2, array_bytes=TINY)
    assert first["cached"] is False and first["file"] == str(cache) and cache.is_file()
    assert first["single_bytes_per_s"] > 0 and first["threads_bytes_per_s"] > 0
    assert first["array_bytes"] == TINY and first["workers"] == 2
    assert first["bytes_moved"] % TINY == 0  # whole passes over the array
    monkeypatch.setattr(bandwidth, "measure", _not_again)
    second = bandwidth.machine_bandwidth(2, array_bytes=TINY)
    assert second["cached"] is True
    for key in ("single_bytes_per_s", "threads_bytes_per_s", "measured", "machine"):
        assert second[key] == first[key]
    stored = json.loads(cache.read_text())
    assert stored["format"] == "pylab-bandwidth" and stored["version"] == 1
    assert list(stored["machines"]) == [bandwidth.machine_key()]


def test_the_key_names_host_cpu_and_cores(monkeypatch) -> None:
    monkeypatch.setattr(bandwidth.socket, "gethostname", lambda: "lab-host")
    monkeypatch.setattr(bandwidth, "cpu_model", lambda: "Some CPU")
    monkeypatch.setattr(bandwidth, "usable_cores", lambda: 6)
    assert bandwidth.machine_key() == "lab-host | Some CPU | 6 usable cores"


def _fake(workers: int, array_bytes: int | None = None, load: float = 0.0) -> dict:
    return {"kernel": bandwidth.KERNEL, "array_bytes": 8, "bytes_moved": 8, "workers": workers,
            "single_bytes_per_s": 1e10, "threads_bytes_per_s": 1.5e10,
            "background_cores": load, "measured": "2026-12-03T00:00:00+00:00"}  # fmt: skip


def test_another_machine_or_w_is_measured_and_added(cache: Path, monkeypatch) -> None:
    cache.parent.mkdir(parents=True)
    other = {"other | CPU | 64 usable cores": {"2": _fake(2) | {"single_bytes_per_s": 1.0}}}
    cache.write_text(json.dumps({"format": bandwidth.FORMAT, "version": 1, "machines": other}))
    monkeypatch.setattr(bandwidth, "measure", _fake)
    assert bandwidth.machine_bandwidth(2)["single_bytes_per_s"] == 1e10  # not the other's
    assert bandwidth.machine_bandwidth(4)["cached"] is False  # a W not seen yet
    machines = json.loads(cache.read_text())["machines"]
    assert set(machines) == {"other | CPU | 64 usable cores", bandwidth.machine_key()}
    assert set(machines[bandwidth.machine_key()]) == {"2", "4"}


@pytest.mark.parametrize("text", ["", "{not json", '{"format": "other", "machines": {}}', "[]"])
def test_a_cache_it_cannot_read_is_measured_over(cache: Path, monkeypatch, text: str) -> None:
    cache.parent.mkdir(parents=True)
    cache.write_text(text)
    monkeypatch.setattr(bandwidth, "measure", _fake)
    assert bandwidth.machine_bandwidth(2)["cached"] is False
    assert bandwidth.machine_bandwidth(2)["cached"] is True


def test_a_busy_machines_figure_is_not_kept(cache: Path, monkeypatch) -> None:
    monkeypatch.setattr(bandwidth, "measure", lambda w, a=None: _fake(w, load=1.2))
    found = bandwidth.machine_bandwidth(2)
    assert found["file"] is None and found["background_cores"] == 1.2
    assert not cache.exists()
