"""Running pylab under the interpreters `--python` names, each from its environment.

The interpreter pylab runs on needs no environment: it runs as it is. Any other one
runs `python -m pylab ...` from its own environment (pylab.pythons.envs), as a child process
the caller can afford to lose: a crash or a hang there ends that interpreter's
measurement, never the caller.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from pylab.pythons import envs
from pylab.pythons.discovery import Python, inspect, resolve_all


@dataclass(frozen=True)
class Target:
    """An interpreter to run pylab under, and the executable that runs it with pylab."""

    python: Python
    executable: str | None  # None: its environment failed to build (see error)
    error: str = ""

    @property
    def here(self) -> bool:
        """Whether it is the interpreter running now: its children are forked."""
        return self.executable == sys.executable

    def as_dict(self) -> dict:
        """Where it ran from, as a results file records it."""
        outside = self.executable is not None and not self.here
        environment = str(Path(self.executable).parent.parent) if outside else None
        return {"path": self.python.path, "source": self.python.source,
                "environment": environment}  # fmt: skip


def current() -> Target:
    """The interpreter running now, as a target."""
    return Target(inspect(sys.executable, "current"), sys.executable)


def is_current(python: Python) -> bool:
    """Whether `python` is the interpreter running now (a venv of it counts)."""
    return os.path.realpath(python.path) == os.path.realpath(sys.executable)


def targets(
    specs: list[str], root: Path | None, rebuild: bool, extras: tuple[str, ...] = ()
) -> list[Target]:
    """Each named interpreter with its executable (its environment with `extras` added);
    a bad name raises a UserError before anything is built, and a build that fails is that
    interpreter's error only."""
    found = []
    for python in resolve_all(specs):
        if is_current(python):
            found.append(Target(python, sys.executable))
            continue
        try:
            env = envs.ensure(python, root, rebuild, extras)
        except envs.EnvError as exc:
            print(f"pylab: error: {exc}", file=sys.stderr)
            found.append(Target(python, None, str(exc)))
            continue
        envs.announce(env)
        found.append(Target(python, str(env.executable)))
    return found
