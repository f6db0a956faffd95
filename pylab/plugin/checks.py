"""The `gil` fixture's object: measure a call with the probe's instruments
(pylab.probing.calls: the ticking heartbeat for the GIL share, interleaved serial/threads
pairs for the speed-up), account for the rest of the machine meanwhile (pylab.host.load),
decide by pylab.plugin.verdicts, and end the test as pytest should: a failure with the
numbers, a skip (or xfail, or with --gil-strict a failure) with the reason.

Sampling stops as soon as the interval decides, or when the time budget is spent (at
least MIN_SAMPLES samples first: fewer cannot make a 95% interval). One assertion measures
at a time in a process (a lock): beside pytest-run-parallel's threads, each waits its turn
instead of measuring the others.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Callable
from contextlib import closing
from functools import partial
from typing import Any

import pytest

from pylab.base.stats import Interval, median_interval
from pylab.host.load import Background, is_busy
from pylab.host.machine import gil_enabled, usable_cores
from pylab.measure import capacity
from pylab.plugin import verdicts
from pylab.plugin.settings import Settings
from pylab.plugin.verdicts import (
    FAIL,
    INCONCLUSIVE,
    MEASURED,
    MIN_SAMPLES,
    SKIPPED,
    Outcome,
)
from pylab.probing import calls as probing

SHARE_SAMPLE_S = 0.1  # one GIL-share sample: the call again and again this long (probe: 0.2)
BATCH_S = 0.01  # ...in batches of calls this long
COPY_S = 0.02  # one thread's copy of the work in a pair (probe: 0.05): a pair at W=2 ~60 ms
MORE_PAIRS = 4  # pairs per round after the first MIN_SAMPLES (an even count: both orders)
SHARE_WIDTH = 0.1  # share(): sampling stops once its interval is this narrow
MODULE_TIMEOUT_S = 120.0
_MEASURING = threading.Lock()


def call_name(fn: Callable[..., Any]) -> str:
    """`module.qualname` of what is measured, as the summary names it."""
    fn = getattr(fn, "func", fn)  # a functools.partial
    module = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    return f"{module}.{name}" if module and module != "builtins" else name


class Gil:
    """gil.share, gil.assert_released, gil.assert_scales, gil.assert_keeps_gil_off
    (docs/plugin.md); `record` keeps each outcome for the summary and --gil-json."""

    def __init__(self, settings: Settings, record: Callable[[Outcome], None], test: str):
        self.settings, self._record, self._test = settings, record, test

    # --- the interface ------------------------------------------------------------------

    def share(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Interval | None:
        """The share of its run time that fn(*args, **kwargs) holds the GIL: the median of
        heartbeat samples with its interval (pylab.base.stats.Interval); None on a
        free-threaded build running with the GIL off (there is none to hold)."""
        __tracebackhide__ = True
        if not gil_enabled():
            return None
        found = self._share(fn, args, kwargs, lambda i: i.high - i.low <= SHARE_WIDTH)
        interval, numbers = found
        self._end(Outcome("share", call_name(fn), MEASURED, "measured", numbers, self._test))
        return interval

    def assert_released(
        self, fn: Callable[..., Any], *args: Any, below: float = 0.2, **kwargs: Any
    ) -> Outcome:
        """Fails when fn(*args, **kwargs) clearly holds the GIL more than `below` of its run
        time (its share's whole interval above); passes when its whole interval is below."""
        __tracebackhide__ = True
        name = call_name(fn)
        if not gil_enabled():
            return self._end(Outcome("released", name, SKIPPED, _NO_GIL, {}, self._test))

        def clear(i: Interval) -> bool:
            return i.high < below or i.low > below

        interval, numbers = self._share(fn, args, kwargs, clear)
        verdict, reason = verdicts.released(
            interval.as_dict(), below, numbers["background_cores"], numbers["samples"]
        )
        numbers["below"] = below
        return self._end(Outcome("released", name, verdict, reason, numbers, self._test))

    def assert_scales(
        self, fn: Callable[..., Any], *args: Any, workers: int = 2, **kwargs: Any
    ) -> Outcome:
        """Fails when `workers` threads each running fn(*args, **kwargs) clearly do not
        scale against the same calls run serially, by the lab's rule (pylab.base.rules);
        passes when they clearly do."""
        __tracebackhide__ = True
        if workers < 2:
            raise ValueError(f"workers={workers}: scaling needs 2 or more threads")
        name, cores = call_name(fn), usable_cores()
        if workers > cores:
            reason = (f"too few cores: {workers} threads on {cores} usable cores cannot show "
                      f"scaling; ask for workers={cores} or fewer")  # fmt: skip
            outcome = Outcome("scales", name, INCONCLUSIVE, reason, {"workers": workers,
                              "cores": cores}, self._test)  # fmt: skip
            return self._end(outcome)
        numbers = self._speedup(fn, args, kwargs, workers, cores)
        verdict, reason = verdicts.scales(
            numbers["speedup"], workers, cores, numbers["cpu_per_wall"],
            numbers["background_cores"], len(numbers["pairs"]), numbers["capacity"],
        )  # fmt: skip
        return self._end(Outcome("scales", name, verdict, reason, numbers, self._test))

    def assert_keeps_gil_off(self, module: str) -> Outcome:
        """On a free-threaded build: importing `module` in a fresh child of this interpreter
        leaves the GIL off (every extension module it loads declares it can run without
        it); skipped, with the reason, on a GIL build."""
        __tracebackhide__ = True
        if not sysconfig.get_config_var("Py_GIL_DISABLED"):
            reason = (f"a GIL build (Python {sys.version.split()[0]}): the GIL is always on; "
                      "run this test on a free-threaded build (3.13t, 3.14t)")  # fmt: skip
            return self._end(Outcome("keeps_gil_off", module, SKIPPED, reason, {}, self._test))
        seen = imported(module)
        verdict, reason = verdicts.gil_after_import(module, seen)
        return self._end(Outcome("keeps_gil_off", module, verdict, reason, seen, self._test))

    # --- measuring ----------------------------------------------------------------------

    def _share(
        self, fn: Callable[..., Any], args: tuple, kwargs: dict, clear: Callable[[Interval], bool]
    ) -> tuple[Interval, dict[str, Any]]:
        call = partial(fn, *args, **kwargs)
        with _MEASURING:
            call()  # the first call: imports, caches; its errors are the test's, as raised
            t0, call_s = time.perf_counter(), probing.time_call(call)
            batch = max(1, math.ceil(BATCH_S / call_s))
            samples: list[float] = []
            with (
                Background() as seen,
                closing(probing.share_samples(call, batch, SHARE_SAMPLE_S)) as sampled,
            ):
                for sample in sampled:
                    samples.append(sample)
                    if len(samples) < MIN_SAMPLES:
                        continue
                    interval = median_interval(samples)
                    if clear(interval) or self._spent(t0) or is_busy(seen.read().background_cores):
                        break
        assert seen.reading is not None
        numbers = {
            "share": interval.as_dict(), "samples": len(samples),
            "share_samples": [round(s, 4) for s in samples], "call_s": call_s,
            "background_cores": seen.reading.background_cores,
            "elapsed_s": round(time.perf_counter() - t0, 3),
        }  # fmt: skip
        return interval, numbers

    def _speedup(
        self, fn: Callable[..., Any], args: tuple, kwargs: dict, workers: int, cores: int
    ) -> dict[str, Any]:
        call = partial(fn, *args, **kwargs)
        with _MEASURING:
            call()
            t0, (call_s, cpu) = time.perf_counter(), probing.timed_call(call)
            copy = max(1, math.ceil(COPY_S / call_s))
            pairs: list[tuple[float, float]] = []
            busy: list[float] = []

            def take() -> dict[str, float]:
                while True:
                    more = MORE_PAIRS if pairs else MIN_SAMPLES
                    got, threads_cpu = probing.thread_pairs(call, copy, workers, more)
                    pairs.extend(got)
                    busy.append(threads_cpu)
                    speedup = median_interval([s / p for s, p in pairs]).as_dict()
                    load = seen.read().background_cores
                    verdict, _ = verdicts.scales(speedup, workers, cores, cpu, load, len(pairs))
                    if verdict != INCONCLUSIVE or self._spent(t0) or is_busy(load):
                        return speedup

            # The cores checked before and after the pairs (pylab.measure.capacity): a
            # tenant outside a VM can take a core with no load to see, and compute/nogil
            # then read 1.18x [1.01-1.40], a confident "does not scale" (2-core EPYC VM,
            # 2026-12-06), where quiet runs read 1.9x.
            with Background() as seen:
                speedup, beside = capacity.around(workers, take)
        assert seen.reading is not None
        return {
            "speedup": speedup, "pairs": [[round(s, 7), round(p, 7)] for s, p in pairs],
            "workers": workers, "cores": cores, "cpu_per_wall": round(cpu, 4),
            "threads_cpu_per_wall": round(sum(busy) / len(busy), 4), "calls_per_copy": copy,
            "call_s": call_s, "background_cores": seen.reading.background_cores,
            "steal_cores": seen.reading.steal_cores, "capacity": beside,
            "elapsed_s": round(time.perf_counter() - t0, 3),
        }  # fmt: skip

    def _spent(self, t0: float) -> bool:
        return time.perf_counter() - t0 >= self.settings.budget_s

    # --- ending the test ----------------------------------------------------------------

    def _end(self, outcome: Outcome) -> Outcome:
        """Record the outcome, then pass, fail with the numbers, or skip (xfail) with the
        reason; --gil-strict fails what is inconclusive."""
        __tracebackhide__ = True
        self._record(outcome)
        text = f"{outcome.call}: {outcome.reason}"
        if outcome.verdict == FAIL:
            pytest.fail(text, pytrace=False)
        if outcome.verdict == SKIPPED:
            pytest.skip(text)
        if outcome.verdict == INCONCLUSIVE:
            if self.settings.strict:
                pytest.fail(f"inconclusive (--gil-strict): {text}", pytrace=False)
            if self.settings.inconclusive == "xfail":
                pytest.xfail(f"inconclusive: {text}")
            pytest.skip(f"inconclusive: {text}")
        return outcome


_NO_GIL = "no GIL to hold: a free-threaded build running with the GIL off"

# Run in a fresh child of this interpreter (argv: the module, this process's sys.path as
# JSON): was the GIL off before the import, is it still off after, and what CPython warned.
_IMPORT = """import importlib, json, sys, warnings
sys.path[:] = json.loads(sys.argv[2])
before, error = sys._is_gil_enabled(), None
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        importlib.import_module(sys.argv[1])
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"
print(json.dumps({"gil_before": before, "gil_after": sys._is_gil_enabled(), "error": error,
                  "warnings": [str(w.message) for w in caught if "GIL" in str(w.message)]}))
"""


def imported(module: str) -> dict[str, Any]:
    """What importing `module` in a fresh child of this interpreter did to the GIL
    (PYTHON_GIL unset there: it would force the GIL either way)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_GIL"}
    command = [sys.executable, "-c", _IMPORT, module, json.dumps(sys.path)]
    done = subprocess.run(command, capture_output=True, text=True, env=env,
                          timeout=MODULE_TIMEOUT_S, stdin=subprocess.DEVNULL)  # fmt: skip
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        tail = (done.stderr or done.stdout).strip()[-500:]
        return {"gil_before": None, "gil_after": None, "warnings": [],
                "error": f"the child exited {done.returncode}: {tail}"}  # fmt: skip
