"""What an instruction's text says about its task: title, repository, difficulty, category."""

from __future__ import annotations

import pytest

from engram.parse.instruction import parse_task_header
from engram.trace import Task

SEED_INSTRUCTION = """\
# [c10d] Add thread safety when calling ncclCommGetAsyncError

Repository: pytorch
Difficulty: MEDIUM
Category: cross_module_bug_fix

## Description
Fixes #169484
"""


def parsed(text: str, task: Task | None = None) -> Task:
    task = task or Task()
    parse_task_header(text, task)
    return task


def test_the_seed_header_fills_every_field() -> None:
    task = parsed(SEED_INSTRUCTION)
    assert task.title == "[c10d] Add thread safety when calling ncclCommGetAsyncError"
    assert task.repository == "pytorch"
    assert task.difficulty == "medium"
    assert task.category == "cross_module_bug_fix"


@pytest.mark.parametrize(
    "line",
    [
        "Category: bug_fix",
        "**Category:** bug_fix",
        "**Category**: bug_fix",
        "- **Category:** bug_fix",
        "* Category: bug_fix",
        "> Category: bug_fix",
        "__Category:__ bug_fix",
        "*Category*: bug_fix",
        "Category: `bug_fix`",
        "Category: **bug_fix**",
        "category : bug_fix",
        "CATEGORY: bug_fix",
        "  Category:   bug_fix   ",
        "Category: bug_fix\r",
    ],
)
def test_markdown_decorations_around_a_header_line_are_ignored(line: str) -> None:
    assert parsed(f"# Title\n\n{line}\n\nBody text.").category == "bug_fix"


@pytest.mark.parametrize(
    ("text", "repository"),
    [
        ("Repository: acme/widgets", "acme/widgets"),
        ("Repo: acme/widgets", "acme/widgets"),
        ("**Repository:** `acme/widgets`", "acme/widgets"),
        ("Repository: https://github.com/acme/widgets", "https://github.com/acme/widgets"),
    ],
)
def test_the_repository_is_read_from_repository_or_repo(text: str, repository: str) -> None:
    assert parsed(text).repository == repository


@pytest.mark.parametrize("word", ["EASY", "Medium", "hard", "**HARD**"])
def test_the_difficulty_is_lower_case(word: str) -> None:
    assert parsed(f"Difficulty: {word}").difficulty == word.strip("*").lower()


def test_the_first_level_one_heading_is_the_title() -> None:
    task = parsed("Intro\n## Not this\n#   The real title   \n# A later title\n")
    assert task.title == "The real title"


@pytest.mark.parametrize("text", ["#NoSpace\n", "## Only a sub heading\n", "No heading at all"])
def test_no_level_one_heading_means_no_title(text: str) -> None:
    assert parsed(text).title is None


def test_a_mention_inside_a_sentence_is_not_a_header() -> None:
    task = parsed("This fixes the Category: field of the form.\nSee repository: x for context.\n")
    assert (task.category, task.repository) == (None, None)


def test_the_first_of_repeated_headers_wins() -> None:
    assert parsed("Category: first\nCategory: second\n").category == "first"


def test_fields_already_known_are_kept() -> None:
    task = Task(title="Given title", category="given", difficulty="hard", repository="given/repo")
    parsed(SEED_INSTRUCTION, task)
    assert (task.title, task.category, task.difficulty, task.repository) == (
        "Given title",
        "given",
        "hard",
        "given/repo",
    )


def test_only_missing_fields_are_filled() -> None:
    task = parsed(SEED_INSTRUCTION, Task(category="given"))
    assert task.category == "given"
    assert task.repository == "pytorch"


def test_headers_far_into_a_long_instruction_are_not_read() -> None:
    text = "# Title\n" + "filler line\n" * 1000 + "Category: too_late\n"
    task = parsed(text)
    assert task.title == "Title"
    assert task.category is None


def test_control_characters_are_removed_and_values_capped() -> None:
    task = parsed("# Fix\x00 the\x07 parser\nCategory: bug\x1b_fix\nRepository: " + "r" * 500)
    assert task.title == "Fix the parser"
    assert task.category == "bug_fix"
    assert task.repository == "r" * 120


def test_an_empty_instruction_fills_nothing() -> None:
    assert parsed("") == Task()


def test_an_empty_header_line_does_not_take_the_next_line() -> None:
    task = parsed("Category:\nDifficulty: easy\n")
    assert task.category is None
    assert task.difficulty == "easy"
