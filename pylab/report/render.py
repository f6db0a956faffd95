"""report.md and a self-contained report.html from the same sections.

The HTML embeds every plot as a data: URI, uses no script and no external URL,
so it opens anywhere, offline, and reads the same with JavaScript off.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pylab.base.errors import UserError


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: tuple[Sequence[str], list[Sequence[str]]] | None = None  # header, rows
    images: list[tuple[Path, str, str]] = field(default_factory=list)  # path, title, caption
    code: str | None = None


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(title: str, sections: list[Section], base: Path) -> str:
    lines = [f"# {title}", ""]
    for s in sections:
        lines += [f"## {s.title}", ""]
        for p in s.paragraphs:
            lines += [p, ""]
        if s.table:
            header, rows = s.table
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            lines.append("")
        for path, image_title, caption in s.images:
            lines += [f"### {image_title}", "", f"![{image_title}]({path.relative_to(base)})", ""]
            lines += [caption, ""]
        if s.code:
            lines += ["```", s.code, "```", ""]
    return "\n".join(lines)


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
img { max-width: 100%; border: 1px solid #eee; }
figure { margin: 1.5em 0; }
figcaption { color: #444; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; }
.holds { color: #1a7f37; } .fails { color: #b42318; } .partly { color: #9a6700; }
.undecided { color: #57606a; }
"""


def _html_table(header: Sequence[str], rows: list[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{html.escape(str(c))}">{html.escape(str(c))}</td>' for c in row)
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _html_image(path: Path, title: str, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(title)}">'
        f"<figcaption><b>{html.escape(title)}.</b> {html.escape(caption)}</figcaption></figure>"
    )


def page(title: str, sections: list[Section]) -> str:
    parts = [f"<h1>{html.escape(title)}</h1>"]
    for s in sections:
        parts.append(f"<h2>{html.escape(s.title)}</h2>")
        parts += [f"<p>{html.escape(p)}</p>" for p in s.paragraphs]
        if s.table:
            parts.append(_html_table(*s.table))
        parts += [_html_image(*image) for image in s.images]
        if s.code:
            parts.append(f"<pre>{html.escape(s.code)}</pre>")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(parts)}</body></html>\n"
    )


def write_pages(source: Path, folder: Path, title: str,
                sections: Callable[[], list[Section]]) -> Path:  # fmt: skip
    """report.md and report.html in `folder` (plots/ made for the sections to fill) from the
    sections `sections()` builds; report.html's path. An unwritable folder is a user error."""
    try:
        (folder / "plots").mkdir(parents=True, exist_ok=True)
        found = sections()
        (folder / "report.md").write_text(markdown(title, found, folder), encoding="utf-8")
        (folder / "report.html").write_text(page(title, found), encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write the report of {source}: {exc.strerror or exc}") from None
    return folder / "report.html"
