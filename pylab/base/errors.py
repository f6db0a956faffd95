"""How pylab fails: errors that are the user's to fix (one line, exit status 2), a wrong
result, SIGTERM, and the exit statuses themselves."""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable


class Exit(enum.IntEnum):
    """pylab's exit statuses: the one list (the CLI's epilog and docs/commands.md show it;
    a test holds the page to it)."""

    OK = 0  # every cell and experiment measured
    FAILED = 1  # some cells or experiments failed (results written)
    USAGE = 2  # a usage error: one line on stderr
    BUG = 70  # sysexits' EX_SOFTWARE: a bug in pylab (its traceback, then a line saying so)
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT): finished cells are kept in the results file
    TERMINATED = 143  # SIGTERM (128 + SIGTERM): as on Ctrl-C


def stopped_status(exc: BaseException) -> Exit:
    """The exit status of a run stopped by Ctrl-C (KeyboardInterrupt) or SIGTERM."""
    return Exit.TERMINATED if isinstance(exc, Terminated) else Exit.INTERRUPTED


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
