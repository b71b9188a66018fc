"""``engram patterns list`` and ``engram patterns show``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from engram.cli.output import DataFormat, Quiet, note, one_of, percent, print_json, warn
from engram.render.markdown import rule_line
from engram.rules import KINDS, STATUSES, Rule
from engram.store.selectors import selector_notices

app = typer.Typer(rich_markup_mode="markdown", help="Every rule with its evidence and the runs behind it.", no_args_is_help=True)


@app.command("list")
def list_command(
    category: Annotated[str | None, typer.Option(help="Only rules of this category.")] = None,
    status: Annotated[
        str, typer.Option(help="active, pinned, retired, or all.", **one_of((*STATUSES, "all")))
    ] = "active",
    output_format: DataFormat = "text",
) -> None:
    """List rules, best first."""
    from engram.store import open_store

    statuses = {"all": ("active", "pinned", "retired"), "active": ("active", "pinned")}.get(
        status, (status,)
    )
    with open_store() as store:
        rules = store.rules(statuses=statuses)
        warn(selector_notices(store, {"category": category} if category else None))
    if category:
        rules = [r for r in rules if r.scope_kind == "category" and r.scope_value == category]
    if output_format == "json":
        print_json([rule.as_dict() for rule in rules])
        return
    if not rules:
        typer.echo("no rules", err=True)
        return
    for rule in rules:
        typer.echo(f"{rule.id}  {rule.kind:<5} {rule.scope_label:<32} {_numbers(rule)}")


def _numbers(rule: Rule) -> str:
    """A rule's evidence in one line: its numbers, or who wrote it and how it fared."""
    if rule.by_person:
        f = rule.feedback
        given = f.helpful + f.harmful + f.neutral
        fared = f"; given to {given:,} runs, {f.helpful:,} passed" if given else ""
        return f"written by a person{fared}  {rule.text[:60]}"
    e = rule.evidence
    if rule.is_failure:
        numbers, q = f"{percent(e.difference):>4} of runs", e.q_value
    elif e.stratified is not None:
        s = e.stratified
        numbers = (f"{100 * s.difference:+4.0f} pts ({percent(e.pass_rate_with)} vs"
                   f" {percent(e.pass_rate_without)} overall)")  # fmt: skip
        q = s.q_value
    else:
        numbers, q = f"{percent(e.pass_rate_with)} vs {percent(e.pass_rate_without)}", e.q_value
    return f"score {rule.score:5.2f}  {numbers}  n={e.runs:<6,} q={q:.1e}  {rule.feature}"


@app.command("show")
def show_command(
    rule_id: Annotated[str, typer.Argument(help="A rule id (a unique prefix is enough).")],
    output_format: DataFormat = "text",
) -> None:
    """Show one rule: its text, evidence, status, and runs behind it."""
    from engram.store import open_store

    with open_store() as store:
        rule = store.rule(rule_id)
        runs = store.rule_runs(rule)
    if output_format == "json":
        print_json(
            {
                **rule.as_dict(),
                "status_reason": rule.status_reason,
                "first_seen": rule.first_seen,
                "last_seen": rule.last_seen,
                "exceptions": rule.exceptions,
                "runs": runs,
            }
        )
        return
    typer.echo(rule_line(rule))
    typer.echo(f"\nid        {rule.id}\nkind      {rule.kind}\nscope     {rule.scope_label}")
    typer.echo(f"feature   {rule.feature}")
    absorbed = {entry["feature"]: entry["reason"] for entry in rule.absorbed}
    merged = [f for f in rule.merged_features if f not in absorbed]
    if merged and not rule.is_failure:
        typer.echo(f"merged    {', '.join(merged)}")
    for feature, reason in absorbed.items():
        typer.echo(f"absorbed  {feature} ({reason})")
    typer.echo(
        f"status    {rule.status}" + (f" ({rule.status_reason})" if rule.status_reason else "")
    )
    typer.echo(f"seen      {rule.first_seen:%Y-%m-%d %H:%M} … {rule.last_seen:%Y-%m-%d %H:%M}")
    if rule.origin == "human":
        typer.echo("\nwritten by a person")
    elif rule.is_failure:
        _show_failure_evidence(rule)
    else:
        _show_evidence(rule)
    _show_feedback(rule)
    _show_runs(runs, "runs that ended so" if rule.is_failure else "runs with the feature")


