"""``engram experiments``."""

from __future__ import annotations

from engram.cli.output import DataFormat, echo, print_json


def experiments_command(
    output_format: DataFormat = "text",
) -> None:
    """Rules under a randomized holdout: runs given and withheld, the lift with its interval,
    and about how many more runs each arm needs for a decision."""
    from engram.playbook.feedback import experiments
    from engram.store import open_store

    with open_store() as store:
        found = experiments(store)
    if output_format == "json":
        print_json([experiment.as_dict() for experiment in found])
        return
    if not found:
        echo("no rule is under a holdout yet: give guidance with --holdout P, then learn the runs")
        return
    for e in found:
        lift = ("not yet measured" if e.difference is None or e.ci_low is None or e.ci_high is None
                else f"{100 * e.difference:+.0f} points [{100 * e.ci_low:+.0f},"
                     f" {100 * e.ci_high:+.0f}]")  # fmt: skip
        more = f"; about {e.runs_needed:,} more runs in each arm" if e.runs_needed else ""
        echo(f"{e.rule.id}  {e.verdict:<9} {lift}: given {e.given_passed}/{e.given_runs} passed,"
             f" withheld {e.other_passed}/{e.other_runs}{more}")  # fmt: skip
        echo(f"    {e.rule.text}")
