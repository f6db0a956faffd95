"""The cells as a pyperf suite (pylab.results.export): named, picked, their values
seconds per unit and their raw values the samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from pylab import results
from pylab.results.export import named_cells, select, suite
from tests import DATA

pyperf = pytest.importorskip("pyperf")


def test_values_are_seconds_per_unit_and_raw_values_the_samples(tmp_path: Path) -> None:
    data = results.load(DATA / "scaling_only.json")
    out = tmp_path / "suite.json"
    suite(select(named_cells(data), ["compute/nogil threads W=2"], out)).dump(str(out))
    loaded = pyperf.BenchmarkSuite.load(str(out))
    cell = next(c for c in data["cells"] if c["variant"] == "nogil" and c["workers"] == 2
                and c["executor"] == "threads")  # fmt: skip
    assert loaded.get_benchmark_names() == [
        "compute/nogil threads W=2 serial", "compute/nogil threads W=2 parallel"]  # fmt: skip
    for side in ("serial", "parallel"):
        bench = loaded.get_benchmark(f"compute/nogil threads W=2 {side}")
        assert bench.get_metadata()["inner_loops"] == cell["size"]
        assert bench.get_unit() == "second" and bench.get_nrun() == 1
        raw = [v * cell["size"] for v in bench.get_values()]
        assert raw == pytest.approx(cell["samples"][f"{side}_s"])


def test_several_interpreters_are_named_and_picked_by_cell(two_pythons) -> None:
    path, pid = two_pythons
    data = results.load(path)
    names = [name for name, *_ in named_cells(data)]
    assert f"{pid} compute/nogil threads W=2" in names
    assert "3.13.5t compute/nogil threads W=2" in names
    picked = select(named_cells(data), ["compute/nogil threads W=2"], path)
    assert [name for name, *_ in picked] == [f"{pid} compute/nogil threads W=2",
                                             "3.13.5t compute/nogil threads W=2"]  # fmt: skip
