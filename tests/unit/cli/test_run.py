"""`pylab run`'s command (pylab.cli.run): the options each machine of a fleet is given."""

from __future__ import annotations

from pylab.cli.main import build_parser
from pylab.cli.run import lab_args


def test_lab_args_give_each_machine_the_same_run(tiny_args) -> None:
    lab = tiny_args("--kernels", "compute", "--variants", "nogil", "--executors", "serial,threads",
                    "--no-report", quiet=False)  # fmt: skip
    given = ["run", *lab, "--param", "gil_share=0.3", "--timeout", "5", "--out", "x"]
    opts = build_parser().parse_args(given)
    again = build_parser().parse_args(["run", *lab_args(opts), "--no-report"])
    assert {k: v for k, v in vars(again).items() if k != "out"} == {
        k: v for k, v in vars(opts).items() if k != "out"
    }
