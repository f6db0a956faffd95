"""C14: how late a 1 ms heartbeat thread wakes beside each kind of background work.

One row per scenario, lateness on a log axis: p50, p99 and max of the pooled
beats, the spread of the per-round p99, and ccbench's published ping latencies
(an idle ping, and a ping beside CPU-bound Python threads) as references.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from pylab.experiments.base import fmt_seconds
from pylab.experiments.claims import PUBLISHED
from pylab.experiments.responsiveness import RELEASING, RESPONSIVE_S, SCENARIOS
from pylab.report.figures import Plot, new_figure
from pylab.report.plots._common import experiment_data

NAME = "responsiveness"
RELEASED_COLOR = "#2ca02c"  # background gives the GIL away: the heartbeat should be on time
HELD_COLOR = "#d95f02"  # background holds the GIL for its call or its switch interval
REFERENCE_COLOR = "#7f7f7f"
# Sleep lateness is positive in practice; the floor only keeps a log axis safe from a 0.
FLOOR_S = 1e-7
_WHAT = {
    "idle": "idle",
    "nogil_c": "beside GIL-releasing C",
    "io": "beside blocking I/O (from C)",
    "gil_c": "beside GIL-holding C",
    "python": "beside pure Python",
}
MARKERS = (("p50_s", "o", "p50"), ("p99_s", "D", "p99"), ("max_s", "x", "max"))


def _describe(name: str, point: dict[str, Any]) -> str:
    """What runs beside the heartbeat, with the switch interval where it matters."""
    what = _WHAT.get(name.removesuffix("_short_switch"), name)
    switch = point.get("switch_interval_s")
    if name not in RELEASING and switch:
        what += f" at a {switch * 1e3:g} ms switch interval"  # 0.5 ms, not 500 us
    return what


def _label(name: str, point: dict[str, Any]) -> str:
    """Row label: the description on two lines at most, then the beat count."""
    what = _describe(name, point).replace(" at a ", "\nat a ")
    beats = point.get("beats", "?")
    return f"{what}\n{beats} beat{'' if beats == 1 else 's'}"


def _ordered(scenarios: dict[str, Any]) -> list[str]:
    """The module's scenario order, then any the file has that this version does not know."""
    return [n for n in SCENARIOS if n in scenarios] + [n for n in scenarios if n not in SCENARIOS]


def _draw_row(ax: Axes, y: float, name: str, point: dict[str, Any]) -> None:
    color = RELEASED_COLOR if name in RELEASING else HELD_COLOR
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


def _draw_references(ax: Axes, published: dict[str, Any]) -> list[Any]:
    """ccbench's pings and our own 10 ms rule, as vertical references; their legend handles."""
    idle, *busy = published["ping_latency_s"]
    source = published.get("source", "ccbench")
    ax.axvline(idle, color=REFERENCE_COLOR, ls="--", lw=1.2)
    ax.axvspan(min(busy), max(busy), color=REFERENCE_COLOR, alpha=0.15, lw=0)
    ax.axvline(RESPONSIVE_S, color="black", ls=":", lw=1)
    return [
        Line2D(
            [], [], color=REFERENCE_COLOR, ls="--", label=f"{source}: idle ping {fmt_seconds(idle)}"
        ),
        Patch(
            color=REFERENCE_COLOR,
            alpha=0.3,
            label=f"{source}: ping beside CPU-bound threads {_ms_range(busy)}",
        ),
        Line2D(
            [],
            [],
            color="black",
            ls=":",
            label=f"C14 rule: responsive below {fmt_seconds(RESPONSIVE_S)}",
        ),
    ]


def _legend_handles() -> list[Any]:
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
    return handles


def _caption(data: dict[str, Any], published: dict[str, Any]) -> str:
    scenarios = data["scenarios"]
    beat = fmt_seconds((data.get("settings") or {}).get("beat_s", 1e-3))
    idle, *busy = published["ping_latency_s"]
    parts = []
    released = [n for n in scenarios if n in RELEASING]
    if released:
        worst = max(scenarios[n]["p99_s"] for n in released)
        parts.append(f"at most {fmt_seconds(worst)} while the background released the GIL")
    held = [n for n in scenarios if n not in RELEASING]
    if held:
        worst = max(held, key=lambda n: scenarios[n]["p99_s"])
        p99 = fmt_seconds(scenarios[worst]["p99_s"])
        parts.append(f"up to {p99} {_describe(worst, scenarios[worst])}")
    return (
        f"A {beat} heartbeat's p99 lateness was {', but '.join(parts)}, against ccbench's "
        f"published ping of {fmt_seconds(idle)} idle and {_ms_range(busy)} beside CPU-bound "
        "threads."
    )


def _plot(results: dict[str, Any], data: dict[str, Any]) -> Plot:
    scenarios = data["scenarios"]
    names = _ordered(scenarios)
    published = data.get("published") or PUBLISHED["C14"]
    title = "Heartbeat lateness beside background threads (C14)"
    figure, ax = new_figure(results, title, height=1.2 + 0.62 * len(names))
    for row, name in enumerate(names):
        _draw_row(ax, -row, name, scenarios[name])
        if row and (name in RELEASING) != (names[row - 1] in RELEASING):
            ax.axhline(0.5 - row, color="#bbbbbb", lw=0.8)  # GIL released above, held below
    handles = _draw_references(ax, published) + _legend_handles()
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: fmt_seconds(x)))
    ax.set_yticks([-row for row in range(len(names))])
    ax.set_yticklabels([_label(n, scenarios[n]) for n in names], fontsize=8)
    ax.set_ylim(-len(names) + 0.5, 0.5)
    ax.set_xlabel("heartbeat lateness: wake-up minus intended wake-up (log scale)")
    ax.grid(axis="x", which="major", alpha=0.3)
    figure.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    return Plot(NAME, title, figure, _caption(data, published))


def make(results: dict[str, Any]) -> list[Plot]:
    data = experiment_data(results, NAME) or {}
    if not data.get("scenarios"):
        return []
    return [_plot(results, data)]
