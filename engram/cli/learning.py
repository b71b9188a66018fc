"""What ``engram learn`` does once its command line is read, without the CLI framework: the
typer command and the quick path (``engram.cli.quick``) both end here."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engram.cli.console import note, print_json

if TYPE_CHECKING:
    from engram.mining.settings import MiningSettings

SCOPE_CHOICES = ("category", "agent", "model")


def mining_settings(by: Sequence[str], **given: Any) -> MiningSettings:
    """The mining settings of ``learn``'s options (``min_support``, ``alpha``,
    ``min_difference``; those not given keep their defaults): ``--by`` scopes add to the
    category's."""
    from engram.mining.settings import MiningSettings

    return MiningSettings(scope_kinds=tuple(dict.fromkeys(["category", *by])), **given)


def learn_and_say(paths: Sequence[Path], *, json_output: bool, quiet: bool, **options: Any) -> bool:
    """Learn ``paths`` (``options`` are ``engram.learn``'s), then say what was learned: the
    summary as text or JSON, and every skipped file. Whether nothing had to be skipped."""
    from engram.learning.learner import learn

    summary = learn(list(paths), quiet=quiet, **options)
    if summary.created_store:
        note(f"created a new store at {summary.store}", quiet)
    for line in summary.warning_lines():
        note(line, quiet)
    for line in summary.skip_lines():
        note(line)
    if json_output:
        print_json(summary.as_dict())
    elif not quiet:
        note(
            f"read {summary.files} file(s), {summary.traces_read:,} traces: "
            f"{summary.traces_new:,} new, {summary.traces_known:,} already known, "
            f"{len(summary.problems)} skipped"
            + (f", {len(summary.empty)} empty" if summary.empty else "")
            + (" (stopped at the first, --strict)" if summary.stopped_early else "")
        )
        if summary.formats:
            note(f"by format: {summary.formats_text()}")
        note(
            f"rules: {summary.rules_added} added, {summary.rules_updated} updated, "
            f"{summary.rules_retired} retired; {summary.rules_active} active "
            f"({summary.seconds:.1f}s, store {summary.store})"
        )
    return summary.ok
