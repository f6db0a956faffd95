"""The identity experiment (C01): its rule on made-up pids and thread ids, the figures in
its reason, and the session's tiny run."""

from __future__ import annotations

import json

from pylab.experiments import identity

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


def test_identity_reason_counts_what_the_workers_reported() -> None:
    reason = _one(identity.judge(_identity_data(3)), identity).reason
    assert "3 thread workers: 1 pid (the parent's), 3 thread ids" in reason
    assert "under fork, forkserver, spawn: 3 distinct pids each" in reason


# --- the session's tiny claims run (conftest.claims_run): as a run measured it


def test_tiny_run_gives_one_verdict_per_claim(claims_run) -> None:
    data = claims_run.data("identity")
    assert {"workers", "start_methods", "threads", "processes"} <= set(data)
    verdicts = identity.judge(data)
    assert [v.claim for v in verdicts] == list(identity.CLAIMS)
    for verdict in verdicts:
        assert verdict.reason and "\n" not in verdict.reason
        json.dumps(verdict.as_dict())
    # the run stored what the rule says of the data it stored
    assert {v.claim: (v.verdict, v.reason) for v in verdicts} == claims_run.claims(identity)
