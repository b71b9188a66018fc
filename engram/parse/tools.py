"""What agents' tools do, by name: shells, editors, readers, searchers, and verifying commands.

Names differ between agents (Claude Code's ``Bash``, OpenHands' ``execute_bash``, SWE-agent's
``str_replace_editor``); the sets below hold the ones we know, lower-cased.
"""

from __future__ import annotations

from engram.parse.shell import Invocation, invocations
from engram.trace import Step

SHELL_TOOLS = frozenset({
    "bash", "shell", "run_shell_command", "execute_bash", "execute_command", "terminal",
    "exec_command", "local_shell", "run_terminal_cmd", "run_command", "container.exec",
    "cmd", "powershell",
})  # fmt: skip
EDIT_TOOLS = frozenset({
    "edit", "multiedit", "notebookedit", "apply_patch", "edit_file", "replace_in_file",
    "search_replace", "str_replace", "patch", "replace", "insert",
})  # fmt: skip
WRITE_TOOLS = frozenset({"write", "write_file", "create_file", "write_to_file", "create"})
EDITOR_TOOLS = frozenset({"str_replace_editor", "str_replace_based_edit_tool", "edit_tool"})
READ_TOOLS = frozenset({
    "read", "read_file", "view_file", "open_file", "notebookread", "view", "open", "cat",
})  # fmt: skip
SEARCH_TOOLS = frozenset({
    "grep", "glob", "ls", "grep_search", "search_files", "find_file", "file_search",
    "codebase_search", "list_dir", "list_files", "search_dir", "search_file", "find",
})  # fmt: skip
READING_PROGRAMS = frozenset({"cat", "head", "tail", "less", "more", "sed", "awk", "grep",
                              "rg", "nl", "view", "bat"})  # fmt: skip

# Programs that are a test or build run whatever their arguments, and those that are one only
# with certain sub-commands (``npm test``, ``go build``).
_VERIFY_PROGRAMS = frozenset({
    "pytest", "py.test", "tox", "nox", "unittest", "nose2", "nosetests", "make", "ctest",
    "jest", "vitest", "mocha", "karma", "ava", "rspec", "phpunit", "mvn", "gradle", "gradlew",
    "bazel", "ninja", "tsc", "mvnw", "sbt", "mix", "ant", "meson",
})  # fmt: skip
_VERIFY_SUBCOMMANDS = {
    "npm": {"test", "t", "run", "build", "ci"}, "yarn": {"test", "build", "run"},
    "pnpm": {"test", "build", "run"}, "bun": {"test", "build", "run"},
    "go": {"test", "build", "vet"}, "cargo": {"test", "build", "check", "nextest", "clippy"},
    "dotnet": {"test", "build"}, "swift": {"test", "build"}, "deno": {"test", "check"},
    "cmake": {"--build"}, "stack": {"test", "build"}, "cabal": {"test", "build"},
    "python": {"setup.py"}, "php": {"artisan"},
}  # fmt: skip


def is_shell(step: Step) -> bool:
    return step.tool.lower() in SHELL_TOOLS


def is_edit(step: Step) -> bool:
    """A call that changes an existing file (not one that writes a new one)."""
    name = step.tool.lower()
    if name in EDITOR_TOOLS:
        return step.input.split(" ", 1)[0] in ("str_replace", "insert", "undo_edit")
    return name in EDIT_TOOLS


def is_write(step: Step) -> bool:
    name = step.tool.lower()
    if name in EDITOR_TOOLS:
        return step.input.split(" ", 1)[0] == "create"
    return name in WRITE_TOOLS


def is_read(step: Step) -> bool:
    name = step.tool.lower()
    if name in EDITOR_TOOLS:
        return step.input.split(" ", 1)[0] == "view"
    return name in READ_TOOLS


def is_search(step: Step) -> bool:
    name = step.tool.lower()
    return name in SEARCH_TOOLS or (name.startswith("mcp__") and "search" in name)


def shell_invocations(step: Step) -> tuple[Invocation, ...]:
    return invocations(step.input) if is_shell(step) else ()


def is_verification(invocation: Invocation) -> bool:
    """Whether a command runs tests or a build."""
    if invocation.program in _VERIFY_PROGRAMS:
        return True
    subcommands = _VERIFY_SUBCOMMANDS.get(invocation.program)
    return bool(subcommands and invocation.args and invocation.args[0] in subcommands)
