"""The probe's recommendation (pylab.probing.recommend): its rules on made-up probe data."""

from __future__ import annotations

import pytest

from pylab.probing.recommend import beyond_ideal, memory_bound, recommend, unsettled
from tests.unit.probing.made_up import FIGURES, MEMORY, _data, _probed


@pytest.mark.parametrize(
    ("t", "p", "expected"),
    [
        (1.9, 1.9, "either"),
        (1.9, 1.2, "threads"),
        (1.0, 1.9, "processes"),
        (1.2, 1.0, "threads"),  # gains, short of scaling
        (0.6, 0.9, "neither"),
    ],
)
def test_recommendation_rules(t: float, p: float, expected: str) -> None:
    recommendation, reason = recommend(_data(t, p))
    assert recommendation == expected
    assert f"threads {t:.2f}x" in reason and "\n" not in reason


def test_noise_never_rules_out_the_cheaper_option() -> None:
    data = _data(1.3, 1.9, share=0.0)
    data["thread_speedup"]["2"]["high"] = 1.5  # threads' interval reaches the mark (1.4)
    recommendation, reason = recommend(data)
    assert recommendation == "either" and "uncertain" in reason


def test_gains_the_same_within_the_noise_recommend_either_threads_the_cheaper() -> None:
    data = _data(1.28, 1.30, share=0.01)  # a memory-bound call, as a quiet probe read it
    data["thread_speedup"]["2"] |= {"low": 1.22, "high": 1.37}
    data["process_speedup"]["2"] |= {"low": 1.26, "high": 1.34}
    recommendation, reason = recommend(data)
    assert recommendation == "either" and "the same within their intervals" in reason
    data["thread_speedup"]["2"] |= {"median": 1.21, "low": 1.18, "high": 1.24}  # apart
    assert recommend(data)[0] == "processes"


def test_a_busy_machine_makes_the_recommendation_uncertain_and_is_named() -> None:
    quiet = _data(0.6, 0.9)
    assert "busy" not in recommend(quiet | {"background_cores": 0.05})[1]
    recommendation, reason = recommend(quiet | {"background_cores": 1.4})
    assert recommendation == "neither" and reason.startswith("uncertain: the machine was busy")
    assert "1.40 cores of other work" in reason and "dispatch" not in reason


def test_cores_short_with_no_load_make_it_uncertain_like_a_load() -> None:
    """Both checks of the cores short (pylab.measure.capacity): the speed-ups may measure
    a missing core, so the GIL share decides where clear, and the reason says why."""
    short = {"workers": 2, "before": 1.62, "after": 1.9, "slack": 1.25, "short": True}
    data = _data(0.96, 0.98, share=0.01) | {"background_cores": 0.0}
    assert recommend(data)[0] == "neither"
    recommendation, reason = recommend(data | {"capacity": short})
    assert recommendation == "either"  # no GIL holds threads or processes back
    assert reason.startswith("uncertain: the machine was short of cores (2 threads ran a C "
                             "loop 1.62x or more slower together than alone")  # fmt: skip
    fine = short | {"after": 1.1, "short": False}
    assert recommend(data | {"capacity": fine}) == recommend(data)
    assert not memory_bound(_probed((1.28, 1.22, 1.37), (1.30, 1.26, 1.34)) | {"capacity": short})


