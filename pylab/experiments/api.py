"""C08: the multiprocessing API mirrors threading's.

Read from the classes themselves, nothing is timed: the public names (methods,
properties and attributes visible on the class, not starting with "_") and the
constructor's parameters (inspect.signature) of threading.Thread against
multiprocessing.Process, and of ThreadPoolExecutor against ProcessPoolExecutor.
Each pair gets shared, thread-only and process-only lists, and a parity: the
shared names over all names, members and constructor parameters counted as
separate items (so `name` the attribute and `name=` the argument are two).

Thread's camelCase aliases (getName, setName, isDaemon, setDaemon) are left out
of the comparison and listed apart: they are deprecated since Python 3.10 and
only repeat `name` and `daemon`, so counting them would make Thread look richer
than it is.

Rule: C08 holds when both pairs reach a parity of HOLDS_PARITY, fails when
either is below FAILS_PARITY, and is partly true in between; the reason names
what each side has that the other lacks.
"""

from __future__ import annotations

import inspect
import multiprocessing
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from pylab.experiments._kit import judge_for, judges
from pylab.experiments.base import Level, Verdict

NAME = "api"
CLAIMS = ("C08",)

# "Mirrors" means code written for one runs on the other after a few edits: at
# least four names in five carry over. Under half shared, they are two APIs.
HOLDS_PARITY = 0.8
FAILS_PARITY = 0.5

DEPRECATED_ALIASES = ("getName", "setName", "isDaemon", "setDaemon")

# (key, label, thread-side class, process-side class). multiprocessing.Process is
# the default context's class; every context's Process shares its BaseProcess API.
PAIRS = (
    ("workers", "Thread/Process", threading.Thread, multiprocessing.Process),
    (
        "executors",
        "ThreadPoolExecutor/ProcessPoolExecutor",
        ThreadPoolExecutor,
        ProcessPoolExecutor,
    ),
)


def _members(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_") and n not in DEPRECATED_ALIASES}


def _init_params(cls: type) -> set[str]:
    params = inspect.signature(cls).parameters.values()
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return {p.name for p in params if p.kind not in variadic and not p.name.startswith("_")}


def _split(thread_side: set[str], process_side: set[str]) -> dict[str, list[str]]:
    return {
        "shared": sorted(thread_side & process_side),
        "only_thread": sorted(thread_side - process_side),
        "only_process": sorted(process_side - thread_side),
    }


def _compare(label: str, thread_cls: type, process_cls: type) -> dict[str, Any]:
    members = _split(_members(thread_cls), _members(process_cls))
    params = _split(_init_params(thread_cls), _init_params(process_cls))
    shared = len(members["shared"]) + len(params["shared"])
    union = sum(len(v) for v in (*members.values(), *params.values()))
    return {
        "label": label,
        "thread_class": f"{thread_cls.__module__}.{thread_cls.__qualname__}",
        "process_class": f"{process_cls.__module__}.{process_cls.__qualname__}",
        "members": members,
        "init_params": params,
        "shared": shared,
        "union": union,
        "parity": round(shared / union, 4) if union else 1.0,
    }


def measure(level: Level, cells: list[dict[str, Any]]) -> dict[str, Any]:
    pairs = {key: _compare(label, t, p) for key, label, t, p in PAIRS}
    deprecated = {
        f"{cls.__module__}.{cls.__qualname__}": sorted(set(dir(cls)) & set(DEPRECATED_ALIASES))
        for _, _, *classes in PAIRS
        for cls in classes
    }
    return {
        "python": sys.version.split()[0],
        "pairs": pairs,
        "excluded_deprecated": {name: found for name, found in deprecated.items() if found},
    }


def _only(pair: dict[str, Any], side: str) -> list[str]:
    """One side's extra names; constructor arguments end in `=`."""
    return pair["members"][side] + [f"{p}=" for p in pair["init_params"][side]]


def _pair_text(pair: dict[str, Any]) -> str:
    thread_name, process_name = pair["label"].split("/")
    text = f"{pair['label']} share {pair['shared']} of {pair['union']} names ({pair['parity']:.0%})"
    sides = ((process_name, "only_process"), (thread_name, "only_thread"))
    extras = [f"{name} adds {', '.join(_only(pair, s))}" for name, s in sides if _only(pair, s)]
    return "; ".join([text, *extras])


@judges("C08")
def _judge_c08(data: dict[str, Any]) -> Verdict:
    pairs = data["pairs"]
    parity = {key: pair["parity"] for key, pair in pairs.items()}
    lowest = min(parity.values())
    if lowest >= HOLDS_PARITY:
        verdict = "holds"
    elif lowest < FAILS_PARITY:
        verdict = "fails"
    else:
        verdict = "partly"
    reason = "; ".join(_pair_text(pair) for pair in pairs.values())
    left_out = sorted({n for names in data["excluded_deprecated"].values() for n in names})
    if left_out:
        reason += f" (deprecated {', '.join(left_out)} left out)"
    reason += (
        f"; the lower share {lowest:.0%}: mirrors from {HOLDS_PARITY:.0%}, "
        f"two APIs below {FAILS_PARITY:.0%}"
    )
    numbers = {
        "parity": parity,
        "holds_parity": HOLDS_PARITY,
        "fails_parity": FAILS_PARITY,
        "excluded_deprecated": data["excluded_deprecated"],
    }
    return Verdict("C08", verdict, reason, numbers)


judge = judge_for(__name__, CLAIMS)