def _show_feedback(rule: Rule) -> None:
    f = rule.feedback
    given = f.helpful + f.harmful + f.neutral
    if not given and not f.randomized:
        return
    typer.echo(f"\nfeedback  given to {given:,} measured runs: {f.helpful:,} passed,"
               f" {f.harmful:,} failed, {f.neutral:,} partial")  # fmt: skip
    if f.measured:
        typer.echo(
            f"efficacy (observational)  {100 * (f.efficacy or 0):+.0f} points"
            f" [{100 * (f.efficacy_low or 0):+.0f}, {100 * (f.efficacy_high or 0):+.0f}]:"
            f" {f.given_passed}/{f.given_runs} passed given it,"
            f" {f.others_passed}/{f.others_runs} of comparable runs not given it"
        )
    else:
        typer.echo("efficacy (observational)  not yet measured (too few runs given it, or none"
                   " to compare)")  # fmt: skip
    r = f.randomized
    if r is None:
        return
    counts = (f"{r['given_passed']}/{r['given_runs']} passed given it,"
              f" {r['other_passed']}/{r['other_runs']} of the runs it was withheld from")  # fmt: skip
    if r.get("difference") is None:
        typer.echo(f"efficacy (randomized)  not yet measured: {counts}")
        return
    verdict = "; proven to help" if f.proven else ""
    typer.echo(
        f"efficacy (randomized)  {100 * r['difference']:+.0f} points"
        f" [{100 * r['ci_low']:+.0f}, {100 * r['ci_high']:+.0f}]: {counts}{verdict}"
    )


def _show_failure_evidence(rule: Rule) -> None:
    from engram.mining.failure_rules import FLOOR

    e = rule.evidence
    for template in rule.as_dict()["templates"][:10]:
        typer.echo(f"template  {template}")
    typer.echo(
        f"\nended so  {e.n_with:,} of {e.runs:,} measured runs ({percent(e.difference)})"
        f"  95% CI [{percent(e.ci_low)}, {percent(e.ci_high)}]"
        f"\nothers    {e.pass_without:,}/{e.n_without:,} passed ({percent(e.pass_rate_without)})"
        f"\np         {e.p_value:.2e} (binomial, share > {FLOOR:.0%})"
        f"   q {e.q_value:.2e} (Benjamini–Hochberg)\nscore     {rule.score:.3f}"
    )


def _show_evidence(rule: Rule) -> None:
    e = rule.evidence
    s = e.stratified
    if s is not None:
        held = ", ".join(s.by[:-1]) + f" and {s.by[-1]}" if len(s.by) > 1 else s.by[0]
        typer.echo(
            f"\nwithin    {s.difference:+.3f}  95% CI [{s.ci_low:+.3f}, {s.ci_high:+.3f}]:"
            f" runs of the same {held} compared ({s.strata:,} strata; Mantel–Haenszel)"
            f"\np         {s.p_value:.2e} (Cochran–Mantel–Haenszel)   q {s.q_value:.2e}"
            " (Benjamini–Hochberg)"
        )
        if rule.agents:
            typer.echo(f"agents    {', '.join(rule.agents)}")
    typer.echo(
        f"\n{'overall' if s else 'with':<10}{e.pass_with:,}/{e.n_with:,} passed with it"
        f" ({percent(e.pass_rate_with)}), {e.pass_without:,}/{e.n_without:,} without"
        f" ({percent(e.pass_rate_without)})"
        f"\nraw diff  {e.difference:+.3f}  95% CI [{e.ci_low:+.3f}, {e.ci_high:+.3f}]"
        f"\nraw p     {e.p_value:.2e} (Fisher exact)   q {e.q_value:.2e} (Benjamini–Hochberg)"
        f"\nscore     {rule.score:.3f}"
    )
    if e.reward_with is not None and e.reward_without is not None:
        typer.echo(f"reward    {e.reward_with:.3f} with, {e.reward_without:.3f} without (mean)")
    if rule.exceptions:
        typer.echo(f"not in    {', '.join(rule.exceptions)}")