@pytest.mark.parametrize(
    ("case", "expected", "named", "figures"),
    [
        # low GIL share, threads busy, both short and alike: memory, the cheaper threads
        (_probed((1.28, 1.22, 1.37), (1.30, 1.26, 1.34)), "threads", True,
         ["2 threads are busy (1.96 CPU per wall) yet gain 1.28x [1.22-1.37]",
          "under the 1.40x that scaling needs", "gain 1.30x [1.26-1.34]", "(1.45x one thread's)"]),
        # processes reach the mark by their median, but within the threads' noise
        (_probed((1.30, 1.21, 1.38), (1.42, 1.33, 1.50)), "either", True,
         ["gain 1.30x [1.21-1.38]",
          "gain 1.42x [1.33-1.50], reaching the mark but within the threads' noise"]),
        # neither gains: memory, not dispatch
        (_probed((1.04, 0.98, 1.08), (1.03, 0.97, 1.07)), "neither", True,
         ["gain 1.04x [0.98-1.08]", "gain 1.03x [0.97-1.07]"]),
        # without processes: threads gain, memory named
        (_probed((1.28, 1.22, 1.37), None), "threads", True, ["not measured: cannot pickle"]),
        # processes clearly ahead: the cap is inside the process, not the memory bus
        (_probed((1.20, 1.15, 1.25), (1.90, 1.85, 1.95)), "processes", False,
         ["only processes scale at W=2: threads 1.20x, processes 1.90x"]),
        # threads not busy: they wait, on a lock or the machine; no shared bus to name
        (_probed((1.28, 1.22, 1.37), (1.30, 1.26, 1.34), busy=1.1), "either", False,
         ["the same within their intervals"]),
        # the GIL explains the shortfall: no memory rule
        (_probed((1.05, 1.0, 1.1), (1.9, 1.85, 1.95), share=0.95), "processes", False,
         ["it holds the GIL 95% of its run time"]),
        # overlapping intervals, neither scales, not memory-bound: either, threads cheaper
        (_probed((1.2, 1.1, 1.3), (1.25, 1.15, 1.35), busy=1.0), "either", False,
         ["the same within their intervals"]),
        # a busy machine: uncertain, the load named, never memory
        (_probed((1.28, 1.22, 1.37), (1.30, 1.26, 1.34), load=1.2), "either", False,
         ["uncertain: the machine was busy, 1.20 cores of other work"]),
    ],
)  # fmt: skip
def test_recommendation_table(case: dict, expected: str, named: bool, figures: list) -> None:
    recommendation, reason = recommend(case)
    assert recommendation == expected, reason
    assert (MEMORY in reason) is named and (FIGURES in reason) is named, reason
    assert "dispatch" not in reason or not named
    for figure in figures:
        assert figure in reason, reason


def test_memory_bound_needs_busy_threads_a_low_share_and_a_clear_shortfall() -> None:
    assert memory_bound(_probed((1.28, 1.22, 1.37), (1.30, 1.26, 1.34)))
    assert not memory_bound(_probed((1.28, 1.22, 1.37), (1.30, 1.26, 1.34), busy=1.3))
    assert not memory_bound(_probed((1.35, 1.25, 1.45), (1.30, 1.26, 1.34)))  # may scale
    assert not memory_bound(_probed((1.28, 1.22, 1.37), (1.30, 1.26, 1.34), share=0.6))
    assert not memory_bound(_probed((1.28, 1.22, 1.37), (1.30, 1.26, 1.34), load=0.5))
    assert not memory_bound(_data(1.28, 1.30, share=0.01))  # no threads' CPU measured


@pytest.mark.parametrize(
    ("share", "expected"), [(0.97, "processes"), (0.03, "either"), (0.5, "processes")]
)
def test_on_a_busy_machine_a_clear_gil_share_decides(share: float, expected: str) -> None:
    """Beside a load, threads 1.11x and processes 1.32x say little; a GIL share of 97%
    says threads cannot gain, one of 3% that they would scale. 50% (Amdahl 1.33x, between
    a partial gain and scaling) is no clearer: the measured rule stands, marked uncertain."""
    data = _data(1.11, 1.32, share) | {"background_cores": 1.31}
    recommendation, reason = recommend(data)
    assert recommendation == expected and reason.startswith("uncertain: the machine was busy")
    if share != 0.5:
        assert f"by its GIL share ({share:.0%})" in reason and "threads 1.11x" in reason
    # where the processes could not run the call, the threads alone would scale
    data |= {"process_speedup": {}, "process_error": "cannot pickle"}
    assert recommend(data)[0] == ("threads" if share == 0.03 else expected)


def test_a_gil_share_that_caps_threads_settles_a_wide_interval() -> None:
    data = _data(1.3, 1.9, share=0.8)  # the GIL bound: 1.25x, below the mark (1.4)
    data["thread_speedup"]["2"]["high"] = 1.5
    assert recommend(data)[0] == "processes"
    data = _data(1.3, 1.9, share=0.5)  # Amdahl 1.33x is short, but the bound (2x) is not
    data["thread_speedup"]["2"]["high"] = 1.5
    assert recommend(data)[0] == "either"


