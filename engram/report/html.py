"""``engram report``: one self-contained HTML page about the selected runs.

Everything is inline (CSS, SVG charts, one small script), so the file opens offline. Text that
comes from traces (task ids, templates, rule texts, selectors) is untrusted: it is escaped
wherever it is written, and a Content-Security-Policy allows only the page's own script.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engram.errors import EngramError
from engram.report import charts
from engram.report.data import (
    METRICS,
    Rate,
    auto_sides,
    categories,
    configurations,
    metric_groups,
    overall,
    rates_by,
)
from engram.selectors import describe

if TYPE_CHECKING:
    import pandas as pd

    from engram.rules import Rule
    from engram.store import Store

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


def _e(value: object) -> str:
    return value if isinstance(value, Safe) else escape(str(value), quote=True)


@dataclass(slots=True)
class _Page:
    """Collects the charts drawn, so the page can say how many to expect."""

    charts: list[str] = field(default_factory=list)

    def figure(self, chart_id: str, svg: str, caption: str) -> Safe:
        self.charts.append(chart_id)
        return Safe(f'<figure class="chart">{svg}<figcaption>{_e(caption)}</figcaption></figure>')


# ------------------------------------------------------------------------------ public API


def build_report(
    store: Store,
    selectors: dict[str, str] | None = None,
    baseline: dict[str, str] | None = None,
    treatment: dict[str, str] | None = None,
    *,
    now: datetime | None = None,
) -> str:
    """The HTML report of the runs ``selectors`` choose (all runs by default).

    With ``baseline`` and ``treatment`` (selectors, both or neither) the comparison uses them;
    otherwise it compares the two agents with the most selected runs, if there are two.
    """
    if (baseline is None) != (treatment is None):
        raise EngramError(
            "a comparison needs both a baseline and a treatment",
            hint="give --baseline and --treatment together, or neither",
        )
    selectors = dict(selectors or {})
    runs = store.run_frame(selectors)
    page = _Page()
    parts = [_header(store, selectors, runs, now or datetime.now(UTC))]
    if not runs.empty:
        parts.append(_pass_rates(page, runs))
    if not runs.empty or baseline is not None:
        parts.append(_comparison(store, runs, selectors, baseline, treatment))
    if not runs.empty:
        parts.append(_distributions(page, runs))
        parts.append(_failures(page, store, selectors))
    parts.append(_playbook(page, store.rules()))
    return _document(parts, len(page.charts))


def write_report(
    path: str | os.PathLike[str],
    store: Store | None = None,
    selectors: dict[str, str] | None = None,
    baseline: dict[str, str] | None = None,
    treatment: dict[str, str] | None = None,
    *,
    now: datetime | None = None,
) -> Path:
    """Build the report and write it to ``path`` (atomically); opens the store if not given."""
    if store is None:
        from engram.store import open_store

        with open_store() as own:
            text = build_report(own, selectors, baseline, treatment, now=now)
    else:
        text = build_report(store, selectors, baseline, treatment, now=now)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)  # a report is for sharing, unlike mkstemp's private default
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


# ------------------------------------------------------------------------------ sections


def _header(store: Store, selectors: dict[str, str], runs: pd.DataFrame, now: datetime) -> str:
    total = overall(runs)
    facts: list[tuple[str, object]] = [
        ("Store", Safe(f"<code>{_e(store.location)}</code>")),
        ("Selection", Safe(f"<code>{_e(describe(selectors))}</code>")),
        ("Runs", f"{total.runs:,}"),
        ("Valid runs", f"{total.valid:,} ({total.runs - total.valid:,} not measured)"),
        ("Pass rate", _rate_words(total)),
        ("Generated", now.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]
    if total.runs:
        facts[4:4] = [("Tasks", f"{runs['task_id'].nunique():,}")]
    items = "".join(f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in facts)
    if not total.runs:
        message = (
            "There are no runs in this store yet."
            if not selectors
            else f"There are no runs that match {describe(selectors)}."
        )
        body = f'<p class="empty" id="no-runs">{_e(message)}</p>'
    else:
        body = _nav()
    return f'<header><h1>engram report</h1><dl class="facts">{items}</dl>{body}</header>'


def _nav() -> str:
    links = (
        ("pass-rates", "Pass rates"),
        ("comparison", "Comparison"),
        ("distributions", "Tokens, cost and duration"),
        ("failures", "Failures"),
        ("playbook", "Playbook"),
    )
    return "<nav>" + "".join(f'<a href="#{key}">{name}</a>' for key, name in links) + "</nav>"


def _pass_rates(page: _Page, runs: pd.DataFrame) -> str:
    parts = ['<section id="pass-rates"><h2>Pass rates</h2>']
    for key, title, groups in (
        ("configuration", "Configuration", configurations(runs)),
        ("category", "Category", categories(runs)),
    ):
        rates = rates_by(runs, groups)
        parts.append(f"<h3>By {title.lower()}</h3>")
        measured = sorted((r for r in rates if r.valid), key=lambda r: (-r.valid, r.label))
        shown = sorted(measured[:CHART_ROWS], key=lambda r: r.label)
        if shown:
            svg = charts.rate_chart(
                f"chart-pass-{key}",
                [r.label for r in shown],
                [r.rate or 0.0 for r in shown],
                [r.interval or (0.0, 1.0) for r in shown],
                [r.valid for r in shown],
            )
            more = f" ({CHART_ROWS} with the most valid runs)" if len(measured) > CHART_ROWS else ""
            parts.append(page.figure(f"chart-pass-{key}", svg, f"Pass rate by {key}{more}."))
        parts.append(_rate_table(f"rates-{key}", title, rates))
    parts.append("</section>")
    return "".join(parts)


def _comparison(
    store: Store,
    runs: pd.DataFrame,
    selectors: dict[str, str],
    baseline: dict[str, str] | None,
    treatment: dict[str, str] | None,
) -> str:
    from engram.compare import compare

    head = '<section id="comparison"><h2>Comparison</h2>'
    if baseline is not None and treatment is not None:
        how = "Baseline and treatment as given."
    else:
        sides = auto_sides(runs, selectors)
        if sides is None:
            return (
                head + '<p class="empty">The selected runs hold one agent: nothing to compare.'
                " Give --baseline and --treatment to compare other selections.</p></section>"
            )
        baseline, treatment = sides
        how = (
            f"The two agents with the most runs: baseline {baseline['agent']}, treatment "
            f"{treatment['agent']} (the baseline is the first of the two by name)."
        )
    data = compare(store, baseline, treatment).as_dict()
    parts = [head, f'<p class="note">{_e(how)}</p>', _sides_table(data)]
    parts.append(f'<p class="verdict" id="verdict">{_e(data["verdict"])}</p>')
    parts.append(_paired_words(data["paired"]))
    if data["metrics"]:
        parts.append(_metric_table(data["metrics"]))
    parts.append("<h3>Tasks</h3>")
    parts.append(_task_table(data["tasks"]))
    parts.append("<h3>Excluded runs</h3>")
    parts.append(_excluded_table(data["excluded"]))
    parts.append("</section>")
    return "".join(parts)


def _distributions(page: _Page, runs: pd.DataFrame) -> str:
    groups = configurations(runs)
    parts = ['<section id="distributions"><h2>Tokens, cost and duration</h2>']
    drawn = 0
    for column, title, axis in METRICS:
        values = metric_groups(runs, groups, column)
        if not values:
            continue
        if len(values) > CHART_ROWS:  # the configurations with the most runs
            most = sorted(values, key=lambda label: (-len(values[label]), label))[:CHART_ROWS]
            values = {label: values[label] for label in sorted(most)}
        drawn += 1
        flat = [v for known in values.values() for v in known]
        log = min(flat) > 0 and max(flat) / min(flat) >= 50
        chart_id = f"chart-{column.replace('_', '-')}"
        svg = charts.distribution_chart(
            chart_id, values, axis + (" (log scale)" if log else ""), log
        )
        parts.append(f"<h3>{_e(title)}</h3>")
        parts.append(page.figure(chart_id, svg, f"{title} per configuration: box = quartiles, "
                                 "line = median, whiskers = 5th to 95th percentile."))  # fmt: skip
        parts.append(_spread_table(f"spread-{column}", values, _metric_format(column)))
    if not drawn:
        parts.append('<p class="empty">The runs recorded no tokens, cost or duration.</p>')
    parts.append("</section>")
    return "".join(parts)


def _failures(page: _Page, store: Store, selectors: dict[str, str]) -> str:
    from engram.failures.modes import failure_modes

    data = failure_modes(store, selectors).as_dict()
    parts = [
        '<section id="failures"><h2>Failures</h2>',
        f"<p>{data['failed']:,} of {data['runs']:,} runs did not pass.</p>",
    ]
    classes = data["classes"]
    if not classes:
        parts.append('<p class="empty">No failures.</p></section>')
        return "".join(parts)
    shown = classes[:CHART_ROWS]
    svg = charts.failure_chart(
        "chart-failure-classes",
        [c["class"] for c in shown],
        [c["runs"] for c in shown],
        [c["side"] for c in shown],
    )
    parts.append(page.figure("chart-failure-classes", svg, "Runs that did not pass, by class."))
    parts.append(
        _table(
            "failure-classes",
            ["Class", "Side", "Runs", "Share", "Categories"],
            [
                [
                    c["class"],
                    _side(c["side"]),
                    f"{c['runs']:,}",
                    _pct(c["share"]),
                    _top(c["categories"]),
                ]
                for c in classes
            ],
            numeric={2, 3},
        )
    )
    parts.append("<h3>Top failure clusters</h3>")
    clusters = data["clusters"]
    top = [
        cluster
        for side in ("agent", "environment")
        for cluster in sorted(
            (c for c in clusters if c["side"] == side), key=lambda c: (-c["runs"], c["template"])
        )[:CLUSTER_ROWS]
    ]
    parts.append(
        _table(
            "failure-clusters",
            ["Template", "Kind", "Side", "Runs", "Share", "Tasks", "Categories"],
            [
                [
                    Safe(f"<code>{_e(c['template'])}</code>"),
                    c["kind"],
                    _side(c["side"]),
                    f"{c['runs']:,}",
                    _pct(c["share"]),
                    f"{c['tasks']:,}",
                    _top(c["categories"]),
                ]
                for c in top
            ],
            numeric={3, 4, 5},
            empty="No failure messages were recorded.",
        )
    )
    if len(clusters) > len(top):
        parts.append(
            f'<p class="note">{len(clusters) - len(top)} more clusters: '
            "<code>engram failures --format json</code> lists them all.</p>"
        )
    parts.append("</section>")
    return "".join(parts)


def _behaviour_rules(page: _Page, rules: Sequence[Rule]) -> str:
    parts: list[str] = []
    shown = list(rules[:RULE_CHART_ROWS])
    svg = charts.effect_chart(
        "chart-rule-effects",
        [r.text for r in shown],
        [r.evidence.difference for r in shown],
        [(r.evidence.ci_low, r.evidence.ci_high) for r in shown],
        [r.kind for r in shown],
    )
    more = (
        f" (the {RULE_CHART_ROWS} with the highest scores)" if len(rules) > RULE_CHART_ROWS else ""
    )
    parts.append(page.figure("chart-rule-effects", svg, f"The rules' effects{more}."))
    rows = []
    for rule in rules:
        ev = rule.evidence
        rows.append([
            rule.status, rule.kind, rule.scope_label, rule.text,
            f"{ev.pass_with}/{ev.n_with} ({_pct(ev.pass_rate_with)})",
            f"{ev.pass_without}/{ev.n_without} ({_pct(ev.pass_rate_without)})",
            f"{ev.runs:,}",
            f"{_points(ev.difference)} [{_points(ev.ci_low)}, {_points(ev.ci_high)}]",
            f"{ev.q_value:.2g}",
        ])  # fmt: skip
    parts.append(
        _table(
            "rules",
            [
                "Status",
                "Kind",
                "Scope",
                "Rule",
                "Pass with",
                "Pass without",
                "n",
                "Difference [95% interval]",
                "q-value",
            ],
            rows,
            numeric={4, 5, 6, 7, 8},
        )
    )
    return "".join(parts)


def _failure_rules(rules: Sequence[Rule]) -> str:
    """Rules about recurring failures: their evidence is a share of runs, not a difference."""
    rows = [
        [
            rule.status, rule.kind, rule.scope_label, rule.text,
            f"{rule.evidence.n_with:,} of {rule.evidence.runs:,}",
            f"{_pct(rule.evidence.difference)} [{_pct(rule.evidence.ci_low)},"
            f" {_pct(rule.evidence.ci_high)}]",
            f"{rule.evidence.q_value:.2g}",
        ]
        for rule in rules
    ]  # fmt: skip
    headers = ["Status", "Kind", "Scope", "Rule", "Runs ended so", "Share [95% interval]",
               "q-value"]  # fmt: skip
    return "<h3>Recurring failures</h3>" + _table("failure-rules", headers, rows, numeric={4, 5, 6})


def _playbook(page: _Page, rules: Sequence[Rule]) -> str:
    parts = ['<section id="playbook"><h2>Playbook</h2>']
    if not rules:
        parts.append('<p class="empty">There are no active or pinned rules.</p></section>')
        return "".join(parts)
    counts = {status: sum(r.status == status for r in rules) for status in ("active", "pinned")}
    parts.append(
        f"<p>{counts['active']} active and {counts['pinned']} pinned rules, learned from every "
        "run in the store (not only the selected ones).</p>"
    )
    failures = [r for r in rules if r.is_failure]
    rules = [r for r in rules if not r.is_failure]
    if rules:
        parts.append(_behaviour_rules(page, rules))
    if failures:
        parts.append(_failure_rules(failures))
    parts.append("</section>")
    return "".join(parts)


# ------------------------------------------------------------------------------ tables


def _table(
    table_id: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    numeric: set[int] | frozenset[int] = frozenset(),
    empty: str = "None.",
    row_class: Callable[[Sequence[object]], str] | None = None,
) -> str:
    def cls(index: int) -> str:
        return ' class="num"' if index in numeric else ""

    head = "".join(f"<th{cls(i)}>{_e(h)}</th>" for i, h in enumerate(headers))
    body = []
    for row in rows:
        extra = row_class(row) if row_class else ""
        cells = "".join(f"<td{cls(i)}>{_e(cell)}</td>" for i, cell in enumerate(row))
        body.append(f'<tr class="{extra}">{cells}</tr>' if extra else f"<tr>{cells}</tr>")
    if not body:
        return f'<p class="empty" id="{table_id}">{_e(empty)}</p>'
    return (
        f'<table id="{table_id}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _rate_table(table_id: str, title: str, rates: Sequence[Rate]) -> str:
    rows = [
        [r.label, f"{r.runs:,}", f"{r.valid:,}", f"{r.passed:,}", _pct(r.rate), _interval(r)]
        for r in rates
    ]
    headers = [title, "Runs", "Valid", "Passed", "Pass rate", "95% interval"]
    return _table(table_id, headers, rows, numeric={1, 2, 3, 4, 5})


def _sides_table(data: dict[str, Any]) -> str:
    rows = []
    for side in ("baseline", "treatment"):
        s = data[side]
        ci = f"{_pct(s['ci'][0])} – {_pct(s['ci'][1])}" if s["ci"] else "–"
        errors = ", ".join(f"{name} {n}" for name, n in s["errors"].items()) or "–"
        rows.append([
            side, Safe(f"<code>{_e(s['selector'])}</code>"), f"{s['runs']:,}", f"{s['valid']:,}",
            f"{s['passed']:,}", _pct(s["pass_rate"]), ci, errors,
        ])  # fmt: skip
    headers = ["Side", "Selector", "Runs", "Valid", "Passed", "Pass rate", "95% interval",
               "Not measured"]  # fmt: skip
    return _table("comparison-sides", headers, rows, numeric={2, 3, 4, 5, 6})


def _paired_words(paired: dict[str, Any]) -> str:
    if not paired["tasks"]:
        return '<p class="note">No task has measured runs on both sides.</p>'
    test = {"mcnemar_exact": "exact McNemar", "wilcoxon": "Wilcoxon signed-rank"}.get(
        paired["test"], paired["test"]
    )
    return (
        f'<p class="note">{paired["tasks"]} paired tasks: both pass {paired["both_pass"]}, '
        f"only baseline {paired['only_baseline']}, only treatment {paired['only_treatment']}, "
        f"both fail {paired['both_fail']}; {_e(test)} p = {paired['p_value']:.3g}.</p>"
    )


def _metric_table(metrics: dict[str, Any]) -> str:
    rows = []
    for column, title, _ in METRICS:
        if column not in metrics:
            continue
        m, fmt = metrics[column], _metric_format(column)
        ci = m["difference_ci"]
        rows.append([
            title, fmt(m["baseline_median"]), fmt(m["treatment_median"]),
            f"{fmt(ci[0])} to {fmt(ci[1])}" if ci else "–",
        ])  # fmt: skip
    per_pass = metrics.get("cost_per_pass", {})
    if any(v is not None for v in per_pass.values()):
        money = _metric_format("cost_usd")
        rows.append(["Cost per pass", money(per_pass.get("baseline")),
                     money(per_pass.get("treatment")), "–"])  # fmt: skip
    headers = ["Median", "Baseline", "Treatment", "95% interval of the difference"]
    return _table("comparison-metrics", headers, rows, numeric={1, 2, 3})


def _task_table(tasks: list[dict[str, Any]]) -> str:
    def side(info: dict[str, Any] | None) -> str:
        return "–" if info is None else f"{info['passed']}/{info['valid']} passed"

    rows = [
        [Safe(f"<code>{_e(t['task_id'])}</code>"), side(t["baseline"]), side(t["treatment"]),
         t["outcome"]]
        for t in tasks[:TASK_ROWS]
    ]  # fmt: skip

    def changed(row: Sequence[object]) -> str:
        outcome = str(row[3])
        before, arrow, after = outcome.partition(" → ")
        return "changed" if arrow and before != after else ""

    table = _table(
        "comparison-tasks",
        ["Task", "Baseline", "Treatment", "Baseline → treatment"],
        rows,
        empty="No tasks.",
        row_class=changed,
    )
    table = f'<div class="scroll">{table}</div>' if rows else table
    if len(tasks) > TASK_ROWS:
        table += (
            f'<p class="note">{len(tasks) - TASK_ROWS} more tasks: '
            "<code>engram compare --format json</code> lists them all.</p>"
        )
    return table


def _excluded_table(excluded: list[dict[str, Any]]) -> str:
    rows = [
        [Safe(f"<code>{_e(e['task_id'])}</code>"), e["side"], Safe(f"<code>{_e(e['trace_id'])}</code>"),
         e["reason"], "yes" if e["task_left_out"] else "no"]
        for e in excluded[:EXCLUDED_ROWS]
    ]  # fmt: skip
    table = _table(
        "comparison-excluded",
        ["Task", "Side", "Run", "Reason", "Task left out"],
        rows,
        empty="No runs were left out.",
    )
    table = f'<div class="scroll">{table}</div>' if rows else table
    if len(excluded) > EXCLUDED_ROWS:
        table += f'<p class="note">and {len(excluded) - EXCLUDED_ROWS} more.</p>'
    return table


def _spread_table(
    table_id: str, values: dict[str, list[float]], fmt: Callable[[float | None], str]
) -> str:
    import numpy as np

    rows = []
    for label, known in values.items():
        p5, median, p95 = np.percentile(known, [5, 50, 95])
        rows.append([label, f"{len(known):,}", fmt(float(median)), fmt(float(np.mean(known))),
                     f"{fmt(float(p5))} – {fmt(float(p95))}"])  # fmt: skip
    headers = ["Configuration", "Runs", "Median", "Mean", "5th – 95th percentile"]
    return _table(table_id, headers, rows, numeric={1, 2, 3, 4})


# ------------------------------------------------------------------------------ words


def _document(parts: Sequence[str], charts_expected: int) -> str:
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


def _side(side: str) -> Safe:
    words = "the agent" if side == "agent" else "not the agent's doing"
    return Safe(f'<span class="side-{_e(side)}">{_e(words)}</span>')


def _rate_words(rate: Rate) -> str:
    if rate.rate is None:
        return "–"
    return f"{_pct(rate.rate)} ({rate.passed:,} of {rate.valid:,} valid runs; 95% interval {_interval(rate)})"


def _interval(rate: Rate) -> str:
    interval = rate.interval
    return "–" if interval is None else f"{_pct(interval[0])} – {_pct(interval[1])}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _points(value: float) -> str:
    return f"{100 * value:+.1f}"


def _top(counts: dict[str, int], shown: int = 3) -> str:
    items = list(counts.items())
    text = ", ".join(f"{name} {n}" for name, n in items[:shown])
    return text + (f", +{len(items) - shown} more" if len(items) > shown else "")


def _metric_format(column: str) -> Callable[[float | None], str]:
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
