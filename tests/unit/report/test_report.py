"""The report (pylab.report.write_report) from small results files in tests/data: sane
PNGs, a self-contained page, every claim and plot, one or two interpreters."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pylab import results
from pylab.report import write_report
from tests import DATA

EXTERNAL = re.compile(r"""(src|href)\s*=\s*["']?\s*(https?:|//)|@import|<script""", re.I)


def _copy(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copy(DATA / name, tmp_path / name))


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> tuple[dict, Path]:
    """full_small.json's report, once for the module (a few seconds of plots), with some
    interference added for the noise section to report."""
    path = _copy("full_small.json", tmp_path_factory.mktemp("full"))
    data = json.loads(path.read_text())
    data["experiments"]["ipc"]["background_cores"] = 0.91  # a format-1 file, upgraded
    data["load"] |= {"background_cores": 0.42, "background_cpu_s": 12.6}
    path.write_text(json.dumps(data))
    return results.load(path), write_report(path)


def test_every_plot_is_a_sane_png(full, png_size) -> None:
    _, html = full
    pngs = sorted((html.parent / "plots").glob("*.png"))
    names = {p.stem for p in pngs}
    assert {"summary", "amdahl", "speedup-compute", "speedup-io"} <= names
    assert {"startup", "memory", "sharing", "ipc", "responsiveness", "granularity", "killing"} <= {
        n.split("-")[0] for n in names
    }
    for png in pngs:
        width, height = png_size(png)
        assert 300 <= width <= 2500 and 200 <= height <= 2500, (png.name, width, height)


def test_html_is_self_contained_and_has_every_claim_and_plot(full) -> None:
    data, html = full
    text = html.read_text()
    assert not EXTERNAL.search(text)
    ((_, view),) = results.views(data)
    for cid in view["claims"]:
        assert f">{cid}<" in text
    pngs = list((html.parent / "plots").glob("*.png"))
    assert text.count('src="data:image/png;base64,') == len(pngs)
    assert "How to reproduce" in text and "python -m pylab run" in text


def test_markdown_links_every_plot(full) -> None:
    _, html = full
    md = (html.parent / "report.md").read_text()
    for png in (html.parent / "plots").glob("*.png"):
        assert f"(plots/{png.name})" in md


def test_a_file_without_claims_leaves_their_sections_out(tmp_path: Path) -> None:
    html = write_report(_copy("scaling_only.json", tmp_path))
    text = html.read_text()
    assert "<h2>The claims</h2>" not in text and ">C01<" not in text
    names = {p.stem for p in (html.parent / "plots").glob("*.png")}
    assert names == {"summary", "speedup-compute"}


def test_a_run_over_two_interpreters_reports_them_side_by_side(two_pythons) -> None:
    from pylab.report import summary

    path, pid = two_pythons
    data = results.load(path)
    tables = summary.format_tables(data)
    assert [t.splitlines()[0] for t in tables] == [
        f"== Python {pid} (GIL build)",
        "== Python 3.13.5t (free-threaded, GIL off)",
    ]
    claims = summary.format_claims(data).splitlines()
    assert claims[0].split()[:3] == ["claim", pid, "3.13.5t"]
    c15 = next(line for line in claims if line.startswith("C15"))
    assert c15.split()[2] == "fails" and c15.split()[1] != "fails"
    html = write_report(path).read_text()
    assert "GIL build vs free-threaded" in html and "The claims on each interpreter" in html
    assert f"The answer on Python {pid}" in html and "The answer on Python 3.13.5t" in html
    plots = {p.name for p in (path.with_suffix("") / "plots").glob("*.png")}
    assert f"{pid}-summary.png" in plots and "3.13.5t-summary.png" in plots
    assert "summary-pythons.png" in plots  # one panel per interpreter


def test_the_noise_section_says_what_interference_was_seen(full) -> None:
    _, html = full
    md = (html.parent / "report.md").read_text()
    assert "Busy: experiment ipc measured beside 0.91 cores of other work" in md
    assert "the rest of the machine used 0.42 cores on average (13 CPU s)" in md
