"""Task identity: the default key, a custom one, case, ids it does not match, suggestions."""

from __future__ import annotations

import pytest

from engram.errors import EngramError
from engram.parse.tasks import DEFAULT_TASK_KEY, TaskKey, suggest_task_key, unmatched


@pytest.mark.parametrize(
    ("task_id", "key"),
    [
        ("sgt-001__7A5Hxy2", "sgt-001"),  # Harbor's trial suffix
        ("sgt-001", "sgt-001"),
        ("SGT-001__7A5Hxy2", "sgt-001"),  # keys compare case-insensitively
        ("django__django-11099", "django__django-11099"),  # SWE-bench ids keep their __
        ("django__django-11099__pshKMge", "django__django-11099"),
        ("foo__bar", "foo__bar"),  # not seven characters: not a trial suffix
        (None, None),
        ("  ", None),
    ],
)
def test_the_default_key_strips_harbors_trial_suffix(task_id: str | None, key: str | None) -> None:
    assert TaskKey().key(task_id) == key


def test_a_custom_key_takes_its_first_group_and_keeps_unmatched_ids_whole() -> None:
    key = TaskKey.parse(r"^(?:mcp_)?(.+?)(?:_[0-9a-f]{8})?$")
    assert key.key("mcp_ccx-agentic-229_4a68f68a") == key.key("ccx-agentic-229") == "ccx-agentic-229"
    strict = TaskKey.parse(r"^task-(\d+)$")
    assert strict.match("task-12") == ("12", True)
    assert strict.match("Other-Thing") == ("other-thing", False)
    assert unmatched(strict, ["task-1", "task-2", "nope", None]) == 1


@pytest.mark.parametrize("pattern", ["(unclosed", "no-group-here"])
def test_a_key_that_cannot_key_is_refused(pattern: str) -> None:
    with pytest.raises(EngramError):
        TaskKey.parse(pattern)


def test_the_default_pattern_parses_to_the_default() -> None:
    assert TaskKey.parse(None).is_default and TaskKey.parse(DEFAULT_TASK_KEY).is_default


def test_a_key_is_suggested_for_ids_that_wrap_each_other() -> None:
    base = [f"ccx-agentic-{i}" for i in range(40)]
    mcp = [f"mcp_ccx-agentic-{i}_{i * 7919:08x}" for i in range(40)]
    pattern = suggest_task_key(base, mcp)
    assert pattern == r"^(?:mcp_)?(.+?)(?:_[0-9a-f]{8})?$"
    key = TaskKey.parse(pattern)
    assert {key.key(b) for b in base} == {key.key(m) for m in mcp}
    assert suggest_task_key(mcp, base) == pattern  # either side may be the long one
    assert suggest_task_key(["alpha", "beta"], ["gamma", "delta"]) is None
