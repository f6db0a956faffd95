"""The report of a run: plots, report.md and a self-contained report.html.

`write_report(path)` reads a results file and writes, in a folder named after
it and beside it (results/<run>/), report.html, report.md and plots/*.png.
Sections for data the file lacks are left out, never faked. A run over several
interpreters gets the side-by-side sections of pylab.report.pythons first, then
each interpreter's own sections and plots, headed by its name.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from pylab import CLAIMS_DOC
from pylab import results as results_io
from pylab.host.load import is_busy
from pylab.report import costs, dask, summary
from pylab.report.answer import answer
from pylab.report.figures import save_png
from pylab.report.model import model_section
from pylab.report.plots import make_plots
from pylab.report.pythons import claims_section, overhead_section, side_by_side, summary_figure
from pylab.report.quality import quality_line
from pylab.report.render import Section, write_pages
from pylab.results.views import heading, views


def report_dir(results_path: Path) -> Path:
    return results_path.with_suffix("")


def _claims_section(results: dict[str, Any]) -> Section | None:
    claims = results.get("claims") or {}
    if not claims:
        return None
    rows = [
        (cid, c["claim"], summary.claim_verdict(c), summary.claim_reason(c),
         (c.get("published") or {}).get("text", ""))
        for cid, c in claims.items()
    ]
    header = ("ID", "claim", "verdict", "what was measured", "published figure")
    note = f"Each claim, its source and its rule: {CLAIMS_DOC} in pylab's repository."
    return Section("The claims", [note], table=(header, rows))


def _scaling_section(results: dict[str, Any]) -> Section | None:
    table = summary.format_table(results)
    if not table:
        return None
    note = (
        f"Speed-up [{summary.interval_note(results)}] at the largest W; processes: the best "
        f"start method. {summary.bounds_note(results)}"
    )
    return Section("Speed-ups", [note], code=table)


def _noise_section(results: dict[str, Any], problems: list[str]) -> Section:
    cells = results.get("cells", [])
    noisy = [
        f"{c['kernel']}/{c['variant']} {c['executor']} {c.get('start_method') or ''} "
        f"W={c['workers']}: {c['speedup']['median']:.2f}x [{c['speedup']['low']:.2f}-"
        f"{c['speedup']['high']:.2f}]"
        for c in cells
        if c.get("ok") and c.get("noisy")
    ]
    experiments = results.get("experiments") or {}
    failed = [
        f"{c['kernel']}/{c['variant']} {c['executor']} W={c['workers']}: {c['error']}"
        for c in cells
        if not c.get("ok")
    ]
    failed += [
        f"experiment {n}: {e.get('error')}" for n, e in experiments.items() if not e.get("ok")
    ]
    load = results.get("load") or {}
    paragraphs = [
        f"{len(noisy)} of {len(cells)} cells are flagged noisy ({_noisy_rule(cells)}); load "
        f"average before {load.get('before')}, after {load.get('after')}."
    ]
    line = quality_line(results)
    if line:
        paragraphs.append(f"Precision: {line}.")
    upgraded = results.get("upgraded")
    if upgraded:
        changes = "; ".join(upgraded.get("changes") or [])
        paragraphs.append(
            f"This file was written in format {upgraded.get('from_version')} and read as "
            f"format {results_io.FORMAT_VERSION}: {changes}."
        )
    paragraphs += [f"Noisy: {line}" for line in noisy]
    paragraphs += [
        f"Busy: experiment {n} measured beside {e['background_cores']:.2f} cores of other work"
        for n, e in experiments.items()
        if is_busy(e.get("background_cores"))
    ]
    paragraphs += [f"Failed: {line}" for line in failed] + [f"Report: {p}" for p in problems]
    paragraphs += [
        f"Skipped: {s['cells']} {s['what']}: {s['reason']}" for s in results.get("skipped", [])
    ]
    return Section("Noise and failures", paragraphs)


def _noisy_rule(cells: list[dict[str, Any]]) -> str:
    """The noise flag's rule as the cells were flagged by it."""
    widths = sorted({c["noise"]["noisy_above"] for c in cells if c.get("ok") and "noise" in c})
    if not widths:
        return "no cell measured"
    shown = " or ".join(f"{w:.0%}" for w in widths)
    return f"speed-up interval wider than {shown} of its median"


