"""Reading unified diffs into files touched and lines added and removed."""

from __future__ import annotations

from engram.parse.diff import MAX_FILES, parse_diff
from engram.trace import Changes

GIT_DIFF = "\n".join(
    [
        "diff --git a/src/parser.py b/src/parser.py",
        "index 1234567..89abcde 100644",
        "--- a/src/parser.py",
        "+++ b/src/parser.py",
        "@@ -10,4 +10,5 @@ def parse(text):",
        "     tokens = lex(text)",
        "-    return tokens",
        "+    tree = build(tokens)",
        "+    return tree",
        " ",
        " ",
        "diff --git a/tests/test_parser.py b/tests/test_parser.py",
        "index 1111111..2222222 100644",
        "--- a/tests/test_parser.py",
        "+++ b/tests/test_parser.py",
        "@@ -1,2 +1,3 @@",
        " import parser",
        "+import pytest",
        " ",
    ]
)


def test_a_git_diff_gives_its_files_and_line_counts() -> None:
    assert parse_diff(GIT_DIFF) == Changes(
        known=True, files=("src/parser.py", "tests/test_parser.py"), added=3, removed=1
    )


def test_an_empty_text_is_a_known_change_of_nothing() -> None:
    assert parse_diff("") == Changes(known=True, files=(), added=0, removed=0)


def test_text_that_is_not_a_diff_changes_nothing() -> None:
    assert parse_diff("hello world\nno diff here\n") == Changes(known=True)


def test_a_new_file_from_dev_null_is_counted() -> None:
    diff = """\
diff --git a/src/new.py b/src/new.py
new file mode 100644
index 0000000..1111111
--- /dev/null
+++ b/src/new.py
@@ -0,0 +1,3 @@
+a = 1
+b = 2
+c = 3
"""
    assert parse_diff(diff) == Changes(known=True, files=("src/new.py",), added=3, removed=0)


def test_a_deleted_file_to_dev_null_is_counted() -> None:
    diff = """\
diff --git a/src/old.py b/src/old.py
deleted file mode 100644
index 1111111..0000000
--- a/src/old.py
+++ /dev/null
@@ -1,2 +0,0 @@
-a = 1
-b = 2
"""
    assert parse_diff(diff) == Changes(known=True, files=("src/old.py",), added=0, removed=2)


def test_dev_null_is_never_a_file() -> None:
    diff = "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+x\n"
    assert parse_diff(diff).files == ("new.txt",)


def test_a_deleted_file_in_a_plain_unified_diff_is_counted() -> None:
    diff = "--- a/src/old.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a = 1\n-b = 2\n"
    assert parse_diff(diff) == Changes(known=True, files=("src/old.py",), added=0, removed=2)


def test_a_pure_rename_names_the_new_path() -> None:
    diff = """\
diff --git a/old/name.py b/new/name.py
similarity index 100%
rename from old/name.py
rename to new/name.py
"""
    assert parse_diff(diff) == Changes(known=True, files=("new/name.py",), added=0, removed=0)


def test_a_rename_with_edits_counts_the_file_once() -> None:
    diff = """\
diff --git a/a.py b/b.py
similarity index 90%
rename from a.py
rename to b.py
index 1111111..2222222 100644
--- a/a.py
+++ b/b.py
@@ -1 +1 @@
-x = 1
+x = 2
"""
    assert parse_diff(diff) == Changes(known=True, files=("b.py",), added=1, removed=1)


def test_a_copy_names_the_copy() -> None:
    diff = "diff --git a/a.py b/c.py\nsimilarity index 100%\ncopy from a.py\ncopy to c.py\n"
    assert parse_diff(diff).files == ("c.py",)


def test_lines_starting_with_dashes_or_pluses_inside_a_hunk_are_changes() -> None:
    diff = """\
diff --git a/notes.md b/notes.md
--- a/notes.md
+++ b/notes.md
@@ -1,3 +1,3 @@
---- old rule
+++++ new rule
 keep
--- a/removed/looks-like-a-header
+++ b/added/looks-like-a-header
"""
    changes = parse_diff(diff)
    assert changes.files == ("notes.md",)
    assert (changes.added, changes.removed) == (2, 2)


def test_a_hunk_of_a_diff_file_counts_its_header_lines_as_content() -> None:
    diff = """\
--- a/patch.diff
+++ b/patch.diff
@@ -1,2 +1,2 @@
--- a/x
+++ b/y
 @@ -1 +1 @@
"""
    assert parse_diff(diff) == Changes(known=True, files=("patch.diff",), added=1, removed=1)


