"""`python -m pylab info`: the machine and the build that results would record."""

from __future__ import annotations

import argparse
import json

from pylab.cli.common import version_text
from pylab.host.machine import machine_info
from pylab.host.pools import pin_thread_pools
from pylab.kernels.build import build_info
from pylab.results import flatten


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("info", help="show the machine and build", description=__doc__)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    info = {"machine": machine_info(), "build": build_info(), "pinning": pin_thread_pools()}
    if args.json:
        print(json.dumps(info, indent=1))
        return 0
    print(version_text())
    for key, value in flatten(info):
        print(f"{key:<36} {value}")
    return 0
