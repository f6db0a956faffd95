"""The claim experiments: one module per experiment, each settling one or more claims.

Adding an experiment is one module here (see base.py for its contract) named in
MODULES. Together the modules settle every claim in claims.CLAIMS exactly once.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from pylab.base.errors import unknown_name
from pylab.experiments.claims import CLAIMS, PUBLISHED
from pylab.results import claim_record

MODULES = (
    "identity",
    "startup",
    "scaling",
    "memory",
    "sharing",
    "ipc",
    "responsiveness",
    "killing",
    "races",
    "api",
    "granularity",
    "gilshare",
)


def get(name: str) -> ModuleType:
    if name not in MODULES:
        raise unknown_name("experiment", name, MODULES)
    return importlib.import_module(f"pylab.experiments.{name}")


# The verdict of a claim whose experiment could not run or be judged (never a guess).
NOT_MEASURED = "not measured"


def _claim(
    cid: str, verdict: str, reason: str, data: Mapping[str, Any], uncertain: str | None = None
) -> dict[str, Any]:
    return claim_record(CLAIMS[cid], verdict, reason, data, PUBLISHED.get(cid), uncertain)


# The system's CPU clock ticks every 10 ms: a background reading over a shorter span than
# this is a tick or two, not a load (the api experiment measures for 13 ms and read 1.6
# cores beside nothing).
MIN_READING_S = 0.5


def disturbed(record: Mapping[str, Any]) -> str | None:
    """Why an experiment's every claim is uncertain: the rest of the machine took more
    than the background bound while it measured (for MIN_READING_S at least); None where it
    did not (or no one knows)."""
    if (record.get("elapsed_s") or 0.0) < MIN_READING_S:
        return None
    # Imported here: subinterpreters import this package to run an experiment's functions
    # (psutil cannot load in one), and startup measures what its spawned children import.
    from pylab.host.load import is_busy

    cores = record.get("background_cores")
    return f"measured beside {cores:.2f} cores of other work" if is_busy(cores) else None


def _verdicts(name: str, record: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    module = get(name)
    why = record.get("error")
    if record.get("ok"):
        beside = disturbed(record)
        try:
            return {v.claim: _claim(v.claim, v.verdict, v.reason, v.data,
                                    "; ".join(filter(None, (v.uncertain, beside))) or None)
                    for v in module.judge(record["data"])}  # fmt: skip
        except Exception as exc:  # data the rules cannot read: say so, do not guess
            why = f"judging failed: {type(exc).__name__}: {exc}"
    return {c: _claim(c, NOT_MEASURED, str(why), {}) for c in module.CLAIMS}


def judge_all(
    records: Mapping[str, Mapping[str, Any]], judged: Mapping[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """The claims of every experiment in `records`, by ID, added to those already `judged`
    (a file's verdicts stay the ones it was judged by; only new records are judged)."""
    claims: dict[str, dict[str, Any]] = dict(judged or {})
    broken = []
    for name in MODULES:
        if name in records:
            try:
                claims |= _verdicts(name, records[name])
            except Exception as exc:  # a module that does not load: its claims are unknown
                broken.append(f"{name}: {type(exc).__name__}: {exc}")
    if broken:
        why = "an experiment could not be loaded (" + "; ".join(broken) + ")"
        claims |= {cid: _claim(cid, NOT_MEASURED, why, {}) for cid in CLAIMS if cid not in claims}
    return {cid: claims[cid] for cid in sorted(claims)}
