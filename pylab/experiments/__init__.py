"""The claim experiments: one module per experiment, each settling one or more claims.

Adding an experiment is one module here (see base.py for its contract) named in
MODULES. Together the modules settle every claim in claims.CLAIMS exactly once.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from pylab.errors import unknown_name

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
)


def get(name: str) -> ModuleType:
    if name not in MODULES:
        raise unknown_name("experiment", name, MODULES)
    return importlib.import_module(f"pylab.experiments.{name}")
