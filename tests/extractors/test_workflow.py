"""Workflow: verified:after_edit|never and read_before_edit:all|not_all."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engram.trace import Step, Trace
from extractors.workflow import Workflow


def features(*steps: Step) -> set[str]:
    return set(Workflow().extract(Trace(steps=list(steps))))


def shell(command: str, output: str = "", is_error: bool = False) -> Step:
    return Step("Bash", input=command, output=output, is_error=is_error)


def read(path: str) -> Step:
    return Step("Read", input=path, path=path)


def edit(path: str) -> Step:
    return Step("Edit", input=path, path=path)


def write(path: str) -> Step:
    return Step("Write", input=path, path=path)


# --- verified ----------------------------------------------------------------------------


def test_a_run_that_edited_nothing_has_no_workflow_features() -> None:
    assert features(read("a.py"), shell("pytest")) == set()
    assert features() == set()


@pytest.mark.parametrize(
    "command", ["pytest -q", "python -m pytest tests", "npm test", "make", "go test ./...", "tox"]
)
def test_a_test_or_build_after_the_last_edit_is_verified(command: str) -> None:
    found = features(read("a.py"), edit("a.py"), shell(command))
    assert "verified:after_edit" in found
    assert "verified:never" not in found


def test_a_failing_test_run_still_verifies() -> None:
    found = features(read("a.py"), edit("a.py"), shell("pytest", is_error=True))
    assert "verified:after_edit" in found


def test_edits_without_any_test_run_are_never_verified() -> None:
    found = features(read("a.py"), edit("a.py"), shell("git diff"), shell("cat a.py"))
    assert "verified:never" in found
    assert "verified:after_edit" not in found


def test_writing_a_new_file_without_a_test_run_is_never_verified() -> None:
    assert "verified:never" in features(write("new.py"))


def test_a_test_run_only_before_the_last_edit_is_neither() -> None:
    found = features(read("a.py"), edit("a.py"), shell("pytest"), edit("a.py"))
    assert not {key for key in found if key.startswith("verified:")}


def test_a_test_after_the_last_edit_counts_even_with_earlier_ones() -> None:
    found = features(shell("pytest"), read("a.py"), edit("a.py"), shell("python -m pytest"))
    assert "verified:after_edit" in found


def test_only_shell_tools_run_tests() -> None:
    found = features(read("a.py"), edit("a.py"), Step("Grep", input="pytest"))
    assert "verified:never" in found


# --- read_before_edit --------------------------------------------------------------------


def test_reading_every_file_before_editing_it_is_all() -> None:
    found = features(read("src/a.py"), read("src/b.py"), edit("src/a.py"), edit("src/b.py"))
    assert "read_before_edit:all" in found


def test_editing_a_file_never_read_is_not_all() -> None:
    found = features(read("src/a.py"), edit("src/a.py"), edit("src/b.py"))
    assert "read_before_edit:not_all" in found
    assert "read_before_edit:all" not in found


def test_reading_a_file_only_after_editing_it_is_not_all() -> None:
    assert "read_before_edit:not_all" in features(edit("src/a.py"), read("src/a.py"))


def test_only_the_first_edit_of_a_file_needs_a_read() -> None:
    found = features(read("a.py"), edit("a.py"), edit("a.py"), read("b.py"), edit("b.py"))
    assert "read_before_edit:all" in found


@pytest.mark.parametrize(
    ("read_path", "edit_path"),
    [("/repo/src/a.py", "src/a.py"), ("src/a.py", "/repo/src/a.py"), ("./src/a.py", "src/a.py")],
)
def test_absolute_and_relative_paths_name_the_same_file(read_path: str, edit_path: str) -> None:
    assert "read_before_edit:all" in features(read(read_path), edit(edit_path))


def test_a_file_of_the_same_name_in_another_folder_was_not_read() -> None:
    found = features(read("/repo/lib/a.py"), edit("/repo/src/a.py"))
    assert "read_before_edit:not_all" in found


def test_a_search_that_lists_the_file_counts_as_reading_it() -> None:
    grep = Step("Grep", input="def parse", output="Found 2 files\nsrc/a.py\nsrc/b.py")
    found = features(grep, edit("/repo/src/a.py"), edit("/repo/src/b.py"))
    assert "read_before_edit:all" in found


def test_a_failed_search_does_not_count_as_reading() -> None:
    grep = Step("Grep", input="def parse", output="src/a.py", is_error=True)
    assert "read_before_edit:not_all" in features(grep, edit("src/a.py"))


def test_a_search_that_does_not_list_the_file_does_not_count() -> None:
    grep = Step("Grep", input="def parse", output="src/b.py")
    assert "read_before_edit:not_all" in features(grep, edit("src/a.py"))


def test_an_mcp_search_listing_the_file_counts() -> None:
    search = Step("mcp__sourcegraph__search", input="parse", output="src/a.py")
    assert "read_before_edit:all" in features(search, edit("src/a.py"))


def test_reading_a_file_in_the_shell_counts() -> None:
    assert "read_before_edit:all" in features(shell("cat src/a.py"), edit("/repo/src/a.py"))


def test_shell_grep_output_naming_the_file_counts() -> None:
    found = features(shell("rg parse", output="src/a.py:12:def parse():"), edit("src/a.py"))
    assert "read_before_edit:all" in found


def test_a_search_listing_matching_lines_of_the_file_counts() -> None:
    grep = Step("Grep", input="def parse", output="src/a.py:12:def parse():")
    assert "read_before_edit:all" in features(grep, edit("src/a.py"))


def test_an_editor_view_counts_as_reading() -> None:
    view = Step("str_replace_editor", input="view", path="/repo/a.py")
    change = Step("str_replace_editor", input="str_replace", path="/repo/a.py")
    assert "read_before_edit:all" in features(view, change)


def test_writing_a_new_file_is_not_an_edit_that_needs_a_read() -> None:
    found = features(read("src/a.py"), write("src/new.py"), edit("src/a.py"))
    assert "read_before_edit:all" in found


def test_a_run_that_only_writes_new_files_is_never_not_all() -> None:
    assert "read_before_edit:not_all" not in features(write("src/new.py"), write("src/b.py"))


def test_editing_a_file_the_run_wrote_needs_no_read() -> None:
    found = features(write("src/new.py"), edit("src/new.py"))
    assert "read_before_edit:all" in found


# --- the filtered scan agrees with the plain one --------------------------------------------


def plain_unread(steps: list[Step]) -> bool:
    """The read-before-edit answer by splitting every path every step saw (no name filter)."""
    from engram.parse.shell import invocations
    from engram.parse.tools import READING_PROGRAMS, is_read, is_search, is_shell, is_write
    from extractors.workflow import _first_edits, _known, _parts

    first = set(_first_edits(steps).values())
    seen: set[tuple[str, ...]] = set()
    for index, step in enumerate(steps):
        if (is_read(step) or is_write(step)) and step.path:
            seen.add(_parts(step.path))
        if is_shell(step):
            for invocation in invocations(step.input):
                if invocation.program in READING_PROGRAMS:
                    seen.update(_parts(a) for a in invocation.args if not a.startswith("-"))
        if (is_search(step) or is_shell(step)) and step.output and not step.is_error:
            seen.update(_parts(line.split(":", 1)[0]) for line in step.output.splitlines()[:200])
        if index in first and not _known(_parts(step.path or ""), seen):
            return True
    return False


_PATHS = ["a.py", "src/a.py", "/repo/src/a.py", "./src/a.py", "b.py", "src/ab.py", "lib/a.py"]
_PATHS += ["src/", ".", "a.py/", " a.py "]
_path = st.sampled_from(_PATHS)
_output = st.lists(
    st.one_of(_path, st.builds("{}:{}:text".format, _path, st.integers(1, 99)), st.text()),
    max_size=6,
).map("\n".join)
_step = st.one_of(
    st.builds(read, _path),
    st.builds(edit, _path),
    st.builds(write, _path),
    st.builds(shell, st.builds("cat {}".format, _path) | st.just("pytest"), _output, st.booleans()),
    st.builds(lambda out: Step("Grep", input="x", output=out), _output),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_step, max_size=8))
def test_reading_before_editing_is_what_splitting_every_seen_path_says(steps: list[Step]) -> None:
    found = features(*steps)
    if any("read_before_edit" in f for f in found):
        assert ("read_before_edit:not_all" in found) == plain_unread(steps)