def test_a_speedup_beyond_what_w_copies_can_reach_is_a_warning() -> None:
    assert beyond_ideal(_data(1.9, 1.9)) == []
    data = _data(1.9, 2.6)  # ideal on 2 cores: 2x; the interval 2.47-2.73 is wholly above
    (warning,) = beyond_ideal(data)
    assert warning.startswith("processes at W=2 ran 2.60x") and "same work" in warning
    data["cpu_per_wall"] = 0.01  # waits: 2 copies of a call that needs no core can reach 2x
    data["process_speedup"]["2"] = {"median": 2.0, "low": 1.9, "high": 2.1}
    assert beyond_ideal(data) == []


def test_without_processes_the_guess_says_so() -> None:
    recommendation, reason = recommend(_data(1.0, None, share=0.9, error="cannot pickle"))
    assert recommendation == "processes" and "not measured: cannot pickle" in reason


SHORT = {"workers": 2, "before": 1.41, "after": 1.31, "slack": 1.25, "short": True,
         "repeats": 10, "set_aside": 8, "reasons": ["a check of the cores read 1.41x"]}


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({}, None),  # clear of every mark, on a quiet machine: it stands
        # disturbed, and a GIL share of 60% leaves threads at 1.25x by Amdahl, between
        # the marks: the share cannot decide, and a later round may
        ({"background_cores": 1.4}, "the machine was busy"),
        ({"capacity": SHORT}, "the machine was short of cores (8 of 10 repeats set aside: "
                              "a check of the cores read 1.41x)"),  # fmt: skip
        # checked before every repeat: the repeats beside it were set aside, and enough
        # remained
        ({"capacity": SHORT | {"after": 1.01, "short": False, "repeats": 7, "set_aside": 2}},
         None),
        ({"thread_speedup": {"2": {"median": 1.45, "low": 1.3, "high": 1.6}}},
         "the threads' 1.45x [1.30-1.60] holds the 1.40x mark"),
        ({"process_speedup": {"2": {"median": 1.05, "low": 0.9, "high": 1.2}}},
         "the processes' 1.05x [0.90-1.20] holds the 1.10x mark"),
    ],
)
def test_a_reading_is_unsettled_when_a_mark_or_the_machine_may_move_it(change, why) -> None:
    data = _data(1.9, 1.9, share=0.6) | {"background_cores": 0.0} | change
    found = unsettled(data)
    assert (found is None) if why is None else found.startswith(why)


@pytest.mark.parametrize("share", [0.01, 0.95])
@pytest.mark.parametrize("change", [{"background_cores": 1.4}, {"capacity": SHORT}])
def test_a_disturbed_reading_the_gil_share_decides_is_settled(change, share) -> None:
    """A later round keeps the share: disturbed again, it would read the same."""
    data = _data(1.9, 1.9, share=share) | {"background_cores": 0.0} | change
    assert recommend(data)[1].startswith("uncertain") and unsettled(data) is None
    assert unsettled(data | {"gil_share": None}).startswith("the machine was")


def test_threads_are_judged_no_higher_than_their_gil_bound() -> None:
    """re.sub holds the GIL 97% of its time: 2 threads cannot gain more than 1.03x, so a
    reading of 1.18x measured a disturbed serial run. Judged at the bound, the threads gain
    nothing and the processes' 1.2x decides; the reason keeps the reading as measured."""
    data = _probed((1.18, 1.12, 1.25), (1.2, 1.15, 1.3), share=0.97, busy=1.0)
    recommendation, reason = recommend(data)
    assert recommendation == "processes" and "threads 1.18x" in reason
    assert recommend(_probed((1.18, 1.12, 1.25), (1.2, 1.15, 1.3), busy=1.0))[0] == "either"
    # Threads that cannot gain are never "the same" as processes that do: re.search read
    # 0.63x [0.50-1.30] in threads, 1.11x [0.91-1.52] in processes (2026-12-06).
    held = _probed((0.63, 0.5, 1.3), (1.11, 0.91, 1.52), share=0.95, busy=1.0)
    assert recommend(held)[0] == "processes"
