"""The committed reference runs regenerate their report.md byte for byte.

A report is built from what the results file stores, so the same file must give the same
page: a refactor that changes a sentence, a number's spelling or drops a section (a plot
that fails is left out of the page) shows here. Three runs cover the formats: format 1
read through the upgrade (2026-11-25), one interpreter with the interference accounting
(2026-12-03), and the Dask preset (2026-12-04). Where the report changes on purpose,
regenerate the committed pages with `python -m pylab report` and commit them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pylab.report import write_report
from tests import REFERENCE

RUNS = ("20261125T032033Z-vm", "20261203T165245Z-vm", "20261204T192915Z-vm")


@pytest.mark.parametrize("stem", RUNS)
def test_reference_report_regenerates_byte_for_byte(stem: str, tmp_path: Path) -> None:
    for suffix in (".json", ".csv"):
        shutil.copy(REFERENCE / f"{stem}{suffix}", tmp_path)
    html = write_report(tmp_path / f"{stem}.json")
    written = (html.parent / "report.md").read_text(encoding="utf-8")
    committed = (REFERENCE / stem / "report.md").read_text(encoding="utf-8")
    assert written == committed
