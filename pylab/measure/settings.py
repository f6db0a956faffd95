"""How a run measures: the settings a results file records, and their defaults (the
presets start from these and change only what they name)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_OUT = Path("results")  # where runs are written, and `report` looks, by default


@dataclass(frozen=True)
class Settings:
    repeats: int = 6  # timed pairs per cell at least (pylab.measure.sampling takes more as needed)
    warmups: int = 1  # pairs run and dropped before them
    precision: float = 0.10  # pairs are taken until the speed-up interval is this narrow
    max_time_s: float = 5.0  # ... or a cell's pairs have taken this long. A cell that gets
    # precise stops early, so this costs time only where the machine is noisy: a quiet 2-core
    # Intel guest stopped every cell at 6 pairs; on the busy EPYC guest, 2.5 s left 277 of 478
    # cells stopped on time with a median of 9 pairs and median widths of 9-13% (2026-12-06)
    min_time_s: float = 0.08  # the serial run of every cell lasts at least this long: short runs
    # give more pairs in the same time, and on a noisy VM many pairs narrow an interval more
    # than long runs do
    retake_share: float = 0.15  # cells still disturbed at the end of their time are retaken
    # later in the run, within this share of the time the cells took (pylab.runner.lab)
    timeout_s: float = 300.0  # a cell (or a calibration) running longer is stopped and failed
    level: str = "default"  # how much the claim experiments measure (experiments.base.LEVELS)
