"""``engram compare``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from engram.cli.output import DataFormat, one_of, percent, print_json, task_key_option, warn

TASKS_SHOWN = 25




def compare_command(
    baseline: Annotated[
        list[str], typer.Option(help="Selector(s) key=value for the baseline runs; repeatable.")
    ],
    treatment: Annotated[
        list[str], typer.Option(help="Selector(s) key=value for the treatment runs; repeatable.")
    ],
    by: Annotated[
        str | None,
        typer.Option(
            help="Also compare within each value of this.", **one_of(("category", "agent", "model"))
        ),
    ] = None,
    task_key: Annotated[
        str | None,
        typer.Option(
            help="A regular expression whose first group is a run's task key: runs with equal"
            " keys are of one task (for this comparison; default: the store's)."
        ),
    ] = None,
    output_format: DataFormat = "text",
) -> None:
    """Compare two configurations: paired per task, with exact tests and a plain verdict.

    Selector keys: agent, model, category, job, task, tag, file, status.
    """
    from engram.analysis.compare import compare
    from engram.store import open_store
    from engram.store.selectors import parse_selectors, selector_notices

    base, treat = parse_selectors(baseline), parse_selectors(treatment)
    key = task_key_option(task_key)
    with open_store() as store:
        warn(selector_notices(store, base, treat))
        result = compare(store, base, treat, by=by, task_key=key)
    if output_format == "json":
        print_json(result.as_dict())
        return
    data = result.as_dict()
    keyed = data["task_key"]
    unmatched = keyed["unmatched_runs"]
    typer.echo(f"tasks keyed by {keyed['by']}"
               + (f" ({unmatched:,} runs' ids did not match: each is its own task)"
                  if unmatched else ""))  # fmt: skip
    _print(data)
    for value, part in data.get("by", {}).items():
        typer.echo(f"\n── {by or ''} {value}")
        _print(part, tasks=False)


def _print(data: dict[str, Any], tasks: bool = True) -> None:
    for side in ("baseline", "treatment"):
        s = data[side]
        ci = f"[{percent(s['ci'][0])}, {percent(s['ci'][1])}]" if s["ci"] else ""
        errors = sum(s["errors"].values())
        typer.echo(
            f"{side:<10} {s['selector']}: {s['passed']}/{s['valid']} passed"
            f" {percent(s['pass_rate'])} {ci}"
            + (f", {errors} run(s) ended in errors" if errors else "")
            + (f", {s['unmeasured']} unmeasured" if s["unmeasured"] else "")
        )
    if tasks and data["tasks"]:
        rows = data["tasks"]
        shown = rows if len(rows) <= TASKS_SHOWN else [r for r in rows if _changed(r)]
        typer.echo("\ntask                             baseline → treatment")
        for row in shown[:TASKS_SHOWN]:
            typer.echo(f"  {row['task_id'][:30]:<30} {row['outcome']}")
        if len(shown) < len(rows) or len(shown) > TASKS_SHOWN:
            typer.echo(
                f"  ({min(len(shown), TASKS_SHOWN)} of {len(rows)} tasks shown: those whose"
                " outcome changed; --format json has all)"
            )
    metrics = data["metrics"]
    for name in ("input_tokens", "output_tokens", "cost_usd", "duration_s"):
        if name in metrics:
            m = metrics[name]
            typer.echo(
                f"median {name:<14} {_num(m['baseline_median'])} → {_num(m['treatment_median'])}"
            )
    typer.echo("\n" + data["verdict"])


def _changed(row: dict[str, Any]) -> bool:
    """A task whose outcome differs between the sides (or that only one side measured)."""
    before, _, after = row["outcome"].partition(" → ")
    return not after or before != after


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
