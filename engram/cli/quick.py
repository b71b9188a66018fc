"""The commands an agent harness or a hook calls before every run, answered without importing
the CLI framework: ``engram suggest`` and ``engram inject`` with the options they document,
``engram mcp``, and ``engram hooks run EVENT`` (what Claude Code runs at each session's start
and first prompt). ``engram learn`` of files and folders comes this way too, which spares each
learn the framework's tenth of a second (``--watch`` and repeated options go to the app).

``engram --help`` is printed from the full CLI's kept rendering when there is one
(``engram.cli.helpcache``). Anything this parser is not sure of (a command's ``--help``, an
option it does not know, a value out of range, an option given twice) returns None, and the
full typer app handles the command line, with its usage errors; so both paths always agree
(``tests/cli/test_quick.py``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Parser = Callable[[str], Any]


def _text(value: str) -> str:
    return value


def _tokens(value: str) -> int:
    number = int(value)
    if number < 50:
        raise ValueError(value)
    return number


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def _share(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(value)
    return number


def _format(value: str) -> str:
    if value not in ("md", "json"):
        raise ValueError(value)
    return value


_SUGGEST: dict[str, tuple[str, Parser]] = {
    "--category": ("category", _text),
    "--agent": ("agent", _text),
    "--model": ("model", _text),
    "--format": ("output_format", _format),
    "--max-tokens": ("max_tokens", _tokens),
    "--limit": ("limit", _positive),
    "--instruction": ("instruction", Path),
    "--holdout": ("holdout", _share),
}
_INJECT: dict[str, tuple[str, Parser]] = {
    "--output": ("output", Path),
    "-o": ("output", Path),
    "--category": ("category", _text),
    "--agent": ("agent", _text),
    "--max-tokens": ("max_tokens", _tokens),
    "--holdout": ("holdout", _share),
}
_INJECT_FLAGS = {"--section": ("section", True), "--quiet": ("quiet", True),
                 "-q": ("quiet", True)}  # fmt: skip
_LEARN: dict[str, tuple[str, Parser]] = {
    "--format": ("format", _text),
    "--by": ("by", _text),
    "--task-key": ("task_key", _text),
    "--min-support": ("min_support", int),
    "--alpha": ("alpha", float),
    "--min-difference": ("min_difference", float),
    "--jobs": ("jobs", _positive),
    "-j": ("jobs", _positive),
    "--tag": ("tag", _text),
}
_LEARN_FLAGS = {
    "--strict": ("strict", True), "--no-strict": ("strict", False),
    "--redact": ("redact", True), "--no-redact": ("redact", False),
    "--archive": ("archive", True), "--no-archive": ("archive", False),
    "--json": ("json_output", True), "--quiet": ("quiet", True), "-q": ("quiet", True),
}  # fmt: skip
_HOOK: dict[str, tuple[str, Parser]] = {"--category": ("category", _text),
                                        "--holdout": ("holdout", _share)}  # fmt: skip


def run(argv: Sequence[str]) -> int | None:
    """The exit code of a command handled here, or None to hand it to the typer app."""
    if list(argv) == ["--version"]:
        from engram import __version__

        print(f"engram {__version__}")
        return 0
    if list(argv) == ["--help"]:
        from engram.cli.helpcache import cached

        text = cached()
        if text is None:
            return None  # the typer app renders it, and keeps it (engram.cli.main)
        sys.stdout.write(text)
        return 0
    if list(argv) == ["mcp"]:  # the MCP server, started by an agent at each session
        from engram.integrations.mcp_server import serve

        return _guarded(serve)
    if list(argv[:2]) == ["hooks", "run"]:
        found = _parse(argv[2:], _HOOK, {}, positional=1)
        if found is None:
            return None
        options, (event,) = found
        return _guarded(lambda: run_hook_command(event, **options))
    if argv and argv[0] == "learn":
        return _learn_command(argv[1:])
    if not argv or argv[0] not in ("suggest", "inject"):
        return None
    from engram.render.markdown import DEFAULT_MAX_TOKENS

    if argv[0] == "suggest":
        found = _parse(argv[1:], _SUGGEST, {}, positional=0)
        if found is None:
            return None
        options, _ = found
        settings = {"category": None, "agent": None, "model": None, "output_format": "md",
                    "max_tokens": DEFAULT_MAX_TOKENS, "limit": None, "instruction": None,
                    "holdout": 0.0, **options}  # fmt: skip
        return _guarded(lambda: _suggest(settings))
    found = _parse(argv[1:], _INJECT, _INJECT_FLAGS, positional=1)
    if found is None:
        return None
    options, (file,) = found
    settings = {"output": None, "category": None, "agent": None,
                "max_tokens": DEFAULT_MAX_TOKENS, "section": False, "quiet": False,
                "holdout": 0.0, **options}  # fmt: skip
    return _guarded(lambda: _inject(Path(file), settings))


def _suggest(settings: dict[str, Any]) -> None:
    from engram.cli.guidance import print_suggestion

    print_suggestion(**settings)


def _inject(file: Path, settings: dict[str, Any]) -> None:
    from engram.cli.guidance import inject_file

    inject_file(file, **settings)


def _learn_command(args: Sequence[str]) -> int | None:
    """``engram learn PATHS...`` with options given once each; not ``--watch``."""
    found = _parse(args, _LEARN, _LEARN_FLAGS, positional=None)
    if found is None:
        return None
    options, paths = found
    from engram.cli.learning import SCOPE_CHOICES, learn_and_say, mining_settings

    if options.get("by", "category") not in SCOPE_CHOICES:
        return None
    if "format" in options:
        from engram.loaders.detect import LOADERS

        if options["format"] not in LOADERS:
            return None
    task_key = None
    if "task_key" in options:
        from engram.errors import EngramError
        from engram.parse.tasks import TaskKey

        try:
            task_key = TaskKey.parse(options["task_key"])
        except EngramError:
            return None  # the app says why, as bad usage
    given = {key: options[key] for key in ("min_support", "alpha", "min_difference")
             if key in options}  # fmt: skip
    settings = mining_settings([options["by"]] if "by" in options else [], **given)
    chosen: dict[str, Any] = {key: options[key] for key in ("format", "strict", "jobs", "redact",
                              "archive") if key in options}  # fmt: skip
    if "tag" in options:
        chosen["tags"] = [options["tag"]]

    def work() -> int:
        learned = learn_and_say([Path(path) for path in paths],
                                json_output=options.get("json_output", False),
                                quiet=options.get("quiet", False), settings=settings,
                                task_key=task_key, **chosen)  # fmt: skip
        return 0 if learned else 1

    return _guarded(work)


def run_hook_command(event: str, category: str | None = None, holdout: float = 0.0) -> None:
    """``engram hooks run EVENT``: the event JSON on stdin, the hook's answer on stdout."""
    from engram.cli.console import echo
    from engram.integrations.hooks import run_hook

    stdin = sys.stdin.read() if not sys.stdin.isatty() else ""
    output = run_hook(event, stdin, category, holdout)
    if output:
        echo(output)