def _show_runs(runs: dict[str, Any], title: str) -> None:
    typer.echo(f"\n{title} in scope (first {len(runs['examples'])}):")
    for run in runs["examples"]:
        typer.echo(
            f"  {run['trace_id']}  {run['status']:<7} {run['task_id'] or '-':<20} "
            f"{run['agent'] or '-'}"
        )
    if runs["excluded_errors_with_feature"]:
        typer.echo(
            f"  ({runs['excluded_errors_with_feature']} more ended in errors not of the"
            " agent's making and are left out)"
        )


def _changed(rule: Rule, what: str, quiet: bool) -> None:
    reason = f" ({rule.status_reason})" if rule.status_reason else ""
    note(f"{rule.id} {what}: {rule.status}{reason}", quiet)
    typer.echo(rule_line(rule))


@app.command("pin")
def pin_command(
    rule_id: Annotated[str, typer.Argument(help="A rule id (a unique prefix is enough).")],
    reason: Annotated[str | None, typer.Option(help="Why, for the record.")] = None,
    quiet: Quiet = False,
) -> None:
    """Keep a rule in the playbook whatever later runs say."""
    from engram.playbook.curation import pin
    from engram.store import open_store

    with open_store() as store:
        _changed(pin(store, rule_id, reason), "pinned", quiet)


@app.command("retire")
def retire_command(
    rule_id: Annotated[str, typer.Argument(help="A rule id (a unique prefix is enough).")],
    reason: Annotated[str | None, typer.Option(help="Why, for the record.")] = None,
    quiet: Quiet = False,
) -> None:
    """Take a rule out of the playbook; later learns do not bring it back."""
    from engram.playbook.curation import retire
    from engram.store import open_store

    with open_store() as store:
        _changed(retire(store, rule_id, reason), "retired", quiet)


@app.command("restore")
def restore_command(
    rule_id: Annotated[str, typer.Argument(help="A rule id (a unique prefix is enough).")],
    quiet: Quiet = False,
) -> None:
    """Put a pinned or retired rule back under the evidence's judgment."""
    from engram.playbook.curation import restore
    from engram.store import open_store

    with open_store() as store:
        _changed(restore(store, rule_id), "restored", quiet)


@app.command("edit")
def edit_command(
    rule_id: Annotated[str, typer.Argument(help="A rule id (a unique prefix is enough).")],
    text: Annotated[str, typer.Option("--text", help="The rule's new wording.")],
    quiet: Quiet = False,
) -> None:
    """Reword a rule; later learns keep the wording and update its evidence."""
    from engram.playbook.curation import edit
    from engram.store import open_store

    with open_store() as store:
        _changed(edit(store, rule_id, text), "edited", quiet)


@app.command("add")
def add_command(
    text: Annotated[str, typer.Argument(help="What the agent should do or avoid.")],
    category: Annotated[
        str | None, typer.Option(help="The task category it is for (default: all runs).")
    ] = None,
    kind: Annotated[str, typer.Option(help="do, avoid or note.", **one_of(KINDS))] = "do",
    quiet: Quiet = False,
) -> None:
    """Write a rule of your own; it is kept, and counted by feedback like the rest."""
    from engram.playbook.curation import add
    from engram.store import open_store

    with open_store() as store:
        warn(selector_notices(store, {"category": category} if category else None))
        _changed(add(store, text, kind, category), "added", quiet)
