"""The atlas's report and comparison: a table per library, the modules' readiness, and per
library the GIL share and the thread speed-up against the input size, each interpreter's
line per call, with the documented thresholds and the release and scaling marks drawn.

`write_atlas_report(path, results)` writes report.md, report.html and plots/*.png beside the
file, as `pylab report` does for a run; `compare_lines` sets atlases side by side.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pylab.base.fmt import fmt_interval, fmt_one_line, fmt_speedup
from pylab.report.figures import Plot, new_figure, save_png
from pylab.report.render import Section, write_pages

HEADER = ("call", "python", "GIL share", "threads", "processes", "recommendation",
          "release size", "payoff size", "documented")  # fmt: skip


def _size(found: dict[str, Any] | None) -> str:
    if not found:
        return "-"
    if found.get("size") is None:
        return "none in range"
    low, high = found.get("bracket") or (None, found["size"])
    return f"{found['size']} ({f'<={high}' if low is None else f'{low}-{high}'})"


def _documented(row: dict[str, Any]) -> str:
    doc = row.get("documented")
    if not doc:
        return "-"
    if doc.get("never_releases"):
        return "never releases"
    if doc.get("release_size"):
        return f"releases from {doc['release_size']}"
    return "releases"


def row_cells(row: dict[str, Any]) -> list[str]:
    """One atlas row as the table shows it."""
    name = f"{row['library']}/{row['call']}"
    if row.get("skipped"):
        return [name, row["python"], "skipped", "", "", row["skipped"], "", "", _documented(row)]
    if not row["ok"]:
        return [name, row["python"], "failed", "", "", row.get("error") or "", "", "",
                _documented(row)]  # fmt: skip
    share = fmt_interval(row["gil_share"], "") if row.get("gil_share") else "no GIL"
    w = row.get("workers")
    threads = fmt_interval(row["thread_speedup"]) if row.get("thread_speedup") else "-"
    procs = fmt_interval(row["process_speedup"]) if row.get("process_speedup") else "-"
    sizes = [_size(row.get("release_size")), _size(row.get("payoff_size"))]
    recommendation = row["recommendation"] or "-"
    if row.get("settled") is False:  # no recommendation read twice (pylab.atlas.rounds)
        recommendation += " (unsettled)"
    return [name, row["python"], share, f"{threads} W={w}", procs, recommendation, *sizes,
            _documented(row)]  # fmt: skip


def table_lines(results: dict[str, Any]) -> list[str]:
    """The atlas as plain text: a line per call and interpreter, the modules below."""
    rows = [row_cells(r) for r in results["atlas"]]
    lines = _aligned(HEADER, rows)
    if results.get("modules"):
        lines += ["", *_aligned(MODULE_HEADER, [module_cells(m) for m in results["modules"]])]
    return lines


def _aligned(header: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    def line(cells: Any) -> str:  # noqa: E306
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
    return [line(header)] + [line(r) for r in rows]


MODULE_HEADER = ("module", "python", "GIL after import", "subinterpreter (own GIL)", "used by")


def module_cells(m: dict[str, Any]) -> list[str]:
    if m.get("error") or m.get("import_error"):
        why = fmt_one_line(m.get("error") or m.get("import_error"))
        return [m["module"], m["python"], f"failed: {why}", "", ", ".join(m.get("libraries", []))]
    gil = m.get("gil_enabled_after_import")
    gil_text = {True: "ON", False: "off", None: "?"}[gil]
    if gil and m.get("enabled_by"):
        gil_text += f" (by {m['enabled_by']})"
    sub = m.get("subinterpreters") or {}
    sub_text = {True: "loads", False: "refused", None: "unknown"}[sub.get("loads")]
    if sub.get("reason"):
        sub_text += f": {fmt_one_line(sub['reason'])}"
    return [m["module"], m["python"], gil_text, sub_text, ", ".join(m.get("libraries", []))]


# --- plots -----------------------------------------------------------------------------------


def _library_plot(results: dict[str, Any], library: str, rows: list[dict[str, Any]]) -> Plot:
    figure, (share_ax, speed_ax) = new_figure(results, f"{library}: by input size", cols=2)
    styles = {pid: style for pid, style in zip(results["pythons"], "-:" * 9, strict=False)}
    for row in rows:
        points = [p for p in row["sweep"] if p.get("thread_speedup")]
        if not points:
            continue
        label = f"{row['call']} ({row['python']})"
        style = styles.get(row["python"], "-")
        sizes = [p["size"] for p in points]
        shared = [p for p in points if p.get("gil_share")]
        if shared:
            share_ax.plot([p["size"] for p in shared], [p["gil_share"]["median"] for p in shared],
                          style, marker="o", label=label)  # fmt: skip
        line = speed_ax.plot(sizes, [p["thread_speedup"]["median"] for p in points], style,
                             marker="o", label=label)[0]  # fmt: skip
        speed_ax.fill_between(sizes, [p["thread_speedup"]["low"] for p in points],
                              [p["thread_speedup"]["high"] for p in points],
                              color=line.get_color(), alpha=0.12)  # fmt: skip
        doc = row.get("documented") or {}
        if doc.get("release_size"):
            for ax in (share_ax, speed_ax):
                ax.axvline(doc["release_size"], color=line.get_color(), ls=":", lw=1)
    release = results["settings"].get("release_share")
    if release is not None:
        share_ax.axhline(release, color="grey", lw=0.8)
    marks = [p["mark"] for r in rows for p in r["sweep"] if p.get("mark")]
    if marks:
        speed_ax.axhline(max(marks), color="grey", lw=0.8)
    for ax, what in ((share_ax, "GIL share"), (speed_ax, "thread speed-up")):
        ax.set_xscale("log")
        ax.set_xlabel(f"input size ({rows[0].get('unit') or 'items'})")
        ax.set_ylabel(what)
    share_ax.set_ylim(-0.02, 1.05)
    speed_ax.legend(fontsize=7)
    caption = (f"{library}: the GIL share (left; grey: the release mark, {release}) and the "
               f"speed-up of {rows[0].get('workers') or 'W'} threads (right; grey: the scaling "
               "mark) at each measured size; dotted verticals: the documented release sizes; "
               "one line style per interpreter.")  # fmt: skip
    name = "atlas-" + "".join(c if c.isalnum() else "-" for c in library.lower())
    return Plot(name, f"{library} by input size", figure, caption)


def _libraries(results: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for row in results["atlas"]:
        found.setdefault(row["library"], []).append(row)
    return found


def sections(results: dict[str, Any], folder: Path) -> list[Section]:
    """The report's sections; plots are written under folder/plots."""
    rows = results["atlas"]
    ok = [r for r in rows if r["ok"]]
    out = [Section("The atlas", paragraphs=[
        f"{len(ok)} of {len(rows)} calls measured on {', '.join(results['pythons'])} "
        f"(preset {results.get('preset')}, status {results.get('status')}); "
        f"{sum(1 for r in rows if r.get('skipped'))} skipped, "
        f"{sum(1 for r in rows if r.get('error'))} failed. Release size: the smallest measured "
        f"size from which the call holds the GIL under "
        f"{results['settings'].get('release_share')} of its time; payoff size: from which "
        f"{results['settings'].get('workers')} threads reach the scaling mark "
        f"({results['settings'].get('scales')} x ideal); each with the measured sizes it lies "
        "between.",
    ])]  # fmt: skip
    for library, lib_rows in _libraries(results).items():
        section = Section(library, table=(HEADER, [row_cells(r) for r in lib_rows]))
        notes = [f"{r['call']} ({r['python']}): {r['against_documented']}" for r in lib_rows
                 if r.get("against_documented")]  # fmt: skip
        claims = {(r["documented"]["claim"], r["documented"]["source"]) for r in lib_rows
                  if r.get("documented")}  # fmt: skip
        section.paragraphs += [f"Documented: {c} ({s})." for c, s in sorted(claims)] + notes
        if any(r["sweep"] for r in lib_rows):
            plot = _library_plot(results, library, lib_rows)
            png = folder / "plots" / f"{plot.name}.png"
            save_png(plot.figure, png)
            section.images.append((png, plot.title, plot.caption))
        out.append(section)
    if results.get("modules"):
        enabled = [m for m in results["modules"] if m.get("gil_enabled_after_import")]
        text = ", ".join(f"{m['module']} ({m['python']}, by {m.get('enabled_by') or '?'})"
                         for m in enabled) or "none"  # fmt: skip
        table = (MODULE_HEADER, [module_cells(m) for m in results["modules"]])
        out.append(Section("Extension modules on free-threaded interpreters", table=table,
                           paragraphs=[f"Modules that switch the GIL back on: {text}."]))
    return out


