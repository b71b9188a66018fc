"""The page's frame: limits, style, the chart check, escaping, and words for numbers."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

from engram.analysis.report.data import Rate

CHART_ROWS = 30  # bars in one chart; the table beside it has every row
TASK_ROWS = 300
EXCLUDED_ROWS = 200
CLUSTER_ROWS = 15  # per side
RULE_CHART_ROWS = 30

#: Counts the charts that were really drawn: a chart is drawn when its SVG has a non-empty
#: box and at least one of its data marks (ids ``…-mark-N``) has a non-empty box.
CHART_CHECK = """
(function () {
  function hasBox(element) {
    var box = element.getBBox();
    return box.width > 0 || box.height > 0;
  }
  function drawn(svg) {
    var box = svg.getBBox();
    if (!(box.width > 0 && box.height > 0)) return false;
    var marks = svg.querySelectorAll('[id*="-mark-"]');
    for (var i = 0; i < marks.length; i++) {
      var parts = [marks[i]].concat(Array.prototype.slice.call(
        marks[i].querySelectorAll("path, rect, use, line, polyline, polygon")));
      for (var j = 0; j < parts.length; j++) {
        if (hasBox(parts[j])) return true;
      }
    }
    return false;
  }
  function check() {
    var svgs = document.querySelectorAll("figure.chart svg");
    var count = 0;
    for (var i = 0; i < svgs.length; i++) {
      if (drawn(svgs[i])) count++;
    }
    document.body.dataset.chartsDrawn = String(count);
  }
  check();
  window.addEventListener("load", check);
})();
""".strip()
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(CHART_CHECK.encode()).digest()).decode()
_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    f"script-src 'sha256-{_SCRIPT_HASH}'"
)

CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
  margin: 0; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem 2rem 4rem; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.3rem; margin: 2.5rem 0 .75rem; padding-bottom: .25rem;
  border-bottom: 2px solid #e3e3e3; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
nav a { margin-right: 1rem; color: #3b5b92; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { color: #666; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: 13px; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #e6e6e6; text-align: left;
  vertical-align: top; }
th { background: #f5f6f8; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td code, p code { font-size: 12px; overflow-wrap: anywhere; }
figure.chart { margin: .5rem 0 1rem; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { color: #666; font-size: 12px; }
.verdict { background: #f3f6fb; border-left: 4px solid #4c72b0; padding: .6rem .9rem; }
.note, .empty { color: #666; }
.side-agent { color: #2f5597; }
.side-environment { color: #b0601b; }
tr.changed td { background: #fff8e6; }
.scroll { max-height: 32rem; overflow: auto; display: inline-block; }
""".strip()


class Safe(str):
    """Text that is already HTML."""


def html_text(value: object) -> str:
    return value if isinstance(value, Safe) else escape(str(value), quote=True)


@dataclass(slots=True)
class Page:
    """Collects the charts drawn, so the page can say how many to expect."""

    charts: list[str] = field(default_factory=list)

    def figure(self, chart_id: str, svg: str, caption: str) -> Safe:
        self.charts.append(chart_id)
        return Safe(f'<figure class="chart">{svg}<figcaption>{html_text(caption)}</figcaption></figure>')


def page_document(parts: Sequence[str], charts_expected: int) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">'
        "<title>engram report</title>"
        f"<style>{CSS}</style></head>\n"
        f'<body data-charts="{charts_expected}"><main>\n'
        + "\n".join(parts)
        + f"\n</main><script>{CHART_CHECK}</script></body></html>\n"
    )


def side_label(side: str) -> Safe:
    words = "the agent" if side == "agent" else "not the agent's doing"
    return Safe(f'<span class="side-{html_text(side)}">{html_text(words)}</span>')


def rate_words(rate: Rate) -> str:
    if rate.rate is None:
        return "–"
    return f"{pct(rate.rate)} ({rate.passed:,} of {rate.valid:,} valid runs; 95% interval {interval_words(rate)})"


def interval_words(rate: Rate) -> str:
    interval = rate.interval
    return "–" if interval is None else f"{pct(interval[0])} – {pct(interval[1])}"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def points(value: float) -> str:
    return f"{100 * value:+.1f}"


def metric_format(column: str) -> Callable[[float | None], str]:
    def money(value: float | None) -> str:
        if value is None:
            return "–"
        sign, size = "-" if value < 0 else "", abs(value)
        return f"{sign}${size:,.4f}" if size < 1 else f"{sign}${size:,.2f}"

    def count(value: float | None) -> str:
        return "–" if value is None else f"{value:,.0f}"

    def seconds(value: float | None) -> str:
        return "–" if value is None else f"{value:,.1f} s"

    return {"cost_usd": money, "duration_s": seconds}.get(column, count)
