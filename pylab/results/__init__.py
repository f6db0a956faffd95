"""The results file: one JSON document per run, a CSV of its cells beside it.

pylab.results.schema owns the format (its records, their checks, its history);
pylab.results.files writes and reads files; pylab.results.upgrade reads older
versions as the current one; pylab.results.views shows a file of several
interpreters one interpreter at a time.
"""

from pylab.results.files import (
    atomic_write,
    default_path,
    flatten,
    free_path,
    load,
    save,
    to_csv,
    utc_now,
)
from pylab.results.schema import (
    ATLAS_FORMAT,
    FORMAT,
    FORMAT_VERSION,
    claim_record,
    experiment_record,
    failed_cell,
    header,
    measured_cell,
    python_record,
    verdicts_record,
)
from pylab.results.views import python_id, view, views

__all__ = [
    "ATLAS_FORMAT",
    "FORMAT",
    "FORMAT_VERSION",
    "atomic_write",
    "claim_record",
    "default_path",
    "experiment_record",
    "failed_cell",
    "flatten",
    "free_path",
    "header",
    "load",
    "measured_cell",
    "python_id",
    "python_record",
    "save",
    "to_csv",
    "utc_now",
    "verdicts_record",
    "view",
    "views",
]
