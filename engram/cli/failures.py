"""``engram failures``."""

from __future__ import annotations

from typing import Annotated

import typer

from engram.cli.output import SELECTORS_HELP, data_format, percent, print_json, warn


def failures_command(
    select: Annotated[
        list[str] | None,
        typer.Argument(help=SELECTORS_HELP),
    ] = None,
    category: Annotated[str | None, typer.Option(help="Only runs of this task category.")] = None,
    agent: Annotated[str | None, typer.Option(help="Only runs of this agent.")] = None,
    limit: Annotated[int, typer.Option(help="Clusters shown per side (text output).")] = 15,
    output_format: Annotated[str, data_format("text or json (json lists every run id).")] = "text",
) -> None:
    """Why runs failed: failure classes, and error messages clustered into templates.

    Errors not of the agent's making (infrastructure, model provider, verifier) are listed
    apart from the agent's own failures.
    """
    from engram.analysis.failures import failure_modes, top_counts
    from engram.store import open_store
    from engram.store.selectors import parse_selectors, selector_notices

    selectors = parse_selectors(select or [])
    for key, value in (("category", category), ("agent", agent)):
        if value:
            selectors.update(parse_selectors([f"{key}={value}"]))
    with open_store() as store:
        warn(selector_notices(store, selectors))
        modes = failure_modes(store, selectors)
    if output_format == "json":
        print_json(modes.as_dict())
        return
    typer.echo(f"{modes.failed:,} of {modes.runs:,} runs did not pass")
    for side, title in (
        ("agent", "the agent's failures"),
        ("environment", "not the agent's doing"),
    ):
        classes = [c for c in modes.classes if c.side == side]
        clusters = [c for c in modes.clusters if c.side == side]
        if not (classes or clusters):
            continue
        typer.echo(f"\n{title}")
        for found in classes:
            typer.echo(f"  {found.name:<20} {found.runs:>7,} runs {percent(found.share):>5}"
                       f"  {top_counts(found.categories)}")  # fmt: skip
        for cluster in clusters[:limit]:
            # the agent's failures by error kind; the environment's by what broke
            label = cluster.kind if side == "agent" else next(iter(cluster.classes), "unknown")
            where = [top_counts(cluster.categories), top_counts(cluster.agents)]
            typer.echo(
                f"  [{label}] {cluster.template}\n"
                f"      {cluster.runs:,} runs ({percent(cluster.share)}), {cluster.tasks} tasks;"
                + "".join(f" {part};" for part in where if part)
                + f" e.g. {cluster.examples[0]}"
            )
        if len(clusters) > limit:
            typer.echo(f"  … {len(clusters) - limit} more clusters (--limit, or --format json)")