def write_atlas_report(path: Path, results: dict[str, Any]) -> Path:
    """report.html, report.md and plots/ beside the atlas file; report.html's path."""
    folder = Path(path).with_suffix("")
    title = f"pylab atlas: {results['machine'].get('hostname')}, {results.get('started')}"
    return write_pages(path, folder, title, lambda: sections(results, folder))


# --- two atlases side by side ------------------------------------------------------------


def runs(paths: list[Path], loaded: list[dict[str, Any]]) -> tuple[list[str], list[dict]]:
    """Each (file, interpreter) as a run of its own: names and {(library, call): row}."""
    names, found = [], []
    for path, results in zip(paths, loaded, strict=True):
        for pid in results["pythons"]:
            names.append(f"{Path(path).stem}:{pid}" if len(loaded) > 1 else pid)
            found.append({(r["library"], r["call"]): r for r in results["atlas"]
                          if r["python"] == pid})  # fmt: skip
    return names, found


def _brief(row: dict[str, Any] | None) -> str:
    if row is None:
        return "-"
    if not row["ok"]:
        return "skipped" if row.get("skipped") else "failed"
    share = f"{row['gil_share']['median']:.2f}" if row.get("gil_share") else "no GIL"
    speed = fmt_speedup(row["thread_speedup"]["median"]) if row.get("thread_speedup") else "-"
    release = (row.get("release_size") or {}).get("size")
    return f"{row['recommendation']} {share} {speed} r={release if release else '-'}"


def compare_lines(names: list[str], found: list[dict]) -> tuple[list[str], int, int]:
    """A line per call, one column per run (recommendation, GIL share, thread speed-up,
    release size); `*` where the recommendations differ. With how many calls every run
    measured, and how many of them agree."""
    keys = list(dict.fromkeys(k for run in found for k in run))
    rows, both, agree = [], 0, 0
    for key in keys:
        got = [run.get(key) for run in found]
        recs = {r["recommendation"] for r in got if r and r["ok"]}
        measured = all(r and r["ok"] for r in got)
        both += measured
        agree += measured and len(recs) == 1
        mark = "*" if len(recs) > 1 else ""
        rows.append([f"{mark}{key[0]}/{key[1]}", *[_brief(r) for r in got]])
    lines = _aligned(("call", *names), rows)
    lines.append(f"{agree} of {both} calls measured in every run get the same recommendation "
                 "(* marks those that differ)")  # fmt: skip
    return lines, both, agree
