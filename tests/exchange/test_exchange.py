"""Exports and imports: round trips through engram's JSON and ACE skillbooks, ACE's own files,
the markdown document and the skill folder."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engram.errors import EngramError
from engram.exchange import export_playbook, export_skill, import_data, import_playbook
from engram.exchange.ace import is_skillbook
from engram.exchange.skill import quote
from engram.render.markdown import rule_line
from engram.rules import Rule
from engram.store import Store, open_store
from tests.exchange.conftest import ACE_FIXTURE, CATEGORY

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
EVERY = ("active", "pinned", "retired")


def by_id(rules: list[Rule]) -> dict[str, Rule]:
    return {rule.id: rule for rule in rules}


def counts(rule: Rule) -> tuple[int, int, int]:
    return rule.feedback.helpful, rule.feedback.harmful, rule.feedback.neutral


def test_the_source_playbook_has_what_the_round_trips_check(source: Store) -> None:
    rules = source.rules(EVERY)
    assert {r.status for r in rules} == set(EVERY)
    assert {r.origin for r in rules} == {"learned", "human"}
    assert {r.scope_kind for r in rules} == {"all", "category"}
    assert sum(1 for r in rules if any(counts(r))) == 3
    assert any(r.feedback.neutral for r in rules)


def test_json_round_trip_restores_the_same_rules(source: Store, tmp_path: Path) -> None:
    first = export_playbook(source, "json", now=NOW)
    document = json.loads(first.text)
    assert set(document) == {"engram_version", "exported_at", "rules"}
    assert first.rules == len(document["rules"]) == len(source.rules(EVERY))
    path = tmp_path / "playbook.json"
    path.write_text(first.text)
    with open_store(create=True) as store:
        summary = import_playbook(store, path)
        assert (summary.source, summary.added, summary.skipped) == ("engram JSON", first.rules, 0)
        again = export_playbook(store, "json", now=NOW)
        restored, original = by_id(store.rules(EVERY)), by_id(source.rules(EVERY))
        assert import_playbook(store, path).skipped == first.rules  # nothing changes twice
    assert again.text == first.text
    assert restored == original  # ids, kinds, scopes, texts, evidence, statuses, counts, dates


def test_ace_round_trip_is_exact(source: Store, tmp_path: Path) -> None:
    first = export_playbook(source, "ace", now=NOW)
    path = tmp_path / "skillbook.json"
    path.write_text(first.text)
    with open_store(create=True) as store:
        summary = import_playbook(store, path)
        assert (summary.source, summary.added, summary.skipped) == ("ACE skillbook", first.rules, 0)
        again = export_playbook(store, "ace", now=NOW)
        restored = by_id(store.rules(EVERY))
    assert again.text == first.text  # evidence, order, pins and statuses all kept
    assert restored == by_id(source.rules(EVERY))


def test_what_a_person_changed_in_ace_wins(source: Store, tmp_path: Path) -> None:
    book = json.loads(export_playbook(source, "ace", now=NOW).text)
    rules = by_id(source.rules(EVERY))
    learned = next(r for r in rules.values() if r.origin == "learned" and r.status == "active")
    skill = book["skills"][learned.id]
    skill.update(insight="Reworded in ACE.", active=False, helpful_count=9)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(book))
    with open_store(create=True) as store:
        import_playbook(store, path)
        rule = by_id(store.rules(EVERY))[learned.id]
    assert (rule.text, rule.text_by, rule.status, rule.feedback.helpful) == (
        "Reworded in ACE.", "human", "retired", 9)  # fmt: skip
    assert rule.evidence == learned.evidence and rule.origin == "learned"


def test_a_skillbook_ace_resaved_comes_back_as_a_persons_rules(source: Store, tmp_path: Path) -> None:
    """ACE's own reader keeps only its Skill fields: engram's extension is gone after it."""
    book = json.loads(export_playbook(source, "ace", now=NOW).text)
    for skill in book["skills"].values():
        del skill["engram"]
    path = tmp_path / "resaved.json"
    path.write_text(json.dumps(book))
    original = by_id(source.rules(EVERY))
    with open_store(create=True) as store:
        import_playbook(store, path)
        imported = store.rules(EVERY)
    for rule in imported:
        before = original[rule.id]
        assert (rule.origin, rule.text_by) == ("human", "human")
        assert (rule.kind, rule.scope_kind, rule.scope_value, rule.text) == (
            before.kind, before.scope_kind, before.scope_value, before.text)  # fmt: skip
        assert counts(rule) == counts(before)
        assert (rule.status == "retired") == (before.status == "retired")


def test_the_ace_export_is_in_the_shape_ace_0_13_writes(source: Store) -> None:
    book = json.loads(export_playbook(source, "ace", now=NOW).text)
    fixture = json.loads(ACE_FIXTURE.read_text())
    assert list(book) == list(fixture)
    assert book["schema_version"] == "2"
    fields = list(next(iter(fixture["skills"].values())))
    for skill_id, skill in book["skills"].items():
        assert list(skill) == [*fields, "engram"] and skill["id"] == skill_id
        assert skill["section"] == "context" and skill["insight"] and skill["issue"]
        assert skill["used_count"] == sum(skill[f"{n}_count"] for n in ("helpful", "harmful",
                                                                         "neutral"))  # fmt: skip
        assert datetime.fromisoformat(skill["created_at"]).tzinfo is not None
    assert book["sections"] == {"context": list(book["skills"])}
    rules = by_id(source.rules(EVERY))
    pinned = next(r for r in rules.values() if r.status == "pinned")
    skill = book["skills"][pinned.id]
    scope = "all_runs" if pinned.scope_kind == "all" else f"category:{pinned.scope_value}"
    assert skill["keywords"] == [scope, pinned.kind]
    assert skill["helpful_count"] == pinned.feedback.helpful > 0
    retired = next(r for r in rules.values() if r.status == "retired")
    assert book["skills"][retired.id]["active"] is False


def test_a_skillbook_ace_0_13_wrote_imports(source: Store) -> None:
    data = json.loads(ACE_FIXTURE.read_text())
    assert is_skillbook(data)
    with open_store(create=True) as store:
        summary = import_playbook(store, ACE_FIXTURE)
        assert (summary.added, summary.skipped, summary.invalid) == (4, 0, 0)
        rules = {r.text: r for r in store.rules(EVERY)}
        assert import_playbook(store, ACE_FIXTURE).skipped == 4
    caller = rules["Search for every caller before changing a function's signature."]
    assert (caller.kind, caller.scope_kind, caller.status, caller.origin) == (
        "do",
        "all",
        "active",
        "human",
    )
    assert counts(caller) == (3, 1, 1)
    assert caller.first_seen == datetime.fromisoformat(
        data["skills"]["context-00001"]["created_at"]
    )
    harness = rules["The whole test suite times out when it runs in one process."]
    assert (harness.kind, counts(harness)) == ("note", (0, 1, 0))  # no insight: the issue
    legacy = rules["Run the tests that cover the new code before finishing."]
    assert (legacy.scope_kind, counts(legacy)) == ("all", (1, 0, 0))  # no such category here
    assert rules["Keep the final summary short."].status == "retired"  # ACE's soft removal


def test_an_old_free_form_section_names_a_category_the_store_knows(source: Store) -> None:
    summary = import_data(source, json.loads(ACE_FIXTURE.read_text()), name="fixture")
    assert summary.added == 4
    legacy = next(r for r in source.rules() if r.text.startswith("Run the tests that cover"))
    assert (legacy.scope_kind, legacy.scope_value) == ("category", CATEGORY)


def test_skillbooks_before_schema_2_import(source: Store) -> None:
    old = {
        "skills": {
            "general-00001": {"id": "general-00001", "section": "general",
                              "content": "Read the error before editing.", "helpful": 4,
                              "harmful": 1, "neutral": 0, "status": "active"},
            f"{CATEGORY}-00002": {"id": f"{CATEGORY}-00002", "section": CATEGORY,
                                  "content": "Write the test first.", "status": "invalid"},
            "scoped-00003": {"id": "scoped-00003", "section": "category:docs",
                             "content": "Link the changed page."},
            "empty-00004": {"id": "empty-00004", "section": "general", "content": "  "},
        },
        "sections": {"general": ["general-00001"]},
        "next_id": 4,
    }  # fmt: skip
    summary = import_data(source, old)
    assert (summary.added, summary.invalid) == (3, 1)
    rules = {r.text: r for r in source.rules(EVERY) if r.origin == "human"}
    read = rules["Read the error before editing."]
    assert (read.scope_kind, counts(read)) == ("all", (4, 1, 0))
    first = rules["Write the test first."]
    assert (first.scope_kind, first.scope_value, first.status) == ("category", CATEGORY,
                                                                   "retired")  # fmt: skip
    assert (rules["Link the changed page."].scope_value) == "docs"


def test_imported_text_is_cleaned_and_bad_entries_are_left_out(source: Store) -> None:
    rule = json.loads(export_playbook(source, "json").text)["rules"][0]
    entries: list[dict[str, Any]] = [
        {**rule, "id": "r_0000000001", "text": "Stop <!-- engram:end --> here\n\tand   go."},
        {**rule, "id": "r_0000000002", "text": "word " * 200},
        {**rule, "id": "not a valid id because it is long"},
        {**rule, "id": "r_0000000003", "kind": "perhaps"},
        {**rule, "id": "r_0000000004", "text": ""},
        {**rule, "id": "r_0000000005", "scope": {"category": "x", "agent": "y"},
         "scope_kind": None},
        "not a rule",
    ]  # fmt: skip
    with open_store(create=True) as store:
        summary = import_data(store, {"engram_version": "0", "rules": entries})
        assert (summary.added, summary.invalid, summary.shortened) == (2, 5, 1)
        assert store.rule("r_0000000001").text == "Stop engram:end here and go."
        long = store.rule("r_0000000002").text
    assert len(long) <= 500 and long.endswith("…")


def test_markdown_has_every_live_rule_by_scope(source: Store) -> None:
    exported = export_playbook(source, "md", now=NOW)
    text = exported.text
    live = source.rules()
    assert exported.rules == len(live)
    assert text.startswith("# engram playbook\n") and "612 earlier" in text
    assert "## All runs" in text and f"## Category: {CATEGORY}" in text
    assert text.index("## All runs") < text.index(f"## Category: {CATEGORY}")
    for rule in live:
        assert rule_line(rule) in text
    for rule in source.rules(("retired",)):
        assert rule.text not in text


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The front matter of a SKILL.md (quoted values, one nested mapping) and the body."""
    assert text.startswith("---\n")
    head, _, body = text[4:].partition("\n---\n")
    fields: dict[str, Any] = {}
    for line in head.splitlines():
        key, _, value = line.strip().partition(": ")
        if line.startswith("  "):
            fields["metadata"][key] = json.loads(value)
        elif line.endswith(":"):
            fields[line[:-1]] = {}
        else:
            fields[key] = json.loads(value)
    return fields, body