def test_binary_files_are_touched_without_line_counts() -> None:
    diff = """\
diff --git a/img/logo.png b/img/logo.png
new file mode 100644
index 0000000..abcdef0
Binary files /dev/null and b/img/logo.png differ
"""
    assert parse_diff(diff) == Changes(known=True, files=("img/logo.png",), added=0, removed=0)


def test_a_git_binary_patch_adds_no_lines() -> None:
    diff = """\
diff --git a/data.bin b/data.bin
index 1111111..2222222 100644
GIT binary patch
literal 12
TcmZ?wbhEHbWMp7q;5o$r0096A

literal 0
HcmV?d00001
"""
    assert parse_diff(diff) == Changes(known=True, files=("data.bin",), added=0, removed=0)


def test_a_mode_change_touches_the_file() -> None:
    diff = "diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n"
    assert parse_diff(diff) == Changes(known=True, files=("run.sh",), added=0, removed=0)


def test_a_truncated_hunk_keeps_what_it_read() -> None:
    diff = "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1,10 +1,10 @@\n-a\n+b\n"
    assert parse_diff(diff) == Changes(known=True, files=("a.py",), added=1, removed=1)


def test_a_truncated_hunk_does_not_swallow_the_next_file() -> None:
    diff = """\
diff --git a/a.py b/a.py
--- a/a.py
+++ b/a.py
@@ -1,10 +1,10 @@
-a
+b
diff --git a/c.py b/c.py
--- a/c.py
+++ b/c.py
@@ -1 +1 @@
-c
+d
"""
    assert parse_diff(diff) == Changes(known=True, files=("a.py", "c.py"), added=2, removed=2)


def test_a_hunk_header_cut_short_is_not_a_hunk() -> None:
    diff = "--- a/a.py\n+++ b/a.py\n@@ -1,3\n-a\n+b\n"
    assert parse_diff(diff) == Changes(known=True, files=("a.py",), added=0, removed=0)


def test_several_hunks_in_one_file_add_up() -> None:
    diff = """\
--- a/f.py
+++ b/f.py
@@ -1,2 +1,2 @@
-a
+b
 c
@@ -10,2 +10,3 @@
 d
+e
 f
"""
    assert parse_diff(diff) == Changes(known=True, files=("f.py",), added=2, removed=1)


def test_hunk_counts_without_a_comma_mean_one_line() -> None:
    diff = "--- a/f\n+++ b/f\n@@ -3 +3 @@\n-old\n+new\n+not in the hunk\n"
    changes = parse_diff(diff)
    assert (changes.added, changes.removed) == (1, 1)


def test_no_newline_markers_are_not_changes() -> None:
    diff = """\
--- a/f
+++ b/f
@@ -1 +1 @@
-a
\\ No newline at end of file
+b
\\ No newline at end of file
"""
    assert parse_diff(diff) == Changes(known=True, files=("f",), added=1, removed=1)


def test_a_blank_context_line_stripped_of_its_space_is_context() -> None:
    diff = "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n"
    assert parse_diff(diff) == Changes(known=True, files=("f",), added=1, removed=1)


def test_a_plain_unified_diff_with_timestamps_is_read() -> None:
    diff = (
        "--- old/file.txt\t2024-01-01 00:00:00.000000000 +0000\n"
        "+++ new/file.txt\t2024-01-02 00:00:00.000000000 +0000\n"
        "@@ -1 +1 @@\n-a\n+b\n"
    )
    assert parse_diff(diff) == Changes(known=True, files=("new/file.txt",), added=1, removed=1)


def test_windows_line_endings_are_read() -> None:
    diff = "--- a/f\r\n+++ b/f\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n"
    assert parse_diff(diff) == Changes(known=True, files=("f",), added=1, removed=1)


def test_a_path_with_spaces_is_one_file() -> None:
    diff = """\
diff --git a/docs/my file.md b/docs/my file.md
--- a/docs/my file.md
+++ b/docs/my file.md
@@ -1 +1 @@
-a
+b
"""
    assert parse_diff(diff).files == ("docs/my file.md",)


def test_the_file_list_is_capped() -> None:
    diff = "".join(f"diff --git a/f{n}.py b/f{n}.py\n" for n in range(MAX_FILES + 50))
    assert len(parse_diff(diff).files) == MAX_FILES


def test_a_large_diff_is_counted_exactly() -> None:
    body = "".join(f"-old {n}\n+new {n}\n" for n in range(20_000))
    diff = f"--- a/big.txt\n+++ b/big.txt\n@@ -1,20000 +1,20000 @@\n{body}"
    assert parse_diff(diff) == Changes(known=True, files=("big.txt",), added=20_000, removed=20_000)
