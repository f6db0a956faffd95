"""The documentation holds together: README.md and docs/*.md link only to files and headings
that exist, docs/commands.md lists the exit statuses the code has, and the README stays a
first screen. Reads files only; runs nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pylab.base.errors import Exit
from tests import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```|~~~)")
CODE_SPAN = re.compile(r"(`+).+?\1")
# [text](target) and ![alt](target); the target ends at whitespace or the closing paren
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
EXIT_HEAD = re.compile(r"\|\s*status\s*\|\s*meaning\s*\|")


def prose(text: str) -> list[str]:
    """The lines of a Markdown page outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, markup and punctuation dropped (hyphens
    and underscores kept), each space a hyphen."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text
    text = text.replace("`", "").replace("*", "")
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading's anchor on a page; repeats get -1, -2, ... as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for line in prose(page.read_text()):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(page: Path) -> list[str]:
    """The relative link targets of a page (web and mail addresses left out)."""
    targets = []
    for line in prose(page.read_text()):
        for target in LINK.findall(CODE_SPAN.sub("", line)):
            if not re.match(r"[a-z][a-z0-9+.-]*:", target):
                targets.append(target)
    return targets


def test_the_link_and_anchor_readers() -> None:
    assert slug("The machine's state") == "the-machines-state"
    assert slug("The kernels (`ext/`)") == "the-kernels-ext"
    assert slug("Dask: the same question on Dask's two layouts") == (
        "dask-the-same-question-on-dasks-two-layouts"
    )
    assert slug("pylab's GIL share beside Dask's GIL contention") == (
        "pylabs-gil-share-beside-dasks-gil-contention"
    )
    page = "See [a](x.md#y), ![b](p.png), [c](https://e.org), `[d](code.md)`.\n```\n[e](f.md)\n```"
    assert LINK.findall(CODE_SPAN.sub("", page.splitlines()[0])) == [
        "x.md#y", "p.png", "https://e.org",
    ]  # fmt: skip


def test_there_are_pages_to_check() -> None:
    assert len(PAGES) > 5
    assert all(links(page) for page in PAGES if page.name in ("README.md", "commands.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for target in links(page):
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists() or REPO.resolve() not in (file, *file.parents):
            broken.append(f"{target}: no such file in the repository")
        elif anchor and (file.suffix != ".md" or anchor not in anchors(file)):
            broken.append(f"{target}: no heading #{anchor} in {file.relative_to(REPO)}")
    assert not broken, f"{page.relative_to(REPO)}: " + "; ".join(broken)


def exit_table(text: str) -> dict[int, str]:
    """The rows of the table headed `| status | meaning |`: status to meaning."""
    rows: dict[int, str] = {}
    lines = prose(text)
    heads = [i for i, line in enumerate(lines) if EXIT_HEAD.match(line)]
    assert len(heads) == 1, "docs/commands.md needs one table headed | status | meaning |"
    for line in lines[heads[0] + 2 :]:
        if not line.startswith("|"):
            break
        status, meaning = (cell.strip() for cell in line.strip().strip("|").split("|", 1))
        assert status.isdigit(), f"not a status: {status!r}"
        assert int(status) not in rows, f"status {status} listed twice"
        rows[int(status)] = meaning
    return rows


def test_the_exit_status_table_lists_exactly_the_codes_exit_has() -> None:
    rows = exit_table((REPO / "docs/commands.md").read_text())
    assert set(rows) == {int(code) for code in Exit}
    for code in Exit:  # each row names its status as the code does
        assert f"`{code.name}`" in rows[int(code)], (int(code), rows[int(code)])


def test_the_readme_is_a_first_screen_with_the_two_set_up_commands() -> None:
    text = (REPO / "README.md").read_text()
    assert len(text.splitlines()) <= 220
    assert "make run" in text and "make test" in text
