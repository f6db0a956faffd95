"""A made-up atlas results document: two rows (one measured, one crashed) and a module,
for the schema, report and compare tests."""

from __future__ import annotations

from pylab.results.schema import atlas_header, atlas_row, module_row

ENTRY = {"library": "zlib", "name": "crc32", "call": "zlib.crc32(data)", "setup": "pass",
         "sizes": [1024, 8192], "documented": {"claim": "c", "source": "s", "release_size": 5121}}
IV = {"median": 1.5, "low": 1.4, "high": 1.6}
POINT = {"size": 1024, "gil_share": {"median": 0.2, "low": 0.1, "high": 0.3}, "thread_speedup": IV}
PROBE = {"workers": [2], "thread_speedup": {"2": IV}, "process_speedup": {"2": IV},
         "gil_share": POINT["gil_share"], "recommendation": "either", "reason": "r"}


def made_up() -> dict:
    results = atlas_header(pylab_version="0", command=["pylab", "atlas"], preset="quick",
                           settings={"workers": 2, "release_share": 0.5}, machine={"hostname": "h"},
                           pythons={"3.11.7": {}}, started="2026-12-06T00:00:00")  # fmt: skip
    measured = {"probe": PROBE, "release": {"size": 1024, "bracket": [None, 1024]},
                "payoff": {"size": None, "reason": "r"}, "comparison": "x", "error": None}
    crashed = {"probe": None, "release": None, "payoff": None, "comparison": None,
               "error": "killed by SIGSEGV"}
    results["atlas"] += [
        atlas_row(ENTRY, "3.11.7", sweep=[POINT], skipped=None, elapsed_s=1.0, **measured),
        atlas_row({**ENTRY, "name": "adler32"}, "3.11.7", sweep=[POINT], skipped=None,
                  elapsed_s=1.0, **crashed),
    ]  # fmt: skip
    found = {"gil_enabled_after_import": False, "subinterpreters": {"loads": True}}
    results["modules"].append(module_row("zlib", "3.13.5t", ["zlib"], found, None))
    return results
