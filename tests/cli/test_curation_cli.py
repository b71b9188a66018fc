"""``engram patterns pin|retire|restore|edit|add`` and ``engram playbook history|diff``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke


def test_curation_commands(invoke: Invoke, learned: Path) -> None:
    rules = json.loads(invoke("patterns", "list", "--format", "json").stdout)
    first = rules[0]["id"]
    result = invoke("patterns", "pin", first[:6], "--reason", "the team relies on it")
    assert result.exit_code == 0 and "pinned (the team relies on it)" in result.stderr
    assert invoke("patterns", "edit", first, "--text", "Run pytest first.").exit_code == 0
    shown = json.loads(invoke("patterns", "show", first, "--format", "json").stdout)
    assert (shown["status"], shown["text"], shown["text_by"]) == (
        "pinned",
        "Run pytest first.",
        "human",
    )
    assert invoke("patterns", "retire", first).exit_code == 0
    assert invoke("patterns", "restore", first).exit_code == 0
    added = invoke("patterns", "add", "Ask before deleting files.", "--kind", "avoid",
                   "--category", "refactoring")  # fmt: skip
    assert added.exit_code == 0
    assert "- AVOID: Ask before deleting files. (written by a person)" in added.stdout
    assert invoke("patterns", "add", "Again.", "--kind", "perhaps").exit_code == 2  # bad usage
    assert invoke("patterns", "pin", "r_nosuchrule").exit_code == 1

    history = json.loads(invoke("playbook", "history", "--format", "json").stdout)
    assert [v["reason"].split()[0] for v in history] == ["learn", "pin", "edit", "retire",
                                                         "restore", "add"]  # fmt: skip
    text = invoke(
        "playbook", "diff", str(history[0]["version"]), str(history[-1]["version"])
    ).stdout
    assert "+ " in text and "Ask before deleting files." in text and "~ " in text
    assert "text: " in text and "→ Run pytest first." in text
    assert invoke("playbook", "diff", "1", "999").exit_code == 1


def test_a_persons_rule_is_listed_as_such_without_numbers(invoke: Invoke, learned: Path) -> None:
    invoke("patterns", "add", "Ask before deleting files.", "--kind", "avoid", "-q")
    line = next(x for x in invoke("patterns", "list").stdout.splitlines() if "Ask before" in x)
    assert "written by a person" in line
    assert "score" not in line and "0% vs 0%" not in line and "n=0" not in line
    listed = json.loads(invoke("patterns", "list", "--format", "json").stdout)
    (mine,) = [r for r in listed if r["origin"] == "human"]
    assert mine["evidence"] is None
