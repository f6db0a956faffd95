"""`python -m pylab --help` loads none of the heavy dependencies: every command module is
imported to register its options, so one top-level import of a room that loads numpy,
matplotlib or psutil would slow every command, a usage error included."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("numpy", "matplotlib", "psutil", "distributed")


def test_help_imports_no_heavy_dependency(tmp_path) -> None:
    code = (
        "import sys\n"
        "from pylab.cli.main import build_parser\n"
        "build_parser()\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
