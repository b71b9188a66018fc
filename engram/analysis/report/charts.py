"""The report's charts: matplotlib figures written as inline SVG text.

matplotlib is imported inside the functions, so importing this module stays light. Figures are
made with ``matplotlib.figure.Figure`` (no pyplot): nothing is registered globally, so there is
nothing to close and the caller's backend is left alone. Every data mark gets an id
``<chart id>-mark-<n>``, which the report's chart check looks for.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

BAR = "#4c72b0"
AGENT = "#4c72b0"
ENVIRONMENT = "#dd8452"
DO = "#55a868"
AVOID = "#c44e52"
NOTE = "#8c8c8c"  # rules of other kinds
INK = "#222222"
LABEL_LIMIT = 48  # characters of a tick label; the tables beside the charts hold the full text

_STRIP = (
    re.compile(r"<\?xml[^>]*\?>\s*"),
    re.compile(r"<!DOCTYPE[^>]*>\s*"),
    re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL),
    re.compile(r"<!--.*?-->\s*", re.DOTALL),
)


def rate_chart(
    chart_id: str,
    labels: Sequence[str],
    rates: Sequence[float],
    intervals: Sequence[tuple[float, float]],
    counts: Sequence[int],
) -> str:
    """Horizontal bars of pass rates with their 95% intervals as error bars."""
    with _figure(chart_id, len(labels)) as (fig, ax):
        y = list(range(len(labels)))
        bars = ax.barh(y, rates, height=0.6, color=BAR)
        low = [max(0.0, r - lo) for r, (lo, _) in zip(rates, intervals, strict=True)]
        high = [max(0.0, hi - r) for r, (_, hi) in zip(rates, intervals, strict=True)]
        errors = ax.errorbar(rates, y, xerr=[low, high], fmt="none", ecolor=INK, capsize=3, lw=1)
        _mark(chart_id, [*bars.patches, *errors.lines[2]])
        for row, (rate, (_, hi), n) in enumerate(zip(rates, intervals, counts, strict=True)):
            ax.text(min(hi, 1.0) + 0.01, row, f"{rate:.0%}  n={n:,}", va="center", fontsize=8)
        ax.set_yticks(y, [_short(label) for label in labels])
        ax.invert_yaxis()
        ax.set_xlim(0, 1.18)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        _percent_axis(ax)
        ax.set_xlabel("pass rate of valid runs, with 95% Wilson interval")
        return _svg(fig)


def distribution_chart(
    chart_id: str, groups: Mapping[str, Sequence[float]], xlabel: str, log: bool
) -> str:
    """Box plots of one metric per configuration (5th–95th percentile whiskers)."""
    import matplotlib

    labels = list(groups)
    with _figure(chart_id, len(labels), base=1.0, per_row=0.42) as (fig, ax):
        version = tuple(int(p) for p in matplotlib.__version__.split(".")[:2])
        direction: dict[str, Any] = (
            {"orientation": "horizontal"} if version >= (3, 10) else {"vert": False}
        )
        boxes = ax.boxplot(
            [list(groups[label]) for label in labels],
            whis=(5, 95),
            showfliers=False,
            patch_artist=True,
            widths=0.55,
            medianprops={"color": INK},
            **direction,
        )
        for box in boxes["boxes"]:
            box.set_facecolor(BAR)
            box.set_alpha(0.75)
        _mark(chart_id, [*boxes["boxes"], *boxes["medians"], *boxes["whiskers"]])
        ax.set_yticks(range(1, len(labels) + 1), [_short(label) for label in labels])
        ax.invert_yaxis()
        if log:
            ax.set_xscale("log")
        ax.set_xlabel(xlabel)
        return _svg(fig)


def failure_chart(
    chart_id: str, names: Sequence[str], runs: Sequence[int], sides: Sequence[str]
) -> str:
    """Runs per failure class, the agent's failures and the environment's in two colours."""
    from matplotlib.patches import Patch

    with _figure(chart_id, len(names)) as (fig, ax):
        y = list(range(len(names)))
        colours = [AGENT if side == "agent" else ENVIRONMENT for side in sides]
        bars = ax.barh(y, runs, height=0.6, color=colours)
        _mark(chart_id, bars.patches)
        for row, n in enumerate(runs):
            ax.text(n, row, f" {n:,}", va="center", fontsize=8)
        ax.set_yticks(y, [_short(name) for name in names])
        ax.invert_yaxis()
        ax.set_xlim(0, max(runs, default=1) * 1.15 or 1)
        ax.set_xlabel("runs that did not pass")
        fig.legend(
            handles=[
                Patch(color=AGENT, label="the agent's failures"),
                Patch(color=ENVIRONMENT, label="not the agent's doing"),
            ],
            loc="outside upper right",
            ncols=2,
            frameon=False,
        )
        return _svg(fig)


def effect_chart(
    chart_id: str,
    labels: Sequence[str],
    differences: Sequence[float],
    intervals: Sequence[tuple[float, float]],
    kinds: Sequence[str],
) -> str:
    """Each rule's difference in pass rate (with − without) and its interval."""
    with _figure(chart_id, len(labels)) as (fig, ax):
        ax.axvline(0, color="#999999", lw=0.8)
        for row, (diff, (lo, hi), kind) in enumerate(
            zip(differences, intervals, kinds, strict=True)
        ):
            colour = {"do": DO, "avoid": AVOID}.get(kind, NOTE)
            line = ax.errorbar(
                [diff], [row], xerr=[[max(0.0, diff - lo)], [max(0.0, hi - diff)]],
                fmt="o", color=colour, ecolor=colour, capsize=3, ms=5, lw=1.2,
            )  # fmt: skip
            _mark(chart_id, [line.lines[0], *line.lines[2]], start=3 * row)
        ax.set_yticks(range(len(labels)), [_short(label) for label in labels])
        ax.invert_yaxis()
        ax.set_ylim(len(labels) - 0.5, -0.5)
        _percent_axis(ax)
        ax.set_xlabel("pass rate with the behaviour − without (95% interval)")
        return _svg(fig)


# ------------------------------------------------------------------------------ helpers


@contextmanager
def _figure(
    chart_id: str, rows: int, base: float = 0.9, per_row: float = 0.3
) -> Iterator[tuple[Figure, Axes]]:
    """A figure with one axes sized to ``rows`` bars, under the report's rcParams."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",  # text stays text: smaller, and selectable
            "svg.hashsalt": f"engram-{chart_id}",  # deterministic ids, distinct per chart
            "svg.id": chart_id,
            "text.parse_math": False,  # a "$" in a trace's text is not mathtext
            "font.family": "sans-serif",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#888888",
            "path.simplify": True,
        }
    ):
        fig = Figure(figsize=(7.5, min(base + per_row * max(rows, 1), 14.0)), layout="constrained")
        yield fig, fig.add_subplot()


def _svg(fig: Figure) -> str:
    """The figure as an ``<svg>`` element (no XML prolog, metadata or comments)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    for pattern in _STRIP:
        text = pattern.sub("", text)
    return text.strip()


def _mark(chart_id: str, artists: Sequence[Any], start: int = 0) -> None:
    for number, artist in enumerate(artists, start):
        artist.set_gid(f"{chart_id}-mark-{number}")


def _percent_axis(ax: Axes) -> None:
    from matplotlib.ticker import PercentFormatter

    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))


def _short(label: str) -> str:
    return label if len(label) <= LABEL_LIMIT else label[: LABEL_LIMIT - 1] + "…"
