"""The results file: one JSON document per run, a CSV of its cells beside it.

pylab.results.schema owns the format (its records, their checks, its history);
pylab.results.files writes and reads files; pylab.results.upgrade reads older
versions as the current one.
"""

from pylab.results.files import default_path, flatten, load, save, to_csv, utc_now
from pylab.results.schema import (
    FORMAT,
    FORMAT_VERSION,
    claim_record,
    experiment_record,
    failed_cell,
    header,
    measured_cell,
    verdicts_record,
)

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "claim_record",
    "default_path",
    "experiment_record",
    "failed_cell",
    "flatten",
    "header",
    "load",
    "measured_cell",
    "save",
    "to_csv",
    "utc_now",
    "verdicts_record",
]
