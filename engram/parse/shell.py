"""Which programs a shell command runs: ``cd repo && python -m pytest -x`` runs ``pytest``.

A small quote-aware scanner splits a command line into simple commands (at unquoted ``;``,
``&``, ``|``, ``&&``, ``||``, newlines, subshells and command substitutions), drops comments,
redirections and heredoc bodies, and ``shlex`` splits each into words. Wrappers (``sudo``,
``timeout 60``, ``env X=1``, ``uv run``, ``npx``, ``bash -lc '…'``) are looked through.
"""

from __future__ import annotations

import re
import shlex
from functools import lru_cache
from typing import NamedTuple

MAX_COMMAND_CHARS = 20_000
MAX_DEPTH = 3

_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PROGRAM = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,39}$")
_PYTHON = re.compile(r"^python(\d+(\.\d+)?)?$")
_SHELL_SCRIPT_FLAG = re.compile(r"^-[A-Za-z]*c[A-Za-z]*$")
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][\w.-]*)\1")
_SEPARATORS = frozenset(";&|\n()`")
_WORD_END = frozenset(" \t;&|\n()<>`")

# Words that run the rest of the line as a command; each with its options that take a value.
_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-C", "-h", "-p", "-U", "-r", "-t", "-D", "--user",
                       "--group"}),
    "timeout": frozenset({"-s", "-k", "--signal", "--kill-after"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "env": frozenset({"-u", "-C", "-S", "--unset", "--chdir"}),
    "xargs": frozenset({"-I", "-n", "-P", "-L", "-d", "-s", "-E", "-a"}),
    "time": frozenset({"-f", "-o"}),
    "nohup": frozenset(), "exec": frozenset(), "command": frozenset(), "stdbuf": frozenset(),
    "then": frozenset(), "do": frozenset(), "else": frozenset(), "if": frozenset(),
    "while": frozenset(), "until": frozenset(), "!": frozenset(), "{": frozenset(),
}  # fmt: skip
# ``uv run pytest``: the runner's sub-command that runs the next word, and options with values.
_RUNNERS: dict[str, tuple[str, frozenset[str]]] = {
    "uv": ("run", frozenset({"--with", "--python", "-p", "--directory", "--project",
                             "--env-file", "--extra", "--group", "--package"})),
    "poetry": ("run", frozenset({"-C", "--directory", "-P", "--project"})),
    "pipenv": ("run", frozenset()),
    "pdm": ("run", frozenset({"-p", "--project"})),
    "hatch": ("run", frozenset({"-e", "--env"})),
    "conda": ("run", frozenset({"-n", "--name", "-p", "--prefix"})),
    "npx": ("", frozenset({"-p", "--package"})),
    "bunx": ("", frozenset()),
    "pnpx": ("", frozenset()),
}  # fmt: skip
# Shell plumbing that says nothing about what the run did.
_IGNORED = frozenset({"cd", "export", "set", "unset", "true", "false", ":", "source", ".",
                      "fi", "done", "esac", "}", "pushd", "popd", "for", "case", "select",
                      "function", "in", "local", "declare", "return", "exit", "shift"})  # fmt: skip
_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh"})


class Invocation(NamedTuple):
    program: str
    args: tuple[str, ...]


def programs(command: str) -> list[str]:
    """Programs a shell command runs, in order, without duplicates."""
    found: list[str] = []
    for invocation in invocations(command):
        if invocation.program not in found:
            found.append(invocation.program)
    return found


@lru_cache(maxsize=65_536)
def invocations(command: str) -> tuple[Invocation, ...]:
    """Each simple command of a shell command line: its program and arguments."""
    return tuple(_invocations(command, 0))


def _invocations(command: str, depth: int) -> list[Invocation]:
    found: list[Invocation] = []
    for segment in split_commands(_cap(command)):
        found.extend(_simple(_words(segment), depth))
    return found


def split_commands(command: str) -> list[str]:
    """The simple commands of a command line, split at unquoted separators."""
    command = _strip_heredocs(command)
    segments: list[str] = []
    nested: list[str] = []  # substitutions inside double quotes, run after their command
    current: list[str] = []
    quote = ""
    at_word_start = True
    i, end = 0, len(command)
    while i < end:
        char = command[i]
        if quote:
            if quote == '"' and command.startswith("$(", i):  # substitution inside "…"
                close = _closing_paren(command, i + 2)
                nested.append(command[i + 2 : close])
                current.append("0")
                i = close + 1
                continue
            current.append(char)
            if char == "\\" and quote == '"' and i + 1 < end:
                current.append(command[i + 1])
                i += 1
            elif char == quote:
                quote = ""
            i += 1
            continue
        if char == "\\" and i + 1 < end:
            current.append(command[i : i + 2])
            i += 2
            at_word_start = False
            continue
        if char in "'\"" and command.find(char, i + 1) >= 0:  # an unclosed quote is a letter
            quote = char
            current.append(char)
        elif char == "#" and at_word_start:
            newline = command.find("\n", i)
            i = end if newline < 0 else newline
            continue
        elif command.startswith("$((", i):  # arithmetic, not a command
            close = command.find("))", i)
            i = end if close < 0 else close + 2
            current.append("0")
            at_word_start = False
            continue
        elif (char in "<>" and not command.startswith(("<(", ">("), i)) or command.startswith(
            "&>", i
        ):
            i = _skip_redirection(command, i, current)
            at_word_start = True
            continue
        elif (char in _SEPARATORS and (char != "(" or at_word_start)) or command.startswith(
            ("$(", "<(", ">("), i
        ):
            segments.append("".join(current))
            segments.extend(nested)
            current, nested = [], []
            i += 2 if command.startswith(("$(", "<(", ">(", "&&", "||"), i) else 1
            at_word_start = True
            continue
        else:
            current.append(char)
        at_word_start = char in " \t"
        i += 1
    segments.append("".join(current))
    segments.extend(nested)
    return [s for s in (seg.strip() for seg in segments) if s]


def _closing_paren(command: str, start: int) -> int:
    """Index of the ``)`` that closes a ``$(`` whose content starts at ``start``."""
    depth = 1
    for index in range(start, len(command)):
        if command[index] == "(":
            depth += 1
        elif command[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    return len(command)


def _skip_redirection(command: str, i: int, current: list[str]) -> int:
    """Past a redirection and its target (``2>&1``, ``> out.log``, ``<<EOF``, ``&>> x``);
    a file-descriptor number just before it is dropped from ``current``."""
    digits = 0
    while digits < len(current) and current[-1 - digits].isdigit():
        digits += 1
    if digits and (digits == len(current) or current[-1 - digits] in " \t"):
        del current[len(current) - digits :]
    end = len(command)
    while i < end and command[i] in "<>&|":
        i += 1
    while i < end and command[i] in " \t":
        i += 1
    if i < end and command[i] in "'\"":
        close = command.find(command[i], i + 1)
        return end if close < 0 else close + 1
    while i < end and command[i] not in _WORD_END:
        i += 1
    return i


def _strip_heredocs(command: str) -> str:
    """Drop heredoc bodies, keeping the rest of each opening line (``cat <<EOF | python``)."""
    if "<<" not in command:
        return command
    lines = command.split("\n")
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        kept.append(line)
        index += 1
        for match in _HEREDOC.finditer(line):
            terminator = match.group(2)
            while index < len(lines) and lines[index].strip() != terminator:
                index += 1
            index += 1  # the terminator itself
    return "\n".join(kept)


def _words(segment: str) -> list[str]:
    try:
        return shlex.split(segment)
    except ValueError:  # unbalanced quotes: fall back to whitespace
        return segment.split()


def _simple(words: list[str], depth: int) -> list[Invocation]:
    words = _skip_wrappers(words)
    if not words:
        return []
    program, rest = _base_name(words[0]), words[1:]
    if program in _SHELLS:
        return _shell_script(program, rest, depth)
    if _PYTHON.match(program):
        if len(rest) >= 2 and rest[0] == "-m":
            module = _clean(rest[1].split(".")[0])
            return [Invocation(module, tuple(rest[2:]))] if module else []
        return [Invocation("python", tuple(rest))]
    if program in _RUNNERS and depth < MAX_DEPTH:
        sub, value_options = _RUNNERS[program]
        if sub:
            if rest[:1] != [sub]:
                return [Invocation(program, tuple(rest))]
            rest = rest[1:]
        rest = _skip_options(rest, value_options)
        return _simple(rest, depth + 1) if rest else [Invocation(program, ())]
    if program == "pip3":
        program = "pip"
    if program in _IGNORED:
        return []
    cleaned = _clean(program)
    return [Invocation(cleaned, tuple(rest))] if cleaned else []


def _skip_wrappers(words: list[str]) -> list[str]:
    while words:
        word = words[0]
        if _ASSIGNMENT.match(word):
            words = words[1:]
        elif word in _WRAPPERS:
            words = _skip_options(words[1:], _WRAPPERS[word])
            if word == "timeout" and words:
                words = words[1:]  # the duration
        else:
            break
    return words


def _skip_options(words: list[str], with_value: frozenset[str]) -> list[str]:
    """Words after leading options (and the values of those that take one)."""
    index = 0
    while index < len(words) and words[index].startswith("-") and words[index] != "-":
        index += 2 if words[index] in with_value else 1
    return words[index:]


def _shell_script(shell: str, args: list[str], depth: int) -> list[Invocation]:
    """``bash -c 'script'`` / ``bash -lc 'script'`` runs the script; ``bash x.sh`` runs bash."""
    for index, arg in enumerate(args):
        if not arg.startswith("-"):
            break
        if _SHELL_SCRIPT_FLAG.match(arg) and index + 1 < len(args) and depth < MAX_DEPTH:
            return _invocations(args[index + 1], depth + 1)
    return [Invocation(shell, tuple(args))]


def _cap(command: str) -> str:
    """At most MAX_COMMAND_CHARS, cut at a line or word boundary so no word is half kept."""
    if len(command) <= MAX_COMMAND_CHARS:
        return command
    head = command[:MAX_COMMAND_CHARS]
    cut = max(head.rfind("\n"), head.rfind(";"), head.rfind(" "))
    return head[:cut] if cut > 0 else ""


def _base_name(word: str) -> str:
    return word.rsplit("/", 1)[-1] if "/" in word else word


def _clean(program: str) -> str:
    program = _base_name(program)
    if _PYTHON.match(program):
        return "python"
    return program if _PROGRAM.match(program) else ""
