"""The atlas's report and comparison, from a made-up atlas: tables, plots, agreement."""

from __future__ import annotations

import copy
from pathlib import Path

from pylab import results as results_io
from pylab.report import write_report
from pylab.report.atlas import compare_lines, runs, table_lines
from tests.unit.results.atlas_made_up import made_up


def test_the_table_has_a_line_per_row_and_the_modules(tmp_path: Path) -> None:
    lines = table_lines(made_up())
    assert lines[0].split()[:3] == ["call", "python", "GIL"]
    assert "either" in lines[1] and "1024" in lines[1] and "releases from 5121" in lines[1]
    assert "failed" in lines[2] and "killed by SIGSEGV" in lines[2]
    assert any("zlib" in line and "loads" in line and "off" in line for line in lines[3:])


def test_a_module_refused_with_a_long_error_takes_one_line_of_the_table() -> None:
    results = made_up()
    numpy_error = ("\n\nIMPORTANT: PLEASE READ THIS FOR ADVICE ON HOW TO SOLVE THIS ISSUE!\n\n"
                   "Importing the numpy C-extensions failed.\n\nOriginal error was: module "
                   "numpy._core._multiarray_umath does not support loading in subinterpreters\n")
    module = results["modules"][0]
    module["subinterpreters"] = {"loads": False, "reason": f"ImportError: {numpy_error}",
                                 "own_gil": True}  # fmt: skip
    (line,) = [line for line in table_lines(results) if line.startswith(module["module"] + " ")]
    assert ("refused: ImportError: ... Original error was: module numpy._core._multiarray_umath "
            "does not support loading in subinterpreters") in line
    assert module["subinterpreters"]["reason"].count("\n") > 3  # the file keeps it whole


def test_report_draws_an_atlas(tmp_path: Path, png_size) -> None:
    path = tmp_path / "atlas.json"
    results_io.save(made_up(), path)
    html = write_report(path)
    md = (html.parent / "report.md").read_text()
    assert "## zlib" in md and "Documented: c (s)." in md
    assert "Modules that switch the GIL back on: none." in md
    png = html.parent / "plots" / "atlas-zlib.png"
    width, height = png_size(png)
    assert width > 400 and height > 200


def test_compare_counts_the_calls_that_agree(tmp_path: Path) -> None:
    a, b = made_up(), copy.deepcopy(made_up())
    names, found = runs([Path("a.json"), Path("b.json")], [a, b])
    lines, both, agree = compare_lines(names, found)
    assert names == ["a:3.11.7", "b:3.11.7"] and (both, agree) == (1, 1)
    b["atlas"][0]["recommendation"] = "threads"
    lines, both, agree = compare_lines(*runs([Path("a.json"), Path("b.json")], [a, b]))
    assert agree == 0 and lines[1].startswith("*zlib/crc32")
    assert "0 of 1 calls" in lines[-1]
