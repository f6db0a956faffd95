"""faults: variants that crash, raise, hang or lie, for testing the harness only.

Never in a preset: select it by name (`--kernels faults`). With `when=parallel`
only the parts of an input split for two or more workers misbehave, so the
serial baseline of a cell runs and the fault happens in a pool thread or a pool
process; with `when=always` (the default) the serial run fails first, in the
cell's own process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pylab.base.errors import UserError
from pylab.kernels.base import Kernel, ext

_ext = ext("faults")  # in a subinterpreter, its own-GIL twin

WHEN = ("always", "parallel")


@dataclass(frozen=True)
class Fault:
    when: str
    part: bool = False  # one of two or more parts, run by a pool worker


def validate(params: Mapping[str, Any]) -> None:
    when = params.get("when")
    if when not in WHEN:
        raise UserError(f"faults: when must be {' or '.join(WHEN)}, got {when!r}")


def make_input(size: int, when: str = "always") -> Fault:
    validate({"when": when})
    return Fault(when)


def split(fault: Fault, n: int) -> list[Fault]:
    # The serial baseline runs its input as one part; only a real split is "parallel".
    return [Fault(fault.when, part=n > 1) for _ in range(n)]


def _deliberately_raise() -> None:
    raise RuntimeError("faults/raise: a deliberate exception")


def _wrong_answer() -> int:
    return 1  # the reference is 0: the cell must fail, never look fast


def _misbehaving(act: Callable[[], Any]) -> Callable[[Fault], Any]:
    def run(fault: Fault) -> Any:
        return act() if fault.when == "always" or fault.part else 0

    return run


KERNEL = Kernel(
    name="faults",
    summary="for testing the harness only: segfault, abort, raise, hang (GIL held or not), wrong",
    unit="calls",
    variants={
        "segfault": _misbehaving(_ext.segfault),
        "abort": _misbehaving(_ext.abort_process),
        "raise": _misbehaving(_deliberately_raise),
        "hang_gil": _misbehaving(_ext.hang_gil),
        "hang_nogil": _misbehaving(_ext.hang_nogil),
        "wrong": _misbehaving(_wrong_answer),
    },
    make_input=make_input,
    reference=lambda fault: 0,
    split=split,
    params={"when": "always"},
    fixed_size=1,
    validate=validate,
    harness_test=True,
)
