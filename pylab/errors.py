"""Errors that are the user's to fix: reported as one line and exit status 2."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class UserError(Exception):
    """Bad input: the CLI prints `pylab: error: <message>` and exits 2, no traceback."""


class WrongResult(Exception):
    """A kernel returned something other than its reference: nothing may be timed from it."""


class Terminated(BaseException):
    """SIGTERM arrived: the run ends as on Ctrl-C, with exit status 143."""


def unknown_name(kind: str, name: str, choices: Iterable[str]) -> UserError:
    """An error for a name not among `choices`, suggesting the closest one."""
    choices = list(choices)
    close = difflib.get_close_matches(name, choices, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return UserError(f"unknown {kind} {name!r}{hint} (choose from: {', '.join(choices)})")
