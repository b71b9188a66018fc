"""HTML tables of the report, their cells escaped unless marked safe."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from engram.analysis.report.data import (
    METRICS,
    Rate,
)
from engram.analysis.report.page import (
    EXCLUDED_ROWS,
    TASK_ROWS,
    Safe,
    html_text,
    interval_words,
    metric_format,
    pct,
)


def html_table(
    table_id: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    numeric: set[int] | frozenset[int] = frozenset(),
    empty: str = "None.",
    row_class: Callable[[Sequence[object]], str] | None = None,
) -> str:
    def cls(index: int) -> str:
        return ' class="num"' if index in numeric else ""

    head = "".join(f"<th{cls(i)}>{html_text(h)}</th>" for i, h in enumerate(headers))
    body = []
    for row in rows:
        extra = row_class(row) if row_class else ""
        cells = "".join(f"<td{cls(i)}>{html_text(cell)}</td>" for i, cell in enumerate(row))
        body.append(f'<tr class="{extra}">{cells}</tr>' if extra else f"<tr>{cells}</tr>")
    if not body:
        return f'<p class="empty" id="{table_id}">{html_text(empty)}</p>'
    return (
        f'<table id="{table_id}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def rate_table(table_id: str, title: str, rates: Sequence[Rate]) -> str:
    rows = [
        [r.label, f"{r.runs:,}", f"{r.valid:,}", f"{r.passed:,}", pct(r.rate), interval_words(r)]
        for r in rates
    ]
    headers = [title, "Runs", "Valid", "Passed", "Pass rate", "95% interval"]
    return html_table(table_id, headers, rows, numeric={1, 2, 3, 4, 5})


def sides_table(data: dict[str, Any]) -> str:
    rows = []
    for side in ("baseline", "treatment"):
        s = data[side]
        ci = f"{pct(s['ci'][0])} – {pct(s['ci'][1])}" if s["ci"] else "–"
        errors = ", ".join(f"{name} {n}" for name, n in s["errors"].items()) or "–"
        rows.append([
            side, Safe(f"<code>{html_text(s['selector'])}</code>"), f"{s['runs']:,}", f"{s['valid']:,}",
            f"{s['passed']:,}", pct(s["pass_rate"]), ci, errors,
        ])  # fmt: skip
    headers = ["Side", "Selector", "Runs", "Valid", "Passed", "Pass rate", "95% interval",
               "Not measured"]  # fmt: skip
    return html_table("comparison-sides", headers, rows, numeric={2, 3, 4, 5, 6})


def paired_words(paired: dict[str, Any]) -> str:
    if not paired["tasks"]:
        return '<p class="note">No task has measured runs on both sides.</p>'
    test = {"mcnemar_exact": "exact McNemar", "wilcoxon": "Wilcoxon signed-rank"}.get(
        paired["test"], paired["test"]
    )
    repeated = paired["test"] != "mcnemar_exact"  # rates per task: "better", not "only"
    parts = [
        f"both pass {paired['both_pass']}",
        f"{'baseline better' if repeated else 'only baseline'} {paired['only_baseline']}",
        f"{'treatment better' if repeated else 'only treatment'} {paired['only_treatment']}",
        f"both fail {paired['both_fail']}",
    ]
    if paired.get("tied"):
        parts.append(f"same partial rate {paired['tied']}")
    return (
        f'<p class="note">{paired["tasks"]} paired tasks: {", ".join(parts)};'
        f" {html_text(test)} p = {paired['p_value']:.3g}.</p>"
    )


def metric_table(metrics: dict[str, Any]) -> str:
    rows = []
    for column, title, _ in METRICS:
        if column not in metrics:
            continue
        m, fmt = metrics[column], metric_format(column)
        ci = m["difference_ci"]
        rows.append([
            title, fmt(m["baseline_median"]), fmt(m["treatment_median"]),
            f"{fmt(ci[0])} to {fmt(ci[1])}" if ci else "–",
        ])  # fmt: skip
    per_pass = metrics.get("cost_per_pass", {})
    if any(v is not None for v in per_pass.values()):
        money = metric_format("cost_usd")
        rows.append(["Cost per pass", money(per_pass.get("baseline")),
                     money(per_pass.get("treatment")), "–"])  # fmt: skip
    headers = ["Median", "Baseline", "Treatment", "95% interval of the difference"]
    return html_table("comparison-metrics", headers, rows, numeric={1, 2, 3})


def task_table(tasks: list[dict[str, Any]]) -> str:
    def side(info: dict[str, Any] | None) -> str:
        return "–" if info is None else f"{info['passed']}/{info['valid']} passed"

    rows = [
        [Safe(f"<code>{html_text(t['task_id'])}</code>"), side(t["baseline"]), side(t["treatment"]),
         t["outcome"]]
        for t in tasks[:TASK_ROWS]
    ]  # fmt: skip

    def changed(row: Sequence[object]) -> str:
        outcome = str(row[3])
        before, arrow, after = outcome.partition(" → ")
        return "changed" if arrow and before != after else ""

    table = html_table(
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


def excluded_table(excluded: list[dict[str, Any]]) -> str:
    rows = [
        [Safe(f"<code>{html_text(e['task_id'])}</code>"), e["side"], Safe(f"<code>{html_text(e['trace_id'])}</code>"),
         e["reason"], "yes" if e["task_left_out"] else "no"]
        for e in excluded[:EXCLUDED_ROWS]
    ]  # fmt: skip
    table = html_table(
        "comparison-excluded",
        ["Task", "Side", "Run", "Reason", "Task left out"],
        rows,
        empty="No runs were left out.",
    )
    table = f'<div class="scroll">{table}</div>' if rows else table
    if len(excluded) > EXCLUDED_ROWS:
        table += f'<p class="note">and {len(excluded) - EXCLUDED_ROWS} more.</p>'
    return table


def spread_table(
    table_id: str, values: dict[str, list[float]], fmt: Callable[[float | None], str]
) -> str:
    import numpy as np

    rows = []
    for label, known in values.items():
        p5, median, p95 = np.percentile(known, [5, 50, 95])
        rows.append([label, f"{len(known):,}", fmt(float(median)), fmt(float(np.mean(known))),
                     f"{fmt(float(p5))} – {fmt(float(p95))}"])  # fmt: skip
    headers = ["Configuration", "Runs", "Median", "Mean", "5th – 95th percentile"]
    return html_table(table_id, headers, rows, numeric={1, 2, 3, 4})
