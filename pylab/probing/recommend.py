"""What a probe's numbers recommend: `threads`, `processes`, `either` or `neither`, and why,
in one line with the numbers (`recommend`). A call whose threads are busy yet clearly
short while its GIL share is low is named memory-bound (`memory_bound`), with the
machine's memory bandwidth as the stream kernel measured it (pylab.probing.bandwidth,
cached per machine), and never sent to processes, which share the same memory bus.
Pure: the rules are tested on made-up data.
"""

from __future__ import annotations

from typing import Any

from pylab.base.fmt import fmt_interval, fmt_rate, fmt_seconds, fmt_speedup, fmt_times
from pylab.base.rules import FULL_CPU_SHARE, ideal, partly_at, scales_at
from pylab.host.load import is_busy
from pylab.host.machine import NO_GIL  # noqa: F401  (probe, gilcheck and dasklayout read it here)
from pylab.results.cells import short_of_cores

GAINS = 1.1  # less than this is no gain at all
BEYOND = 1.15  # a speed-up interval wholly above 1.15 x ideal is not a speed-up to trust




def model_share(data: dict[str, Any]) -> float:
    """The serial fraction the models take: the GIL share, or 0 where there is no GIL."""
    return data["gil_share"]["median"] if data["gil_share"] else 0.0


def recommend(data: dict[str, Any]) -> tuple[str, str]:
    """The recommendation of `_recommend`, marked uncertain when the machine was busy or
    short of cores while the speed-ups were measured: other work, seen or not, then took
    cores from the copies, and that, not the call, may be why they fell short."""
    choice, reason = _recommend(data)
    disturbed = _disturbed(data)
    if disturbed:
        by_share = _by_gil_share(data)
        if by_share is not None:
            choice, reason = by_share[0], f"{by_share[1]}; measured beside the load: {reason}"
        reason = (
            f"uncertain: {disturbed} while the speed-ups were measured, the likely cause "
            f"of any shortfall; {reason}"
        )
        if choice == "neither":
            reason = reason.split(": a call of ")[0] + "; probe again on a quiet machine"
    return choice, reason


def _disturbed(data: dict[str, Any]) -> str | None:
    """What took cores from the copies, in words: a background load, or cores missing
    with none to see (both checks of pylab.measure.capacity short); None on a quiet
    machine. Either alone explains a shortfall as well as the call does."""
    load = data.get("background_cores")
    if is_busy(load):
        return f"the machine was busy, {load:.2f} cores of other work on average"
    short = short_of_cores(data.get("capacity"))
    if short:
        return f"the machine was short of cores ({short})"
    return None


def unsettled(data: dict[str, Any]) -> str | None:
    """Why the record's recommendation may not hold when measured again, in words; None
    where it would take a change larger than the noise: the machine was disturbed
    (`_disturbed`: busy, or short of cores in too many repeats) and the GIL share does
    not decide, or a speed-up's interval holds a mark the rules decide by (the scaling
    mark or GAINS; the threads' judged no higher than their GIL bound, as the rules judge
    them).

    Where the share decides a disturbed reading it is settled: a later round keeps the
    share (pylab.probing.calls.speedups_again), so where that round is disturbed too it
    reads the same. In three quick atlases on the busy 2-core VM, 100 of 122 second
    rounds after a disturbed first were disturbed again, 21 of the other 22 agreed with
    the first, and the first rounds alone kept 52 of 53 calls' recommendations, as many
    as the rounds did (2026-12-06); the rounds took a third of each run."""
    disturbed = _disturbed(data)
    if disturbed:
        return None if _by_gil_share(data) else disturbed
    w, n = largest(data)
    judged = {"threads": _within_bound(data["thread_speedup"][w], data["thread_speedup_bound"][w]),
              "processes": data["process_speedup"].get(w)}  # fmt: skip
    for kind, s in judged.items():
        for mark in (scales_at(n), GAINS):
            if s and s["low"] < mark <= s["high"]:
                return f"the {kind}' {fmt_interval(s)} holds the {fmt_speedup(mark)} mark"
    return None


def largest(data: dict[str, Any]) -> tuple[str, float]:
    """The largest W measured (a key of the speed-up maps) and its ideal speed-up on this
    machine: what every rule below judges at."""
    w = max(data["thread_speedup"], key=int)
    return w, ideal(int(w), data["cores"], data["cpu_per_wall"])


