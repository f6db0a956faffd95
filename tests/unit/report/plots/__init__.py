"""The experiment plots' tests, and the files they draw from: a tiny run (format 1), the
committed default run of 2026-11-25, and a file with no experiment at all."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests import DATA, REFERENCE

FIXTURE = DATA / "full_small.json"
DEFAULT = REFERENCE / "20261125T032033Z-vm.json"
SCALING_ONLY = DATA / "scaling_only.json"


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())
