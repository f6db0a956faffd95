"""The main question answered in a few sentences, computed from a results file."""

from __future__ import annotations

from typing import Any

from pylab.report import summary
from pylab.report.figures import machine_line

# Claims whose verdicts and reasons answer the main question most directly.
KEY_CLAIMS = ("C15", "C17", "C09", "C03", "C11")


def _speedup(cell: dict[str, Any] | None) -> str:
    return f"{cell['speedup']['median']:.2f}x" if cell else "-"


def _scaling_sentences(results: dict[str, Any]) -> list[str]:
    rows = summary.rows(results)
    if not rows:
        return []
    in_threads = [r for r in rows if r.verdict.startswith("scales in threads")]
    processes = [r for r in rows if r.verdict.startswith("needs processes")]
    others = [r for r in rows if r not in in_threads and r not in processes]
    sentences = [
        f"Of {len(rows)} kernel variants measured on {machine_line(results)}, "
        f"{len(in_threads)} scale in threads: "
        + (", ".join(f"{r.label} {_speedup(r.threads)}" for r in in_threads) or "none")
        + "."
    ]
    if processes:
        sentences.append(
            f"{len(processes)} scale only in processes (threads vs processes, at the largest W): "
            + ", ".join(
                f"{r.label} {_speedup(r.threads)} vs {_speedup(r.processes)}" for r in processes
            )
            + "."
        )
    if others:
        sentences.append("The rest: " + "; ".join(f"{r.label}: {r.verdict}" for r in others) + ".")
    return sentences + _subinterpreter_sentences(rows)


def _subinterpreter_sentences(rows: list[Any]) -> list[str]:
    """Where subinterpreters were measured: what they did for the variants threads failed."""
    held = [r for r in rows if r.interpreters and not r.verdict.startswith("scales in threads")]
    if not held:
        return []
    return [
        "In subinterpreters (one process, a GIL for each), the "
        "variants that did not scale in threads: "
        + ", ".join(f"{r.label} {_speedup(r.interpreters)}" for r in held)
        + " (threads "
        + ", ".join(_speedup(r.threads) for r in held)
        + ")."
    ]


def answer(results: dict[str, Any]) -> list[str]:
    """Sentences answering: when do threads suffice, and when are processes needed?"""
    warning = summary.gil_warning(results)
    sentences = ([f"Warning: {warning}."] if warning else []) + _scaling_sentences(results)
    claims = results.get("claims") or {}
    for cid in KEY_CLAIMS:
        if cid in claims:
            claim = claims[cid]
            sentences.append(f"{cid} ({claim['claim']}) {claim['verdict']}: {claim['reason']}.")
    return sentences or ["This results file holds no measured cells or claims."]