def test_the_skill_folder_holds_a_skill_md(source: Store, tmp_path: Path) -> None:
    folder = tmp_path / "skills" / "engram-playbook"
    exported = export_skill(source, folder, now=NOW)
    assert exported.path == folder / "SKILL.md"
    fields, body = front_matter(exported.path.read_text())
    assert fields["name"] == "engram-playbook"
    assert 0 < len(fields["description"]) <= 1024 and "612" in fields["description"]
    assert fields["metadata"]["rules"] == str(exported.rules) == str(len(source.rules()))
    assert body.lstrip().startswith("# engram playbook")
    for rule in source.rules():
        assert rule_line(rule) in body
    export_skill(source, folder, now=NOW)  # again, over the old one
    with pytest.raises(EngramError, match="cannot name a skill"):
        export_skill(source, tmp_path / "Engram_Playbook")


def test_front_matter_values_cannot_break_out() -> None:
    nasty = 'a: b\n---\nname: "x" # c\u2028 \\ é'
    quoted = quote(nasty)
    assert "\n" not in quoted and quoted.startswith('"') and quoted.endswith('"')
    assert json.loads(quoted) == " ".join(nasty.split())


def test_what_cannot_be_imported_says_so(source: Store, tmp_path: Path) -> None:
    folder = tmp_path / "engram-playbook"
    export_skill(source, folder)
    not_json = tmp_path / "notes.json"
    not_json.write_text("{not json")
    other = tmp_path / "other.json"
    other.write_text('{"hello": "world"}')
    cases = {
        folder: "is a skill",
        folder / "SKILL.md": "is a skill",
        tmp_path: "is a folder",
        not_json: "is not JSON",
        other: "neither engram's JSON export nor an ACE skillbook",
        tmp_path / "missing.json": "no file at",
    }
    with open_store(create=True) as store:
        for path, message in cases.items():
            with pytest.raises(EngramError, match=message):
                import_playbook(store, path)
        assert store.rules(EVERY) == []
