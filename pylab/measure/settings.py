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
    max_time_s: float = 2.5  # ... or a cell's pairs have taken this long
    min_time_s: float = 0.08  # the serial run of every cell lasts at least this long: short runs
    # give more pairs in the same time, and on a noisy VM many pairs narrow an interval more
    # than long runs do
    retake_share: float = 0.15  # cells still disturbed at the end of their time are retaken
    # later in the run, within this share of the time the cells took (pylab.runner.lab)
    timeout_s: float = 300.0  # a cell (or a calibration) running longer is stopped and failed
    level: str = "default"  # how much the claim experiments measure (experiments.base.LEVELS)
