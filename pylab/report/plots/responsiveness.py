"""C14: how late a 1 ms heartbeat thread wakes beside each kind of background work.

One row per scenario, lateness on a log axis: p50, p99 and max of the pooled
beats, the spread of the per-round p99, and ccbench's published ping latencies
(an idle ping, and a ping beside CPU-bound Python threads) as references. What
the rule counted as responsive, and which scenarios release the GIL, are read
from the file: the plot draws what the run judged by. A run with subinterpreters adds
a row in their colour: the GIL-holding loop in subinterpreters, whose GILs are not
the heartbeat's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from pylab.base.fmt import fmt_seconds
from pylab.experiments.responsiveness import (
    BY_SCENARIO,
    GIL_C,
    IDLE,
    IO,
    NAME,
    NOGIL_C,
    PYTHON,
    SHORT_SWITCH,
    SUBINTERPRETER_RECORD,
    SUBINTERPRETERS,
)
from pylab.report.figures import Plot, executor_color, new_figure
from pylab.report.plots._common import experiment_data

RELEASED_COLOR = "#2ca02c"  # background gives the GIL away: the heartbeat should be on time
HELD_COLOR = "#d95f02"  # background holds the GIL for its call or its switch interval
OWN_GIL_COLOR = executor_color("interpreters")  # background in subinterpreters, own GILs
REFERENCE_COLOR = "#7f7f7f"
# Sleep lateness is positive in practice; the floor only keeps a log axis safe from a 0.
FLOOR_S = 1e-7
_WHAT = {
    IDLE: "idle",
    NOGIL_C: "beside GIL-releasing C",
    IO: "beside blocking I/O (from C)",
    GIL_C: "beside GIL-holding C",
    PYTHON: "beside pure Python",
    SUBINTERPRETERS: "beside GIL-holding C in subinterpreters",
}
MARKERS = (("p50_s", "o", "p50"), ("p99_s", "D", "p99"), ("max_s", "x", "max"))


@dataclass(frozen=True)
class Run:
    """What the file says the rule used: the released scenarios, the bound, the figures."""

    scenarios: dict[str, Any]
    releasing: frozenset[str]
    responsive_s: float | None
    published: dict[str, Any]
    own_gil: frozenset[str] = frozenset()  # scenarios run in subinterpreters

    def group(self, name: str) -> str:
        """Which colour a row takes: "released", "held" or "own_gil"."""
        if name in self.own_gil:
            return "own_gil"
        return "released" if name in self.releasing else "held"

    @classmethod
    def of(cls, results: dict[str, Any], data: dict[str, Any]) -> Run:
        claim = (results.get("claims") or {}).get("C14") or {}
        published = data.get("published") or claim.get("published") or {}
        releasing = frozenset((data.get("settings") or {}).get("releasing") or ())
        bound = (claim.get("data") or {}).get("responsive_s")
        scenario = (data.get(SUBINTERPRETER_RECORD) or {}).get("scenario")
        own_gil = frozenset([scenario] if scenario in data[BY_SCENARIO] else [])
        return cls(data[BY_SCENARIO], releasing, bound, published, own_gil)


def _scenario_text(name: str, point: dict[str, Any], run: Run) -> str:
    """What runs beside the heartbeat, with the switch interval where it matters (not in
    subinterpreters: this interpreter's interval is not theirs)."""
    what = _WHAT.get(name.removesuffix(SHORT_SWITCH), name)
    switch = point.get("switch_interval_s")
    if run.group(name) == "held" and switch:
        what += f" at a {switch * 1e3:g} ms switch interval"  # 0.5 ms, not 500 us
    return what


def _label(name: str, point: dict[str, Any], run: Run) -> str:
    """Row label: the description on two lines at most, then the beat count."""
    what = _scenario_text(name, point, run)
    what = what.replace(" at a ", "\nat a ").replace(" in sub", "\nin sub")
    beats = point.get("beats", "?")
    return f"{what}\n{beats} beat{'' if beats == 1 else 's'}"


COLORS = {"released": RELEASED_COLOR, "held": HELD_COLOR, "own_gil": OWN_GIL_COLOR}


def _draw_row(ax: Axes, y: float, point: dict[str, Any], color: str) -> None:
    values = {key: max(FLOOR_S, point[key]) for key, _, _ in MARKERS}
    ax.plot([values["p50_s"], values["max_s"]], [y, y], color=color, lw=1.5, alpha=0.6)
    rounds = point.get("round_p99_s")
    if rounds:  # how much p99 moved from round to round: a thick pale band
        low, high = max(FLOOR_S, rounds["low"]), max(FLOOR_S, rounds["high"])
        ax.plot([low, high], [y, y], color=color, lw=9, alpha=0.25, solid_capstyle="butt")
    for key, marker, _ in MARKERS:
        # max in black, drawn last: with under 100 beats the p99 *is* the max, and a
        # same-coloured cross would vanish inside the diamond
        ink = "black" if key == "max_s" else color
        ax.plot(values[key], y, marker=marker, color=ink, ms=7, ls="none", mew=2)


def _ms_range(values: list[float]) -> str:
    return f"{min(values) * 1e3:.3g}-{max(values) * 1e3:.3g} ms"


def _draw_references(ax: Axes, run: Run) -> list[Any]:
    """The published pings and the rule's bound, as vertical references; their handles."""
    handles: list[Any] = []
    if run.published.get("ping_latency_s"):
        idle, *busy = run.published["ping_latency_s"]
        source = run.published.get("source", "published")
        ax.axvline(idle, color=REFERENCE_COLOR, ls="--", lw=1.2)
        ax.axvspan(min(busy), max(busy), color=REFERENCE_COLOR, alpha=0.15, lw=0)
        idle_label = f"{source}: idle ping {fmt_seconds(idle)}"
        busy_label = f"{source}: ping beside CPU-bound threads {_ms_range(busy)}"
        handles += [
            Line2D([], [], color=REFERENCE_COLOR, ls="--", label=idle_label),
            Patch(color=REFERENCE_COLOR, alpha=0.3, label=busy_label),
        ]
    if run.responsive_s:
        ax.axvline(run.responsive_s, color="black", ls=":", lw=1)
        rule = f"C14 rule: responsive below {fmt_seconds(run.responsive_s)}"
        handles.append(Line2D([], [], color="black", ls=":", label=rule))
    return handles


def _legend_handles(run: Run) -> list[Any]:
    handles = [
        Line2D(
            [],
            [],
            marker=m,
            color="black" if k == "max_s" else "#555555",
            ls="none",
            mew=2,
            label=text,
        )
        for k, m, text in MARKERS
    ]
    handles.append(Patch(color="black", alpha=0.25, label="p99 range over rounds"))
    handles.append(Patch(color=RELEASED_COLOR, label="background releases the GIL"))
    handles.append(Patch(color=HELD_COLOR, label="background holds the GIL"))
    if run.own_gil:
        own = "background in subinterpreters holds their own GILs"
        handles.append(Patch(color=OWN_GIL_COLOR, label=own))
    return handles


def _caption(data: dict[str, Any], run: Run) -> str:
    scenarios = run.scenarios
    beat = fmt_seconds(data["settings"]["beat_s"])
    parts = []
    released = [n for n in scenarios if run.group(n) == "released"]
    if released:
        worst = max(scenarios[n]["p99_s"] for n in released)
        parts.append(f"at most {fmt_seconds(worst)} while the background released the GIL")
    held = [n for n in scenarios if run.group(n) == "held"]
    if held:
        worst = max(held, key=lambda n: scenarios[n]["p99_s"])
        p99 = fmt_seconds(scenarios[worst]["p99_s"])
        parts.append(f"up to {p99} {_scenario_text(worst, scenarios[worst], run)}")
    text = f"A {beat} heartbeat's p99 lateness was {', but '.join(parts)}"
    for name in sorted(run.own_gil):
        p99 = fmt_seconds(scenarios[name]["p99_s"])
        text += f", and {p99} {_scenario_text(name, scenarios[name], run)}"
    if run.published.get("ping_latency_s"):
        idle, *busy = run.published["ping_latency_s"]
        source = run.published.get("source", "a published source")
        text += (
            f", against a ping of {fmt_seconds(idle)} idle and {_ms_range(busy)} beside "
            f"CPU-bound threads in {source}"
        )
    return text + "."


def _plot(results: dict[str, Any], data: dict[str, Any]) -> Plot:
    run = Run.of(results, data)
    scenarios = run.scenarios
    names = list(scenarios)  # in the order the experiment ran them: released ones first
    beside = "threads and subinterpreters" if run.own_gil else "threads"
    title = f"Heartbeat lateness beside background {beside} (C14)"
    figure, ax = new_figure(results, title, height=1.2 + 0.62 * len(names))
    for row, name in enumerate(names):
        _draw_row(ax, -row, scenarios[name], COLORS[run.group(name)])
        if row and run.group(name) != run.group(names[row - 1]):
            ax.axhline(0.5 - row, color="#bbbbbb", lw=0.8)  # e.g. GIL released above, held below
    handles = _draw_references(ax, run) + _legend_handles(run)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: fmt_seconds(x)))
    ax.set_yticks([-row for row in range(len(names))])
    ax.set_yticklabels([_label(n, scenarios[n], run) for n in names], fontsize=8)
    ax.set_ylim(-len(names) + 0.5, 0.5)
    ax.set_xlabel("heartbeat lateness: wake-up minus intended wake-up (log scale)")
    ax.grid(axis="x", which="major", alpha=0.3)
    # Three columns hold nine entries in the figure's width; a tenth (subinterpreters) would
    # move a wide label into the second column and push the legend past the edges.
    ncols = 3 if len(handles) <= 9 else 2
    figure.legend(
        handles=handles, loc="outside lower center", ncols=ncols, fontsize=8, frameon=False
    )
    return Plot(NAME, title, figure, _caption(data, run))


def make(results: dict[str, Any]) -> list[Plot]:
    data = experiment_data(results, NAME) or {}
    if not data.get(BY_SCENARIO):
        return []
    return [_plot(results, data)]
