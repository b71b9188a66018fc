"""The report's sections: header, pass rates, comparison, distributions, failures, playbook."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from engram.analysis.failures import top_counts
from engram.analysis.report import charts
from engram.analysis.report.data import (
    METRICS,
    Rate,
    auto_sides,
    categories,
    configurations,
    metric_groups,
    overall,
    rates_by,
)
from engram.analysis.report.page import (
    CHART_ROWS,
    CLUSTER_ROWS,
    RULE_CHART_ROWS,
    Page,
    Safe,
    html_text,
    metric_format,
    pct,
    points,
    rate_words,
    side_label,
)
from engram.analysis.report.tables import (
    excluded_table,
    html_table,
    metric_table,
    paired_words,
    rate_table,
    sides_table,
    spread_table,
    task_table,
)
from engram.store.selectors import describe

if TYPE_CHECKING:
    import pandas as pd

    from engram.rules import Rule
    from engram.store import Store


def _valid_words(total: Rate, runs: pd.DataFrame) -> str:
    unmeasured = int((runs["status"] == "unmeasured").sum()) if total.runs else 0
    errors = total.runs - total.valid - unmeasured
    words = f"{total.valid:,} ({errors:,} ended in errors not of the agent's making"
    return words + (f", {unmeasured:,} unmeasured)" if unmeasured else ")")


def header_section(store: Store, selectors: dict[str, str], runs: pd.DataFrame, now: datetime) -> str:
    total = overall(runs)
    facts: list[tuple[str, object]] = [
        ("Store", Safe(f"<code>{html_text(store.location)}</code>")),
        ("Selection", Safe(f"<code>{html_text(describe(selectors))}</code>")),
        ("Runs", f"{total.runs:,}"),
        ("Valid runs", _valid_words(total, runs)),
        ("Pass rate", rate_words(total)),
        ("Generated", now.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]
    if total.runs:
        facts[4:4] = [("Tasks", f"{runs['task_id'].nunique():,}")]
    items = "".join(f"<dt>{html_text(name)}</dt><dd>{html_text(value)}</dd>" for name, value in facts)
    if not total.runs:
        message = (
            "There are no runs in this store yet."
            if not selectors
            else f"There are no runs that match {describe(selectors)}."
        )
        body = f'<p class="empty" id="no-runs">{html_text(message)}</p>'
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


def pass_rates(page: Page, runs: pd.DataFrame) -> str:
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
        parts.append(rate_table(f"rates-{key}", title, rates))
    parts.append("</section>")
    return "".join(parts)


def comparison_section(
    store: Store,
    runs: pd.DataFrame,
    selectors: dict[str, str],
    baseline: dict[str, str] | None,
    treatment: dict[str, str] | None,
) -> str:
    from engram.analysis.compare import compare

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
    parts = [head, f'<p class="note">{html_text(how)}</p>', sides_table(data)]
    parts.append(f'<p class="verdict" id="verdict">{html_text(data["verdict"])}</p>')
    parts.append(paired_words(data["paired"]))
    if data["metrics"]:
        parts.append(metric_table(data["metrics"]))
    parts.append("<h3>Tasks</h3>")
    parts.append(task_table(data["tasks"]))
    parts.append("<h3>Excluded runs</h3>")
    parts.append(excluded_table(data["excluded"]))
    parts.append("</section>")
    return "".join(parts)


def distributions_section(page: Page, runs: pd.DataFrame) -> str:
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
        parts.append(f"<h3>{html_text(title)}</h3>")
        parts.append(page.figure(chart_id, svg, f"{title} per configuration: box = quartiles, "
                                 "line = median, whiskers = 5th to 95th percentile."))  # fmt: skip
        parts.append(spread_table(f"spread-{column}", values, metric_format(column)))
    if not drawn:
        parts.append('<p class="empty">The runs recorded no tokens, cost or duration.</p>')
    parts.append("</section>")
    return "".join(parts)


def failures_section(page: Page, store: Store, selectors: dict[str, str]) -> str:
    from engram.analysis.failures import failure_modes

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
        html_table(
            "failure-classes",
            ["Class", "Side", "Runs", "Share", "Categories"],
            [
                [
                    c["class"],
                    side_label(c["side"]),
                    f"{c['runs']:,}",
                    pct(c["share"]),
                    top_counts(c["categories"]),
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
        html_table(
            "failure-clusters",
            ["Template", "Kind", "Side", "Runs", "Share", "Tasks", "Categories"],
            [
                [
                    Safe(f"<code>{html_text(c['template'])}</code>"),
                    c["kind"],
                    side_label(c["side"]),
                    f"{c['runs']:,}",
                    pct(c["share"]),
                    f"{c['tasks']:,}",
                    top_counts(c["categories"]),
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


def _behaviour_rules(page: Page, rules: Sequence[Rule]) -> str:
    parts: list[str] = []
    shown = list(rules[:RULE_CHART_ROWS])
    svg = charts.effect_chart(
        "chart-rule-effects",
        [r.text for r in shown],
        [r.effect[0] for r in shown],
        [(r.effect[1], r.effect[2]) for r in shown],
        [r.kind for r in shown],
    )
    more = (
        f" (the {RULE_CHART_ROWS} with the highest scores)" if len(rules) > RULE_CHART_ROWS else ""
    )
    parts.append(page.figure(
        "chart-rule-effects", svg,
        f"The rules' effects among comparable runs (same agent, and task where repeated){more}.",
    ))  # fmt: skip
    rows = []
    for rule in rules:
        ev = rule.evidence
        difference, low, high = rule.effect
        q = ev.stratified.q_value if ev.stratified is not None else ev.q_value
        rows.append([
            rule.status, rule.kind, rule.scope_label, rule.text,
            f"{ev.pass_with}/{ev.n_with} ({pct(ev.pass_rate_with)})",
            f"{ev.pass_without}/{ev.n_without} ({pct(ev.pass_rate_without)})",
            f"{ev.runs:,}",
            f"{points(difference)} [{points(low)}, {points(high)}]",
            f"{q:.2g}",
        ])  # fmt: skip
    parts.append(
        html_table(
            "rules",
            [
                "Status",
                "Kind",
                "Scope",
                "Rule",
                "Pass with",
                "Pass without",
                "n",
                "Difference among comparable runs [95% interval]",
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
            f"{pct(rule.evidence.difference)} [{pct(rule.evidence.ci_low)},"
            f" {pct(rule.evidence.ci_high)}]",
            f"{rule.evidence.q_value:.2g}",
        ]
        for rule in rules
    ]  # fmt: skip
    headers = ["Status", "Kind", "Scope", "Rule", "Runs ended so", "Share [95% interval]",
               "q-value"]  # fmt: skip
    return "<h3>Recurring failures</h3>" + html_table("failure-rules", headers, rows, numeric={4, 5, 6})


def _peoples_rules(rules: Sequence[Rule]) -> str:
    """Rules written by people: no mined evidence, only how the runs given them fared."""
    rows = []
    for rule in rules:
        f = rule.feedback
        given = f.helpful + f.harmful + f.neutral
        rows.append([rule.status, rule.kind, rule.scope_label, rule.text, f"{given:,}",
                     f"{f.helpful:,}" if given else "-"])  # fmt: skip
    headers = ["Status", "Kind", "Scope", "Rule", "Given to runs", "Passed"]
    return "<h3>Written by people</h3>" + html_table("people-rules", headers, rows, numeric={4, 5})


def playbook_section(page: Page, rules: Sequence[Rule]) -> str:
    parts = ['<section id="playbook"><h2>Playbook</h2>']
    if not rules:
        parts.append('<p class="empty">There are no active or pinned rules.</p></section>')
        return "".join(parts)
    counts = {status: sum(r.status == status for r in rules) for status in ("active", "pinned")}
    parts.append(
        f"<p>{counts['active']} active and {counts['pinned']} pinned rules, learned from every "
        "run in the store (not only the selected ones).</p>"
    )
    people = [r for r in rules if r.by_person]
    failures = [r for r in rules if r.is_failure and not r.by_person]
    rules = [r for r in rules if not (r.is_failure or r.by_person)]
    if rules:
        parts.append(_behaviour_rules(page, rules))
    if failures:
        parts.append(_failure_rules(failures))
    if people:
        parts.append(_peoples_rules(people))
    parts.append("</section>")
    return "".join(parts)
