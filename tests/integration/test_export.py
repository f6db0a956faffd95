"""`pylab export --pyperf`, run as a user runs it: the cells as a pyperf suite that
pyperf's own commands read; bad input one line and exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import DATA

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
