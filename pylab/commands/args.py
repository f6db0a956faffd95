"""Argument types the commands share: comma lists, worker counts, bounded numbers, KEY=VALUE.

Each raises argparse.ArgumentTypeError with the reason, which the CLI prints as one line.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

MAX_WORKERS = max(64, 8 * (os.cpu_count() or 1))


def names(text: str) -> list[str]:
    """`a,b,c`: a comma-separated list of names."""
    found = [n.strip() for n in text.split(",") if n.strip()]
    if not found:
        raise argparse.ArgumentTypeError("expected a comma-separated list of names")
    return found


def number(convert: type[int] | type[float], low: float, high: float) -> Callable[[str], float]:
    """An argparse type for a number from `low` to `high`, inclusive."""
    what = "a whole number" if convert is int else "a number"

    def parse(text: str) -> int | float:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not low <= value <= high:  # also refuses nan
            raise argparse.ArgumentTypeError(f"{text}: choose {low:g} to {high:g}")
        return value

    return parse


_worker_count = number(int, 1, MAX_WORKERS)


def workers(text: str) -> list[int]:
    """`1,2,4`: worker counts."""
    return [_worker_count(item) for item in names(text)]


def key_value(text: str) -> tuple[str, str]:
    """`KEY=VALUE`, both sides non-empty."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected KEY=VALUE, e.g. gil_share=0.3")
    return key.strip(), value.strip()
