"""The session's table of GIL assertions and --gil-json, on made-up outcomes: the file is a
pylab results file that pylab.results loads and the lab's readers (compare) read."""

from __future__ import annotations

from pathlib import Path

from pylab import results
from pylab.plugin import summary
from pylab.plugin.settings import Settings
from pylab.plugin.verdicts import FAIL, INCONCLUSIVE, PASS, SKIPPED, Outcome
from pylab.report.compare import cell_rows, claim_rows

SHARE = {"median": 0.96, "low": 0.94, "high": 0.97, "confidence": 0.969}
PAIRS = [[0.04, 0.021], [0.041, 0.02], [0.04, 0.022], [0.039, 0.02], [0.04, 0.021], [0.04, 0.02]]
SCALING = {"speedup": {"median": 1.95, "low": 1.82, "high": 2.0, "confidence": 0.969},
           "pairs": PAIRS, "workers": 2, "cores": 2, "cpu_per_wall": 1.0,
           "threads_cpu_per_wall": 1.9, "calls_per_copy": 100, "call_s": 0.0002,
           "background_cores": 0.05, "steal_cores": 0.0, "elapsed_s": 0.6}  # fmt: skip


def outcomes() -> list[Outcome]:
    return [
        Outcome("released", "m.held", FAIL, "holds the GIL: GIL held 0.96 [0.94-0.97]",
                {"share": SHARE, "samples": 6, "below": 0.2, "background_cores": 0.0},
                "t.py::test_held"),
        Outcome("scales", "m.free", PASS, "scales in threads", SCALING, "t.py::test_scales"),
        Outcome("scales", "m.free", INCONCLUSIVE, "too few cores: 4 threads on 2",
                {"workers": 4, "cores": 2}, "t.py::test_four"),
        Outcome("keeps_gil_off", "m", SKIPPED, "a GIL build", {}, "t.py::test_module"),
    ]  # fmt: skip


def test_the_table_has_a_row_per_assertion_and_the_reason_of_each_that_did_not_pass() -> None:
    lines = summary.table(outcomes())
    assert lines[0].split() == ["test", "check", "call", "GIL", "share", "speed-up", "verdict"]
    assert "0.96 [0.94-0.97]" in lines[1] and lines[1].endswith(FAIL)
    assert "1.95x [1.82-2.00] W=2" in lines[2]
    assert "t.py::test_four scales: inconclusive: too few cores: 4 threads on 2" in lines
    assert not any(line.startswith("t.py::test_scales scales:") for line in lines)
    assert lines[-1] == "1 pass, 1 fail, 1 inconclusive, 1 skipped"


def test_gil_json_is_a_results_file_that_compare_reads(tmp_path: Path) -> None:
    path = tmp_path / "gil.json"
    summary.write_json(path, outcomes(), ["-q"], Settings(2.0, False, "skip"))
    data = results.load(path)  # validated by the schema
    (pid, run), = results.views(data)
    assert data["preset"] == "pytest" and data["settings"]["budget_s"] == 2.0
    (cell,) = run["cells"]
    assert (cell["kernel"], cell["variant"], cell["executor"], cell["workers"]) == (
        "m.free", "t.py::test_scales", "threads", 2)  # fmt: skip
    assert run["verdicts"]["rows"]["m.free/t.py::test_scales"] == "scales in threads"
    claims = run["claims"]
    assert claims["t.py::test_held released"]["verdict"] == "fails"
    assert claims["t.py::test_four scales"]["verdict"] == "undecided"
    assert claims["t.py::test_four scales"]["uncertain"].startswith("too few cores")
    assert "t.py::test_module keeps_gil_off" not in claims  # skipped: it means nothing here
    assert [row[0] for row in claim_rows([run, run])] == sorted(claims)
    assert len(cell_rows([run, run])) == 1
    assert path.with_suffix(".csv").is_file()