def _guarded(work: Callable[[], int | None]) -> int:
    """Run ``work``: its exit code (0 if it gives none). As the typer app ends them, engram's
    errors become their message and hint (1), Ctrl-C ends quietly (130), and so does a reader
    that went away (1)."""
    from engram.errors import EngramError

    try:
        return work() or 0
    except EngramError as exc:
        from engram.cli.console import report_error

        report_error(exc)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - for the exit's flush
        return 1


def _parse(
    args: Sequence[str],
    valued: dict[str, tuple[str, Parser]],
    flags: dict[str, tuple[str, Any]],
    positional: int | None,
) -> tuple[dict[str, Any], list[str]] | None:
    """Options and positional arguments (``positional`` of them; None: one or more), or None
    for anything not plainly right."""
    options: dict[str, Any] = {}
    rest: list[str] = []
    index = 0
    while index < len(args):
        token = args[index]
        name, equals, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if name in flags and not equals:
            key, value = flags[name]
        elif name in valued:
            if not equals:
                index += 1
                if index >= len(args):
                    return None
                inline = args[index]
            key, parse = valued[name]
            try:
                value = parse(inline)
            except ValueError:
                return None
        elif token.startswith("-") and token != "-":
            return None
        else:
            rest.append(token)
            index += 1
            continue
        if key in options:
            return None
        options[key] = value
        index += 1
    if len(rest) != positional if positional is not None else not rest:
        return None
    return options, rest