def _by_gil_share(data: dict[str, Any]) -> tuple[str, str] | None:
    """On a busy machine the speed-ups measure the load as much as the call; the GIL
    share, read by the heartbeat, says what threads could reach (Amdahl at W). Where
    that is clear, scaling or not even a partial gain, it decides; else None. Where
    threads would scale, so would processes, which no GIL holds back: `either`, as
    where both are measured to scale (`threads` where processes could not run the call).
    Three quick atlases on a busy 2-core VM read GIL-free calls `either` where measured
    and `threads` where this rule decided, 18 of 53 calls flipping (2026-12-06)."""
    share = data.get("gil_share")
    if not share:
        return None
    w, n = largest(data)
    amdahl = data["predicted_thread_speedup"][w]
    text = (
        f"by its GIL share ({share['median']:.0%}) threads would reach {fmt_speedup(amdahl)} "
        f"at W={w} by Amdahl (scaling needs {fmt_speedup(scales_at(n))})"
    )
    if amdahl >= scales_at(n):
        if data.get("process_error"):
            return "threads", f"{text}: threads"
        return "either", f"{text}, and processes too: either"
    if amdahl < partly_at(n):
        return "processes", f"{text}: processes"
    return None


def memory_bound(data: dict[str, Any]) -> bool:
    """Threads all busy, the GIL no reason to fall short, yet well short of W: a resource
    every core shares caps the call, most often memory bandwidth. At the largest W:
    the threads' CPU per wall is at least FULL_CPU_SHARE x the parallelism (they run, or stall
    on memory, rather than wait for the GIL); Amdahl's prediction from the GIL share
    scales; and the threads' whole interval is below both the scaling mark and that
    prediction. Processes must not clearly beat threads (their whole interval above the
    threads'): then the cap is inside the process, which processes do not share.
    Never on a busy machine or one short of cores, where that explains a shortfall just
    as well."""
    w, n = largest(data)
    busy = (data.get("thread_cpu_per_wall") or {}).get(w)
    if busy is None or _disturbed(data):
        return False
    mark, amdahl = scales_at(n), data["predicted_thread_speedup"][w]
    t, p = data["thread_speedup"][w], data["process_speedup"].get(w)
    short = t["high"] < mark <= amdahl
    return busy >= FULL_CPU_SHARE * n and short and (p is None or p["low"] <= t["high"])


def _memory_bound(data: dict[str, Any], numbers: str) -> tuple[str, str]:
    """threads, either or neither, naming memory bandwidth: processes share the memory
    bus, so they gain no more; threads are the cheaper of two that gain the same."""
    w, n = largest(data)
    mark = scales_at(n)
    t, p = data["thread_speedup"][w], data["process_speedup"].get(w)
    reason = (
        f"memory bandwidth (or another shared resource) likely caps it {numbers}: the {w} "
        f"threads are busy ({data['thread_cpu_per_wall'][w]:.2f} CPU per wall) yet gain "
        f"{fmt_interval(t)}, under the {fmt_speedup(mark)} that scaling needs and Amdahl's "
        f"prediction"
    )
    if p is None:
        choice = "threads" if t["median"] >= GAINS else "neither"
        tail = f"; processes not measured: {data['process_error']}"
    else:
        reason += f"; processes, on the same memory bus, gain {fmt_interval(p)}"
        if p["median"] >= mark:  # yet overlapping the threads' interval: a noise-sized lead
            choice, tail = "either", "; threads: the cheaper of two that gain the same"
            reason += ", reaching the mark but within the threads' noise"
        elif max(t["median"], p["median"]) >= GAINS:
            choice, tail = "threads", "; threads: they start faster and share memory"
        else:
            choice, tail = "neither", ""
    return choice, reason + _bandwidth_text(data.get("bandwidth")) + tail


def _bandwidth_text(bw: dict[str, Any] | None) -> str:
    if not bw:
        return ""
    single, many = bw["single_bytes_per_s"], bw["threads_bytes_per_s"]
    return (
        f"; the machine's measured bandwidth is {fmt_rate(single)} single-core, "
        f"{fmt_rate(many)} with {bw['workers']} threads ({fmt_times(many / single)} one thread's)"
    )


