"""A results file one interpreter at a time.

A run may measure several interpreters (`run --python`); the file then holds every
interpreter's cells in one list, each naming its interpreter (`python`), and each
interpreter's own blocks, experiments, claims and verdicts under `pythons` (see
pylab.results.schema). A view is the file as one interpreter's run would read: its
cells, its python and build blocks, its experiments, claims and verdicts at the top
level. The readers that judge, tabulate and plot one run read views, so they need not
know how many interpreters a file holds.
"""

from __future__ import annotations

from typing import Any

PER_PYTHON = ("experiments", "claims", "verdicts")  # what each interpreter has of its own


def python_id(python: dict[str, Any], taken: set[str] | frozenset = frozenset()) -> str:
    """`3.13.5t`, `3.11.7`: an interpreter's name in a file, its version and a `t` for a
    free-threaded build; `-2`, `-3`... when another interpreter of the file has it."""
    name = f"{python.get('version', '?')}{'t' if python.get('free_threaded_build') else ''}"
    found, n = name, 1
    while found in taken:
        n += 1
        found = f"{name}-{n}"
    return found


def ids(results: dict[str, Any]) -> list[str]:
    return list(results.get("pythons") or {})


def view(results: dict[str, Any], pid: str) -> dict[str, Any]:
    """The file as interpreter `pid`'s run alone: a shallow copy, cells filtered."""
    record = results["pythons"][pid]
    seen = {k: v for k, v in results.items() if k != "pythons"}
    seen["machine"] = {**results["machine"], "python": record["python"]}
    seen["build"] = record["build"]
    seen["cells"] = [c for c in results["cells"] if c.get("python") == pid]
    seen.update({key: record.get(key) or {} for key in PER_PYTHON})
    seen["skipped"] = record.get("skipped") or []  # cells it could not run, and why
    seen["python_id"] = pid
    return seen


def views(results: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(id, view) for every interpreter of the file, in the order they were asked for."""
    return [(pid, view(results, pid)) for pid in ids(results)]


def python_name(python: dict[str, Any]) -> str:
    """`3.13.5t (free-threaded, GIL off)`, `3.11.7 (GIL)`: an interpreter and its GIL."""
    if not python.get("free_threaded_build"):
        return f"{python.get('version')} (GIL build)"
    state = {True: ", GIL on", False: ", GIL off"}.get(python.get("gil_enabled"), "")
    return f"{python.get('version')}t (free-threaded{state})"


def heading(results: dict[str, Any], pid: str) -> str:
    """`Python 3.13.5t (free-threaded, GIL off)`: how tables and sections name one."""
    return f"Python {python_name(results['pythons'][pid]['python'])}"
