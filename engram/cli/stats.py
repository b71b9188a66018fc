"""``engram stats``."""

from __future__ import annotations

from typing import Any

import typer

from engram.cli.output import DataFormat, percent, print_json


def stats_command(
    output_format: DataFormat = "text",
) -> None:
    """What the store holds: runs, pass rates by category, agent and model, errors by class."""
    from engram.store import open_store

    with open_store() as store:
        data = store.stats()
    if output_format == "json":
        print_json(data)
        return
    typer.echo(f"store: {data['store']}")
    typer.echo(
        f"runs: {data['runs']:,}  valid: {data['valid']:,}  passed: {data['passed']:,}"
        f"  pass rate: {percent(data['pass_rate'])}  not the agent's doing: {data['errors']:,}"
        + (f"  unmeasured: {data['unmeasured']:,}" if data["unmeasured"] else "")
    )
    keyed = data["task_key"]
    unmatched = keyed["unmatched_runs"]
    typer.echo(
        f"tasks: {keyed['tasks']:,}, keyed by {keyed['by']}"
        + (f" ({unmatched:,} runs' ids did not match: each is its own task)" if unmatched else "")
    )
    for title, key in (("category", "by_category"), ("agent", "by_agent"), ("model", "by_model")):
        _table(title, data[key])
    if data["errors_by_class"]:
        typer.echo("\nerrors (left out of success statistics):")
        for name, count in data["errors_by_class"].items():
            typer.echo(f"  {name:<28} {count:>8,}")
    if data["failures_by_class"]:
        typer.echo("\nfailures by class:")
        for name, count in data["failures_by_class"].items():
            typer.echo(f"  {name:<28} {count:>8,}")
    feedback = data["feedback"]
    if feedback["rules_given"]:
        typer.echo(
            f"\nfeedback: {feedback['rules_given']} rules given to runs, efficacy measured for"
            f" {feedback['measured']}: {feedback['helping']} helping, {feedback['hurting']} hurting"
        )
    experiments = data["experiments"]
    if experiments["rules"]:
        typer.echo(
            f"randomized holdout: {experiments['rules']} rules under test, measured for"
            f" {experiments['measured']}: {experiments['proven']} proven to help,"
            f" {experiments['hurting']} hurting"
        )
    rules = ", ".join(f"{n} {status}" for status, n in sorted(data["rules"].items())) or "none"
    typer.echo(f"\nrules: {rules}; learns: {data['learns']}")


def _table(title: str, rows: dict[str, dict[str, Any]]) -> None:
    if not rows:
        return
    width = max(len(title), *(len(name) for name in rows)) + 2
    typer.echo(f"\n{title:<{width}}{'runs':>8}{'valid':>8}{'passed':>8}{'rate':>7}{'reward':>8}")
    for name, row in sorted(rows.items()):
        reward = "-" if row["mean_reward"] is None else f"{row['mean_reward']:.2f}"
        reward = reward if row["valid"] else "-"
        typer.echo(
            f"{name:<{width}}{row['runs']:>8,}{row['valid']:>8,}{row['passed']:>8,}"
            f"{percent(row['pass_rate']):>7}{reward:>8}"
        )
