"""The field readers every loader shares: a source's value becomes a clean one, or none."""

from __future__ import annotations

import math

import pytest

from engram.loaders import fields
from engram.loaders.fields import RecordError
from engram.parse import redact
from engram.trace import Task, Trace


def test_text_is_cleaned_capped_and_only_from_strings_or_numbers() -> None:
    assert fields.text("  fix\x00 the\x07 race \n") == "fix the race"
    assert fields.text("x" * 5000) == "x" * fields.TEXT_LIMIT
    assert fields.text(42) == "42" and fields.text(1.5) == "1.5"
    for value in (None, True, [], {}, "   ", "\x00\x01"):
        assert fields.text(value) is None, value


def test_integers_and_numbers_refuse_booleans_infinities_and_the_absurd() -> None:
    assert fields.integer(7) == 7 and fields.integer(7.9) == 7
    for value in (True, -1, 2**62, math.inf, math.nan, "7", None):
        assert fields.integer(value) is None, value
    assert fields.number("0.25") == 0.25 and fields.number(3) == 3.0
    for value in (True, "nan", "inf", math.inf, "three", None, []):
        assert fields.number(value) is None, value


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), (True, 1.0), (False, 0.0), (0.5, 0.5), ("1", 1.0), (0, 0.0),
])  # fmt: skip
def test_a_reward_is_a_number_in_the_unit_interval(value: object, expected: float | None) -> None:
    assert fields.reward(value, "test_reward") == expected


@pytest.mark.parametrize("value", [1.5, -0.1, "high", [1], math.nan])
def test_any_other_reward_is_an_error_naming_the_field(value: object) -> None:
    with pytest.raises(RecordError, match="test_reward must be a number in \\[0, 1\\]"):
        fields.reward(value, "test_reward")


def test_containers_and_keys_of_the_wrong_type_are_empty() -> None:
    assert fields.mapping([1]) == {} and fields.mapping({"a": 1}) == {"a": 1}
    assert fields.items(None) == [] and fields.items({"a": 1}) == [] and fields.items([1]) == [1]
    assert fields.key(["id"]) is None and fields.key({"id": 1}) is None and fields.key("t-1") == "t-1"


def test_an_error_message_splits_into_its_type_and_words() -> None:
    assert fields.split_error("RuntimeError: Docker compose failed") == (
        "RuntimeError", "Docker compose failed",
    )  # fmt: skip
    assert fields.split_error("AgentTimeoutError: ran 3600 s") == ("AgentTimeoutError", "ran 3600 s")
    assert fields.split_error("the sandbox went away") == (None, "the sandbox went away")
    assert fields.split_error(None) == (None, None)


def test_tags_are_cleaned_deduplicated_and_bounded() -> None:
    assert fields.tags("baseline") == ("baseline",)
    assert fields.tags(["a", "a", " b ", 3, None, "x" * 300]) == ("a", "b", "3", "x" * 100)
    assert len(fields.tags([f"t{i}" for i in range(100)])) == 20
    assert fields.tags({"a": 1}) == ()


def _finished(instruction: str) -> Trace:
    return fields.finalize(Trace(task=Task(instruction=instruction)), status="pass",
                           reward_value=None, error=None, details=[])  # fmt: skip


def test_an_instruction_read_again_gives_the_same_task_and_redaction_is_asked_each_time() -> None:
    instruction = (
        "# Fix the cache\nRepository: acme/cache\nDifficulty: HARD\nCategory: bug_fix\n"
        "Use ANTHROPIC_API_KEY=sk-ant-abcdefghijklmnopqrstu to call the service."
    )
    first, again = _finished(instruction), _finished(instruction)
    for trace in (first, again):
        task = trace.task
        assert (task.title, task.repository, task.difficulty, task.category) == (
            "Fix the cache", "acme/cache", "hard", "bug_fix"
        )
        assert "sk-ant-" not in (task.instruction or "")
    with redact.redaction(False):  # the same text, remembered redacted: not given as such
        assert "sk-ant-abcdefghijklmnopqrstu" in (_finished(instruction).task.instruction or "")
    assert "sk-ant-" not in (_finished(instruction).task.instruction or "")


def test_a_task_keeps_what_it_knew_and_takes_the_rest_from_the_header() -> None:
    trace = Trace(task=Task(instruction="# Header title\nCategory: docs\nRepo: a/b\n",
                            title="Own title", repository=None))  # fmt: skip
    done = fields.finalize(trace, status="pass", reward_value=None, error=None, details=[])
    assert (done.task.title, done.task.category, done.task.repository) == (
        "Own title", "docs", "a/b"
    )
