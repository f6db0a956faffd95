"""Older results files (pylab.results.upgrade): upgraded in memory as they are read, the
file left as it was, figures an old pylab got wrong recomputed."""

from __future__ import annotations

import json
from pathlib import Path

from pylab import results
from tests import REFERENCE
from tests.unit.results import _sample


def test_a_version_1_file_is_upgraded_in_memory_and_left_as_it_was() -> None:
    from pylab.base.gilmodel import predicted

    path = REFERENCE / "20261202T052939Z-vm.json"
    before = path.read_bytes()
    data = results.load(path)
    assert path.read_bytes() == before
    assert json.loads(before)["format_version"] == 1
    assert data["format_version"] == results.FORMAT_VERSION
    assert data["upgraded"]["from_version"] == 1 and data["upgraded"]["changes"]
    ((pid, view),) = results.views(data)
    assert pid == data["machine"]["python"]["version"] and {c["python"] for c in data["cells"]} == {
        pid
    }
    assert view["verdicts"]["judged_on_reading"] is True and view["verdicts"]["rows"]
    assert view["claims"] and view["experiments"]
    cores = data["machine"]["usable_cores"]
    amdahl = [c for c in data["cells"] if c.get("model_speedup") is not None]
    assert amdahl
    for cell in amdahl:
        share = cell["params"]["gil_share"]
        assert cell["model_speedup"] == round(predicted(share, cell["workers"], cores, 1.0), 4)


def test_a_version_1_amdahl_figure_is_recomputed_not_kept(tmp_path: Path) -> None:
    """Format 1 stored Amdahl capped at the cores, min(cores, law at N = W): 2.0x for
    gil_share 0.25 at W=4 on 2 cores; the law at N = min(W, cores) gives 1.6x."""
    cell = _sample()["cells"][0] | {
        "kernel": "amdahl", "variant": "mixed", "workers": 4, "params": {"gil_share": 0.25},
        "model_speedup": 2.0, "noise": {"speedup_relative_width": 0.1, "serial_cv": 0.01},
    }  # fmt: skip
    del cell["python"]
    old = _sample() | {"format_version": 1, "cells": [cell]}
    del old["pythons"]
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(old))
    data = results.load(path)
    assert data["cells"][0]["model_speedup"] == 1.6
    assert data["cells"][0]["noise"]["noisy_above"] > 0
    assert "1 changed" in data["upgraded"]["changes"][0]
    ((_, view),) = results.views(data)
    assert view["verdicts"]["rows"] == {"amdahl/mixed gil_share=0.25": "scales in threads"}
