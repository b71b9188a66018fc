"""CodeChanges: changes:none|small|large|cross_module|tests, from the run's diff."""

from __future__ import annotations

import pytest

from engram.parse.diff import parse_diff
from engram.trace import Changes, Trace
from extractors.code_changes import CodeChanges, is_test_file


def features(*files: str, added: int = 0, removed: int = 0, known: bool = True) -> set[str]:
    changes = Changes(known=known, files=files, added=added, removed=removed)
    return set(CodeChanges().extract(Trace(changes=changes)))


def test_an_unknown_diff_gives_no_change_feature() -> None:
    assert features(known=False) == set()
    assert features("src/a.py", added=500, known=False) == set()


def test_a_known_empty_diff_is_no_change() -> None:
    assert features() == {"changes:none"}


def test_a_diff_of_few_lines_is_small() -> None:
    assert features("src/a.py", added=15, removed=5) == {"changes:small"}


def test_a_diff_of_many_lines_is_large() -> None:
    assert features("src/a.py", added=150, removed=50) == {"changes:large"}


@pytest.mark.parametrize("lines", [21, 100, 199])
def test_a_medium_diff_is_neither_small_nor_large(lines: int) -> None:
    assert features("src/a.py", added=lines) == set()


def test_added_and_removed_lines_both_count_towards_the_size() -> None:
    assert features("src/a.py", added=10, removed=11) == set()
    assert features("src/a.py", added=100, removed=100) == {"changes:large"}


def test_size_thresholds_are_parameters() -> None:
    trace = Trace(changes=Changes(known=True, files=("a.py",), added=30))
    extractor = CodeChanges(small_max_lines=50, large_min_lines=500)
    assert set(extractor.extract(trace)) == {"changes:small"}


def test_files_under_two_top_level_folders_are_cross_module() -> None:
    found = features("src/core/a.py", "lib/b.py", added=50)
    assert "changes:cross_module" in found


def test_files_under_one_top_level_folder_are_not_cross_module() -> None:
    found = features("src/core/a.py", "src/util/b.py", added=50)
    assert "changes:cross_module" not in found


def test_files_at_the_root_are_under_no_folder() -> None:
    assert "changes:cross_module" not in features("setup.py", "src/a.py", added=50)


def test_changing_a_test_file_is_a_tests_feature() -> None:
    found = features("src/a.py", "src/tests/test_a.py", added=5)
    assert found == {"changes:small", "changes:tests"}


def test_changing_only_source_files_is_not_a_tests_feature() -> None:
    assert "changes:tests" not in features("src/a.py", "src/contest.py", added=5)


@pytest.mark.parametrize(
    "path",
    [
        "tests/test_parser.py",
        "test/helpers.py",
        "pkg/__tests__/App.js",
        "test_utils.py",
        "pkg/parser_test.go",
        "web/App.test.tsx",
        "web/app.spec.ts",
        "src/test/java/FooTest.java",
        "spec/models/user_spec.rb",
        "conftest.py",
    ],
)
def test_test_files_are_recognised(path: str) -> None:
    assert is_test_file(path)


@pytest.mark.parametrize(
    "path",
    ["src/parser.py", "latest/notes.md", "src/contest.py", "src/attestation.py", "testing.md"],
)
def test_source_files_are_not_test_files(path: str) -> None:
    assert not is_test_file(path)


def test_features_from_a_parsed_git_diff() -> None:
    diff = (
        "diff --git a/src/a.py b/src/a.py\n"
        "--- a/src/a.py\n"
        "+++ b/src/a.py\n"
        "@@ -1,2 +1,2 @@\n"
        "-old\n"
        "+new\n"
        " same\n"
        "diff --git a/tests/test_a.py b/tests/test_a.py\n"
        "--- a/tests/test_a.py\n"
        "+++ b/tests/test_a.py\n"
        "@@ -1 +1,2 @@\n"
        " keep\n"
        "+added\n"
    )
    trace = Trace(changes=parse_diff(diff))
    assert set(CodeChanges().extract(trace)) == {
        "changes:small",
        "changes:cross_module",
        "changes:tests",
    }


def test_a_parsed_empty_diff_is_no_change() -> None:
    assert set(CodeChanges().extract(Trace(changes=parse_diff("")))) == {"changes:none"}


def test_absolute_paths_under_a_sandbox_root_are_read_from_the_repository() -> None:
    changes = Changes(known=True, files=("/workspace/src/a.py", "/workspace/lib/b.py"), added=3)
    assert "changes:cross_module" in set(CodeChanges().extract(Trace(changes=changes)))
    same = Changes(known=True, files=("/workspace/src/a.py", "./src/b.py"), added=3)
    assert "changes:cross_module" not in set(CodeChanges().extract(Trace(changes=same)))
