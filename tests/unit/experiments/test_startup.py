"""Experiments identity (C01), api (C08), startup (C03): rules on made-up data, one real run."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest

from pylab.experiments import api, identity, startup

# --- identity (C01)

PARENT = 100


def _identity_data(workers: int = 2) -> dict:
    def seen(pids: list[int], tids: list[int]) -> dict:
        return {
            "pids": pids,
            "thread_ids": tids,
            "distinct_pids": len(set(pids)),
            "distinct_thread_ids": len(set(tids)),
            "parent_pid_seen": PARENT in pids,
            "gil_enabled": [True] * len(pids),
        }

    methods = ["fork", "forkserver", "spawn"]
    return {
        "workers": workers,
        "parent_pid": PARENT,
        "start_methods": methods,
        "threads": seen([PARENT] * workers, [200 + i for i in range(workers)]),
        "processes": {
            m: seen(
                [300 + 10 * k + i for i in range(workers)],
                [300 + 10 * k + i for i in range(workers)],
            )
            for k, m in enumerate(methods)
        },
    }


def _one(verdicts: list, module) -> object:
    assert [v.claim for v in verdicts] == list(module.CLAIMS)
    return verdicts[0]


def test_identity_holds_for_one_pid_of_threads_and_distinct_pids_of_processes() -> None:
    verdict = _one(identity.judge(_identity_data(4)), identity)
    assert verdict.verdict == "holds"
    assert "4 distinct pids" in verdict.reason


def test_identity_fails_when_threads_report_another_pid() -> None:
    data = _identity_data()
    data["threads"].update(pids=[PARENT, 999], distinct_pids=2)
    assert _one(identity.judge(data), identity).verdict == "fails"


def test_identity_fails_when_threads_share_a_thread_id() -> None:
    data = _identity_data()
    data["threads"].update(thread_ids=[200, 200], distinct_thread_ids=1)
    verdict = _one(identity.judge(data), identity)
    assert verdict.verdict == "fails"
    assert "1 thread id" in verdict.reason


def test_identity_fails_when_a_process_worker_is_the_parent() -> None:
    data = _identity_data()
    data["processes"]["spawn"].update(pids=[PARENT, 301], parent_pid_seen=True)
    verdict = _one(identity.judge(data), identity)
    assert verdict.verdict == "fails"
    assert "spawn" in verdict.reason


def test_identity_fails_when_process_workers_share_a_pid() -> None:
    data = _identity_data()
    data["processes"]["fork"].update(pids=[300, 300], distinct_pids=1)
    verdict = _one(identity.judge(data), identity)
    assert verdict.verdict == "fails"
    assert "fork" in verdict.reason


# --- api (C08)


def _pair(label: str, shared: int, only_thread: int, only_process: int) -> dict:
    members = {
        "shared": [f"s{i}" for i in range(shared)],
        "only_thread": [f"t{i}" for i in range(only_thread)],
        "only_process": [f"p{i}" for i in range(only_process)],
    }
    union = shared + only_thread + only_process
    return {
        "label": label,
        "members": members,
        "init_params": {"shared": [], "only_thread": [], "only_process": []},
        "shared": shared,
        "union": union,
        "parity": shared / union,
    }


def _api_data(workers: tuple[int, int, int], executors: tuple[int, int, int]) -> dict:
    return {
        "python": "3.11",
        "pairs": {
            "workers": _pair("Thread/Process", *workers),
            "executors": _pair("ThreadPoolExecutor/ProcessPoolExecutor", *executors),
        },
        "excluded_deprecated": {"threading.Thread": ["getName"]},
    }


@pytest.mark.parametrize(
    ("workers", "executors", "expected"),
    [
        ((9, 1, 0), (8, 0, 2), "holds"),  # 0.9 and 0.8 (at the threshold)
        ((7, 1, 2), (9, 0, 1), "partly"),  # 0.7 is under HOLDS_PARITY
        ((5, 2, 3), (9, 0, 1), "partly"),  # 0.5 is not under FAILS_PARITY
        ((4, 2, 4), (9, 0, 1), "fails"),  # 0.4
        ((9, 1, 0), (2, 1, 2), "fails"),  # either pair below fails it
    ],
)
def test_api_rule_by_parity(workers: tuple, executors: tuple, expected: str) -> None:
    verdict = _one(api.judge(_api_data(workers, executors)), api)
    assert verdict.verdict == expected


def test_api_reason_names_what_each_side_adds() -> None:
    reason = _one(api.judge(_api_data((7, 1, 2), (9, 0, 1))), api).reason
    assert "Process adds p0, p1" in reason
    assert "Thread adds t0" in reason
    assert "getName" in reason


def test_api_leaves_out_deprecated_thread_aliases(claims_run) -> None:
    data = claims_run.data("api")
    workers = data["pairs"]["workers"]
    names = {n for side in workers["members"].values() for n in side}
    assert not names & set(api.DEPRECATED_ALIASES)
    assert {"start", "join", "is_alive"} <= set(workers["members"]["shared"])
    assert "terminate" in workers["members"]["only_process"]
    assert "mp_context" in data["pairs"]["executors"]["init_params"]["only_process"]


# --- startup (C03)


def _interval(median: float, spread: float = 0.1) -> dict:
    return {
        "median": median,
        "low": median * (1 - spread),
        "high": median * (1 + spread),
        "confidence": 0.95,
    }


def _startup_data(
    thread: float, fork: float, forkserver: float = 0.036, spawn: float = 0.075
) -> dict:
    medians = {"thread": thread, "fork": fork, "forkserver": forkserver, "spawn": spawn}
    section = {kind: _interval(m) for kind, m in medians.items()}
    return {
        "pool_workers": 2,
        "start_methods": ["fork", "forkserver", "spawn"],
        "repeats": {"thread": 20, "fork": 20, "forkserver": 5, "spawn": 5},
        "clock": "clock_gettime(CLOCK_MONOTONIC)",
        "start_join": section,
        "first_instruction": copy.deepcopy(section),
        "pool": copy.deepcopy(section),
        "forkserver_first": {"start_join_s": 0.08, "server_already_running": False},
        "child_imports": {},
        "published": startup.PUBLISHED["C03"],
    }


def test_startup_holds_when_a_thread_starts_clearly_faster() -> None:
    verdict = _one(startup.judge(_startup_data(190e-6, 3.7e-3)), startup)
    assert verdict.verdict == "holds"
    assert "fork 3.7 ms" in verdict.reason
    assert "19.5x faster" in verdict.reason
    assert "first start 80 ms" in verdict.reason
    assert "PEP 703" in verdict.reason


def test_startup_partly_when_faster_but_intervals_overlap() -> None:
    verdict = _one(startup.judge(_startup_data(1.0e-3, 1.1e-3)), startup)
    assert verdict.verdict == "partly"


def test_startup_fails_when_a_process_starts_as_fast_as_a_thread() -> None:
    verdict = _one(startup.judge(_startup_data(2.0e-3, 1.0e-3)), startup)
    assert verdict.verdict == "fails"
    assert "slower than fork" in verdict.reason


def test_startup_judges_without_forkserver() -> None:
    data = _startup_data(190e-6, 3.7e-3)
    data["start_methods"] = ["fork", "spawn"]
    data["forkserver_first"] = {}
    for name in ("start_join", "first_instruction", "pool"):
        del data[name]["forkserver"]
    verdict = _one(startup.judge(data), startup)
    assert verdict.verdict == "holds"
    assert "forkserver" not in verdict.reason


def test_startup_module_imports_only_stdlib_and_pylab() -> None:
    # Spawned children import the module to find their target: it must stay light.
    code = (
        "import json, sys; import pylab.experiments.startup; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout)) - set(sys.stdlib_module_names)
    outside = sorted(m for m in loaded if not m.startswith("_"))  # _distutils_hack, finders
    assert outside == ["pylab"]


# --- The session's tiny claims run (conftest.claims_run): each as the run measured it.


@pytest.mark.parametrize(
    ("module", "keys"),
    [
        (identity, ("workers", "start_methods", "threads", "processes")),
        (api, ("pairs", "excluded_deprecated")),
        (startup, ("start_methods", "start_join", "first_instruction", "pool", "forkserver_first")),
    ],
)
def test_tiny_run_gives_one_verdict_per_claim(claims_run, module, keys: tuple[str, ...]) -> None:
    data = claims_run.data(module.NAME)
    assert set(keys) <= set(data)
    verdicts = module.judge(data)
    assert [v.claim for v in verdicts] == list(module.CLAIMS)
    for verdict in verdicts:
        assert verdict.reason and "\n" not in verdict.reason
        json.dumps(verdict.as_dict())
    # the run stored what the rule says of the data it stored
    assert {v.claim: (v.verdict, v.reason) for v in verdicts} == claims_run.claims(module)


# --- every reason carries the figures its rule compared


def test_identity_reason_counts_what_the_workers_reported() -> None:
    reason = _one(identity.judge(_identity_data(3)), identity).reason
    assert "3 thread workers: 1 pid (the parent's), 3 thread ids" in reason
    assert "under fork, forkserver, spawn: 3 distinct pids each" in reason


def test_api_reason_gives_each_share_and_the_bounds() -> None:
    reason = _one(api.judge(_api_data((7, 1, 2), (9, 0, 1))), api).reason
    assert "share 7 of 10 names (70%)" in reason and "share 9 of 10 names (90%)" in reason
    assert reason.endswith("the lower share 70%: mirrors from 80%, two APIs below 50%")


def test_startup_reason_gives_the_intervals_the_rule_compared() -> None:
    held = _one(startup.judge(_startup_data(190e-6, 3.7e-3)), startup).reason
    assert "thread start+join 190 us [171 us-209 us]" in held
    assert "wholly below every process's (the lowest, fork, from 3.33 ms)" in held
    partly = _one(startup.judge(_startup_data(1.0e-3, 1.1e-3)), startup).reason
    assert "1.1x faster" in partly
    assert "but the intervals overlap: fork 1.1 ms [990 us-1.21 ms]" in partly
    assert "forkserver 36 ms [" not in partly  # clear of the thread's: not named
