"""`pylab export --pyperf`: the cells as a pyperf suite that pyperf's own commands read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pylab import results
from pylab.results.export import named_cells, select, suite
from tests import DATA
from tests.conftest import two_pythons

pyperf = pytest.importorskip("pyperf")


def _pyperf(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pyperf", *args], capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def _slower(source: Path, target: Path, factor: float) -> Path:
    """The same run with every serial and parallel sample `factor` times longer."""
    data = json.loads(source.read_text())
    for cell in data["cells"]:
        for key in ("serial_s", "parallel_s"):
            cell["samples"][key] = [s * factor for s in cell["samples"][key]]
    target.write_text(json.dumps(data))
    return target


def test_pyperf_reads_the_export_and_compares_two_runs(cli, tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    slower = _slower(DATA / "scaling_only.json", tmp_path / "slower.json", 1.5)
    for out, source in ((a, DATA / "scaling_only.json"), (b, slower)):
        done = cli("export", "--pyperf", str(out), str(source))
        assert done.returncode == 0 and not done.stderr, done.stderr
        assert done.stdout.startswith("16 benchmarks (8 cells, serial and parallel)")
    names = ["compute/nogil threads W=2 serial", "compute/nogil threads W=2 parallel",
             "compute/gil fork W=1 serial"]  # fmt: skip
    for args in (["stats", str(a)], ["show", str(a)], ["compare_to", str(a), str(b)]):
        done = _pyperf(*args)
        assert done.returncode == 0, (args, done.stderr)
        for name in names:
            assert name in done.stdout, (args, name)
    assert "1.50x slower" in _pyperf("compare_to", str(a), str(b)).stdout


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


def test_several_interpreters_are_named_and_picked_by_cell(tmp_path: Path) -> None:
    path, pid = two_pythons(tmp_path)
    data = results.load(path)
    names = [name for name, *_ in named_cells(data)]
    assert f"{pid} compute/nogil threads W=2" in names
    assert "3.13.5t compute/nogil threads W=2" in names
    picked = select(named_cells(data), ["compute/nogil threads W=2"], path)
    assert [name for name, *_ in picked] == [f"{pid} compute/nogil threads W=2",
                                             "3.13.5t compute/nogil threads W=2"]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pyperf", "out.json", "missing.json"], "no such results file"),
        (["--pyperf", "out.json", "notes.json"], "not a pylab results file"),
        (["--pyperf", "out.json", str(DATA / "scaling_only.json"), "--cell", "compute/nogli"],
         "no measured cell 'compute/nogli'; did you mean"),
        (["--pyperf", "no/such/dir/out.json", str(DATA / "scaling_only.json")], "cannot write"),
        ([str(DATA / "scaling_only.json")], "required: --pyperf"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(cli, tmp_path: Path, args: list, message: str) -> None:
    (tmp_path / "notes.json").write_text('{"format": "notes"}')
    done = cli("export", *args)
    assert done.returncode == 2, done.stdout
    assert message in done.stderr and done.stderr.count("\n") == 1, done.stderr


def test_without_pyperf_it_says_how_to_install_it(tmp_path: Path) -> None:
    # a None in sys.modules makes `import pyperf` fail as if it were not installed
    code = ("import sys; sys.modules['pyperf'] = None; from pylab.cli.main import main; "
            f"sys.exit(main(['export', '--pyperf', 'o.json', {str(DATA)!r}]))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)  # fmt: skip
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "needs pyperf: pip install pyperf" in done.stderr
