"""The api experiment (C08): its rule by parity on made-up name sets, the figures in its
reason, and what the session's tiny run found in the real classes."""

from __future__ import annotations

import json

import pytest

from pylab.experiments import api


def _one(verdicts: list, module) -> object:
    assert [v.claim for v in verdicts] == list(module.CLAIMS)
    return verdicts[0]


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


def test_api_reason_gives_each_share_and_the_bounds() -> None:
    reason = _one(api.judge(_api_data((7, 1, 2), (9, 0, 1))), api).reason
    assert "share 7 of 10 names (70%)" in reason and "share 9 of 10 names (90%)" in reason
    assert reason.endswith("the lower share 70%: mirrors from 80%, two APIs below 50%")


# --- the session's tiny claims run (conftest.claims_run): as a run measured it


def test_api_leaves_out_deprecated_thread_aliases(claims_run) -> None:
    data = claims_run.data("api")
    workers = data["pairs"]["workers"]
    names = {n for side in workers["members"].values() for n in side}
    assert not names & set(api.DEPRECATED_ALIASES)
    assert {"start", "join", "is_alive"} <= set(workers["members"]["shared"])
    assert "terminate" in workers["members"]["only_process"]
    assert "mp_context" in data["pairs"]["executors"]["init_params"]["only_process"]


def test_tiny_run_gives_one_verdict_per_claim(claims_run) -> None:
    data = claims_run.data("api")
    assert {"pairs", "excluded_deprecated"} <= set(data)
    verdicts = api.judge(data)
    assert [v.claim for v in verdicts] == list(api.CLAIMS)
    for verdict in verdicts:
        assert verdict.reason and "\n" not in verdict.reason
        json.dumps(verdict.as_dict())
    # the run stored what the rule says of the data it stored
    assert {v.claim: (v.verdict, v.reason) for v in verdicts} == claims_run.claims(api)