def _metadata_section(results: dict[str, Any]) -> Section:
    data = {
        k: results.get(k) for k in ("machine", "build", "pinning", "settings") if results.get(k)
    }
    rows = [(key, str(value)) for key, value in results_io.flatten(data)]
    return Section("Machine and build", table=(("field", "value"), rows))


def _reproduce_section(results: dict[str, Any]) -> Section:
    command = shlex.join(results.get("command") or ["python", "-m", "pylab", "run"])
    return Section(
        "How to reproduce",
        [
            f"With pylab {results.get('pylab_version')} installed (`make install`), "
            "on the machine above:"
        ],
        code=command,
    )


def _costs_section(results: dict[str, Any]) -> Section | None:
    rows = costs.costs(results)
    if len(rows) < 2:
        return None
    notes = ["Medians from the startup, memory and ipc experiments (pylab.report.costs)."]
    where = costs.placement(rows)
    if where:
        notes.append(f"A subinterpreter, figure by figure: {where}.")
    return Section("What a worker costs", notes, table=costs.table(rows))


def _dask_section(results: dict[str, Any]) -> Section | None:
    found = dask.rows(results)
    if not found:
        return None
    notes = [
        "A bare pool beside Dask's two layouts at the largest W (pylab.report.dask): "
        "dask threads is one worker process of W threads, dask processes W worker "
        f"processes of one thread. {dask.agreement(found)}."
    ]
    line = dask.dispatch_line(results)
    if line:
        notes.append(f"W empty tasks through the start barrier and back (median): {line}.")
    return Section("What Dask costs over a bare pool", notes, table=dask.table(found))


def _sections(results: dict[str, Any], images: list, problems: list[str]) -> list[Section]:
    """One interpreter's report (a view): the answer, claims, speed-ups, model, costs,
    plots."""
    first, rest = images[:1], images[1:]
    sections = [Section("The answer", answer(results), images=first)]
    found = (_claims_section(results), _scaling_section(results), model_section(results),
             _costs_section(results), _dask_section(results))  # fmt: skip
    for section in found:
        if section:
            sections.append(section)
    if rest:
        sections.append(Section("Plots", images=rest))
    sections += [_noise_section(results, problems), _metadata_section(results)]
    return sections


def _images(view: dict[str, Any], folder: Path, prefix: str) -> tuple[list, list[str]]:
    """The view's plots saved as PNGs under folder/plots, and the plots that failed."""
    plots, problems = make_plots(view)
    images = []
    for plot in plots:
        png = folder / "plots" / f"{prefix}{plot.name}.png"
        save_png(plot.figure, png)
        images.append((png, plot.title, plot.caption))
    return images, problems


def _titled(section: Section, pid: str) -> Section:
    section.title = f"{section.title}: Python {pid}"
    return section


def _all_sections(results: dict[str, Any], folder: Path) -> list[Section]:
    seen = views(results)
    if len(seen) == 1:
        images, problems = _images(seen[0][1], folder, "")
        return _sections(seen[0][1], images, problems) + [_reproduce_section(results)]
    found = (side_by_side(results), overhead_section(results), claims_section(results))
    sections = [s for s in found if s]
    figure = summary_figure(results)
    if figure:
        png = folder / "plots" / f"{figure.name}.png"
        save_png(figure.figure, png)
        sections[0].images.append((png, figure.title, figure.caption))
    for pid, view in seen:
        images, problems = _images(view, folder, f"{pid}-")
        answer_first = _sections(view, images, problems)
        answer_first[0].title = f"The answer on {heading(results, pid)}"
        sections += [answer_first[0]] + [_titled(s, pid) for s in answer_first[1:]
                                         if s.title != "The claims"]  # fmt: skip
    return sections + [_reproduce_section(results)]


def write_report(path: Path) -> Path:
    """Write the report of the results file at `path`; return report.html's path. An
    unwritable folder is a user error."""
    results = results_io.load(path, atlas=True)
    if results["format"] == results_io.ATLAS_FORMAT:
        from pylab.report.atlas import write_atlas_report

        return write_atlas_report(path, results)
    folder = report_dir(Path(path))
    title = f"pylab report: {results['machine'].get('hostname')}, {results.get('started')}"
    return write_pages(path, folder, title, lambda: _all_sections(results, folder))
