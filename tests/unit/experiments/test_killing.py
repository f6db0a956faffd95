"""The killing experiment (C07, C18): its rules on made-up stop times on both sides of
every threshold, the figures in its reasons, and the session's tiny run."""

from __future__ import annotations

import json
import signal

import pytest

from pylab.experiments import killing
from pylab.experiments.base import LEVELS

MS = 1e-3


def _interval(value: float) -> dict[str, float]:
    return {"median": value, "low": value, "high": value, "confidence": 0.75}


def _case(method: str, kernel: str, how: str, seconds: float, stopped: int = 5) -> dict:
    return {
        "start_method": method,
        "kernel": kernel,
        "how": how,
        "seconds": _interval(seconds),
        "max_s": seconds,
        "exit_codes": [-9] * stopped + [None] * (5 - stopped),
        "stopped": stopped,
        "repeats": 5,
    }


def _sigint_kernel(call_s: float, left_s: float, late_s: float) -> dict:
    return {
        "call_s": call_s,
        "lateness_s": _interval(late_s),
        "call_left_s": _interval(left_s),
        "share_of_left": late_s / left_s,
        "trials": [],
    }


CHUNK_S = 3 * MS  # the flag's chunk as a run measured it, on a CPU slower than ours


FLAG_BOUND_S = killing.FLAG_BOUND_CHUNKS * CHUNK_S


def test_c18_flag_bound_follows_the_measured_chunk():
    # the same flag time judged against a chunk three times shorter: not prompt any more
    data = _killing(flag_s=FLAG_BOUND_S * 0.9)
    assert _verdicts(data)["C18"] == "partly"
    data["flag_stop"]["chunk_s"] = CHUNK_S / 3
    assert _verdicts(data)["C18"] == "holds"
    assert killing.judge(data)[1].data["flag_bound_s"] == pytest.approx(FLAG_BOUND_S / 3)


def _killing(
    slow: float = 1 * MS,
    stopped: int = 5,
    thread_kill: tuple[str, ...] = (),
    gil_late: float = 0.2,
    nogil_late: float = 0.2,
    flag_s: float = 1 * MS,
) -> dict:
    cases = [
        _case(m, k, h, 1 * MS)
        for m in ("fork", "spawn")
        for k in killing.KERNELS
        for h in ("terminate", "kill")
    ]
    cases[-1] = _case("spawn", "nogil", "kill", slow, stopped)
    return {
        "processes": {"start_methods": ["fork", "spawn"], "cases": cases},
        "kill_api": {"thread": list(thread_kill), "process": ["kill", "terminate"]},
        "flag_stop": {"seconds": _interval(flag_s), "max_s": flag_s, "chunk_s": CHUNK_S},
        "sigint": {
            "kernels": {
                "gil": _sigint_kernel(0.3, 0.2, gil_late),
                "nogil": _sigint_kernel(0.3, 0.2, nogil_late),
            }
        },
    }


def _verdicts(data: dict) -> dict[str, str]:
    verdicts = killing.judge(data)
    assert [v.claim for v in verdicts] == list(killing.CLAIMS)
    assert all("\n" not in v.reason for v in verdicts)
    return {v.claim: v.verdict for v in verdicts}


def test_c07_holds_within_the_bound_and_fails_past_it():
    assert _verdicts(_killing(slow=killing.KILL_BOUND_S * 0.9))["C07"] == "holds"
    assert _verdicts(_killing(slow=killing.KILL_BOUND_S * 1.1))["C07"] == "fails"


def test_c07_fails_when_a_worker_survives():
    assert _verdicts(_killing(stopped=4))["C07"] == "fails"


def test_c18_fails_when_threads_have_a_kill_method():
    assert _verdicts(_killing(thread_kill=("kill",)))["C18"] == "fails"


def test_c18_partly_when_ctrl_c_does_not_wait_for_the_call():
    prompt = 0.2 * killing.WAIT_SHARE * 0.9  # 0.2 s of the call was left
    slow_flag = FLAG_BOUND_S * 2  # this branch does not need the flag
    assert _verdicts(_killing(nogil_late=prompt, flag_s=slow_flag))["C18"] == "partly"
    waits = 0.2 * killing.WAIT_SHARE * 1.1
    assert _verdicts(_killing(nogil_late=waits, flag_s=slow_flag))["C18"] == "holds"


def test_c18_cooperative_flag_outranks_holds():
    fast = FLAG_BOUND_S * 0.9
    slow = FLAG_BOUND_S * 1.1
    data = _killing(flag_s=fast)
    assert _verdicts(data)["C18"] == "partly"
    assert "cooperatively" in killing.judge(data)[1].reason
    assert _verdicts(_killing(flag_s=slow))["C18"] == "holds"


def test_c07_reason_gives_the_times_and_the_bound():
    held = killing.judge(_killing(slow=0.15))[0].reason
    assert "kill 1 ms in a GIL-holding loop" in held
    assert held.endswith(
        "slowest 150 ms, kill of a GIL-releasing loop (spawn), within the 200 ms bound"
    )
    failed = killing.judge(_killing(slow=0.3))[0].reason
    assert failed == "kill of a GIL-releasing loop (spawn) took 300 ms > 200 ms"


@pytest.mark.parametrize(
    ("case", "tail"),
    [
        (dict(flag_s=2 * MS), "a stop flag acts in 2 ms, bound 30 ms (10 chunks): threads stop "
         "only cooperatively"),
        (dict(flag_s=0.06), "a stop flag acts in 60 ms, bound 30 ms (10 chunks): not even a "
         "flag stops a thread promptly"),
        (dict(nogil_late=0.01, flag_s=0.06), "Ctrl-C interrupts a GIL-releasing call"),
    ],
)  # fmt: skip
def test_c18_reason_gives_the_shares_and_bounds_the_rule_read(case: dict, tail: str):
    reason = killing.judge(_killing(gil_late=0.19, **case))[1].reason
    assert "190 ms late in a 300 ms GIL-holding call (200 ms left, 95%)" in reason
    assert "it waits when late by 25% of the call left or more" in reason
    assert reason.endswith(tail), reason


def test_kill_api_is_computed_from_the_classes():
    api = killing.kill_api()
    assert {"kill", "terminate"} <= set(api["process"])
    assert not {"kill", "terminate"} & set(api["thread"])


# --- the session's tiny claims run (conftest.claims_run): as a run measured it


def test_tiny_run_gives_one_verdict_per_claim(claims_run) -> None:
    verdicts = killing.judge(claims_run.data("killing"))
    assert [v.claim for v in verdicts] == list(killing.CLAIMS)
    assert all(v.reason and "\n" not in v.reason for v in verdicts)
    # the run stored what the rules say of the data it stored
    assert {v.claim: (v.verdict, v.reason) for v in verdicts} == claims_run.claims(killing)
    json.dumps([v.as_dict() for v in verdicts])


def test_a_tiny_run_in_this_process_restores_sigint() -> None:
    # Measured here, not read from the claims run: there each experiment runs in a child
    # (SIGINT ignored, then killed), so a handler it failed to restore goes unseen.
    sigint = signal.getsignal(signal.SIGINT)
    data = killing.measure(LEVELS["tiny"], [])
    assert signal.getsignal(signal.SIGINT) == sigint  # restored
    json.dumps(data)