def _recommend(data: dict[str, Any]) -> tuple[str, str]:
    """threads, processes, either or neither, and why, at the largest W measured.

    First, a memory-bound call (`memory_bound`: threads busy, GIL share low, threads
    clearly short) gets threads, either or neither with memory bandwidth named, never
    processes: they share the memory bus. Otherwise each speed-up S is judged against
    the ideal: it scales by the lab's rule (pylab.base.rules: S >= SCALES x ideal) and gains
    at S >= GAINS. Both scale: either (threads start faster and share memory).
    One scales: that one, but only if the other's whole interval is below the mark;
    if its interval reaches it, noise may have hidden it, so: either (uncertain);
    for threads, unless the GIL bound from the GIL share also falls short (two
    measurements then agree that they cannot scale; not Amdahl's prediction, which
    copies that drift out of step can beat).
    Neither scales but one gains: the larger, unless their intervals overlap: then
    either, threads the cheaper (a noise-sized difference never decides: read `threads`
    here and `either` where both reached the mark, calls that release the GIL flipped
    between the two from run to run on a busy host); none gains: neither
    (the call is too short for the dispatch, or a shared resource caps it). The threads'
    interval is judged no higher than the GIL bound (`_within_bound`). Without a process
    measurement, a call that holds the GIL half the time or more gets `processes`,
    marked as not measured.
    """
    w, n = largest(data)
    mark = scales_at(n)
    measured = data["thread_speedup"][w]
    t = _within_bound(measured, data["thread_speedup_bound"][w])
    p = data["process_speedup"].get(w)
    share = model_share(data)
    held = f"it holds the GIL {share:.0%} of its run time" if data["gil_share"] else NO_GIL
    numbers = (
        f"at W={w}: threads {fmt_speedup(measured['median'])}"
        + (f", processes {fmt_speedup(p['median'])}" if p else "")
        + f"; {held} "
        f"(threads: {fmt_speedup(data['predicted_thread_speedup'][w])} by Amdahl, "
        f"{fmt_speedup(data['thread_speedup_bound'][w])} at most)"
    )
    if memory_bound(data):
        return _memory_bound(data, numbers)
    if p is None:
        if t["median"] >= mark:
            return "threads", f"threads scale {numbers}"
        guess = "processes" if share >= 0.5 else "neither"
        return guess, f"{numbers}; processes not measured: {data['process_error']}"
    scales = {"threads": t["median"] >= mark, "processes": p["median"] >= mark}
    # The threads' interval is capped at the GIL bound: where it reaches the mark, so does
    # the bound.
    maybe = {"threads": t["high"] >= mark, "processes": p["high"] >= mark}
    if all(scales.values()):
        return "either", f"both scale {numbers}; threads start faster and share memory"
    for winner, other in (("threads", "processes"), ("processes", "threads")):
        if scales[winner]:
            if maybe[other]:
                return "either", f"{winner} scale, {other} may (uncertain) {numbers}"
            return winner, f"only {winner} scale {numbers}"
    if max(t["median"], p["median"]) >= GAINS:
        threads_can = data["thread_speedup_bound"][w] >= GAINS  # else only processes gain
        if threads_can and t["low"] <= p["high"] and p["low"] <= t["high"]:  # the same, noise aside
            return "either", (
                f"threads and processes gain the same within their intervals, short of "
                f"scaling, {numbers}; threads: they start faster and share memory"
            )
        winner = "threads" if t["median"] >= p["median"] else "processes"
        return winner, f"{winner} gain, though short of scaling, {numbers}"
    return "neither", (
        f"neither gains {numbers}: a call of {fmt_seconds(data['call_s'])} is too short to "
        f"pay for its dispatch, or a shared resource caps it"
    )


def _within_bound(t: dict[str, float], bound: float) -> dict[str, float]:
    """The threads' interval as the rules judge it: no end above the GIL bound (W threads
    that each hold the GIL a share s of their time cannot gain more than 1/s). A reading
    above it measured a disturbed serial run, not the call: three quick atlases on a busy
    2-core VM read re.sub, builtins.sorted and base64.b64encode, which hold the GIL
    95-99% of their time (heartbeat shares steady to 0.01 over the runs), at 1.13-1.18x in
    threads now and then, and recommended threads (2026-12-06)."""
    return {**t, **{end: min(t[end], bound) for end in ("median", "low", "high")}}


def beyond_ideal(data: dict[str, Any]) -> list[str]:
    """A speed-up whose whole interval is above what W copies can reach means the copies
    did less work than the serial runs: most often a setup that builds other work in a
    fresh process (unseeded sizes, a calibration), so the numbers are not comparable."""
    found = []
    for kind, key in (("threads", "thread_speedup"), ("processes", "process_speedup")):
        for w, s in data[key].items():
            most = ideal(int(w), data["cores"], data["cpu_per_wall"])
            if s["low"] > BEYOND * most:
                found.append(
                    f"{kind} at W={w} ran {fmt_interval(s)}, "
                    f"beyond the {fmt_speedup(most)} that {w} copies can reach on "
                    f"{data['cores']} cores: "
                    f"did each copy do the same work? (the setup runs again in each process)"
                )
    return found
