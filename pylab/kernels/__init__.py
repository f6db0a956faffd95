"""The registry of kernel families: `get(name)` returns a `Kernel`.

Adding a kernel is one ext/<name>.pyx plus one module here named in FAMILIES.
"""

from __future__ import annotations

import importlib

from pylab.base.errors import unknown_name
from pylab.kernels.base import Kernel

FAMILIES = ("compute", "stream", "amdahl", "objects", "io", "faults")

__all__ = ["FAMILIES", "Kernel", "get", "names"]


def names() -> tuple[str, ...]:
    return FAMILIES


def measured_names() -> tuple[str, ...]:
    """The families that measure something (not the harness's own test faults)."""
    return tuple(n for n in FAMILIES if not get(n).harness_test)


def get(name: str) -> Kernel:
    """The kernel family `name`; an unknown name is a user error with a suggestion."""
    if name not in FAMILIES:
        raise unknown_name("kernel", name, FAMILIES)
    return importlib.import_module(f"pylab.kernels.{name}").KERNEL
