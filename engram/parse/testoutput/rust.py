"""``cargo test`` output: panics in both formats, compiler errors."""

from __future__ import annotations

import re

from engram.parse.testoutput.base import BLOCK_LINES, MAX_FOUND, Found
from engram.parse.testoutput.kinds import compile_kind, found_at, make_found
from engram.parse.testoutput.text import clean_line

_RUST_ERROR = re.compile(r"error(?:\[(E\d{4})\])?: (.+)$")
_RUST_LOCATION = re.compile(r"\s*--> (\S+)")
_RUST_OLD_END = re.compile(r"(.*)', \S+:\d+(?::\d+)?$")
_RUST_SKIP = ("test failed, to rerun", "aborting due to", "could not compile", "Recipe ")


def _rust_details(message: str, after: list[str]) -> str:
    """A panic message with the ``left:``/``right:`` lines that follow it."""
    details = []
    for line in after[:4]:
        text = line.strip()
        if text.startswith(("left:", "right:")):
            end = _RUST_OLD_END.match(text)
            details.append((end.group(1) if end else text).rstrip(","))
        else:
            break
    return f"{message} ({', '.join(details)})" if details else message


def _rust_panic(lines: list[str]) -> str | None:
    """The panic message of one test's captured output, old or new Rust format."""
    for j, line in enumerate(lines):
        cut = line.find("' panicked at ")
        if not line.lstrip().startswith("thread '") or cut < 0:
            continue
        rest = line[cut + len("' panicked at ") :]
        if rest.startswith("'"):  # Rust < 1.73: panicked at 'msg', src/lib.rs:5:9
            end = _RUST_OLD_END.match(rest[1:])
            if end:
                return end.group(1)
            return _rust_details(rest[1:], lines[j + 1 :])
        after = lines[j + 1 :]
        first = next((text.strip() for text in after[:1] if text.strip()), "")
        if first.startswith("note:"):
            first = ""
        return _rust_details(first, after[1:]) if first else ""
    return None


def _rust_message(lines: list[str]) -> str:
    panic = _rust_panic(lines)
    if panic is not None:
        return panic
    for line in lines:
        text = line.strip()
        if text.startswith("note: test did not panic as expected"):
            return text[len("note: ") :]
        if text.startswith("Error: "):
            return text
    return next(
        (s for s in (line.strip() for line in lines) if s and not s.startswith("note:")), ""
    )


def _rust_loose_panic(lines: list[str], i: int) -> Found:
    """A panic printed outside a test's section (``--nocapture``, or a binary's own panic)."""
    line = lines[i]
    thread = line[len("thread '") : line.find("' panicked at ")]
    message = _rust_panic(lines[i : i + 12]) or ""
    if thread in ("", "main", "<unnamed>"):
        return make_found("cargo", i, f"panic:{message}", None, message, "runtime")
    return make_found("cargo", i, thread, thread, message, "runtime")


def parse_cargo(lines: list[str]) -> list[Found]:
    """cargo test: ``---- name stdout ----`` sections, ``... FAILED`` lines, rustc errors."""
    found: list[Found] = []
    named: dict[str, int] = {}
    sections: dict[str, tuple[int, list[str]]] = {}
    section: list[str] | None = None
    in_list = False
    fallback: Found | None = None
    for i, line in enumerate(lines):
        if len(found) + len(named) >= MAX_FOUND:
            break
        if line.startswith("---- ") and line.endswith(" ----"):
            inner = line[5:-5]
            name = inner.rsplit(" ", 1)[0] if inner.endswith((" stdout", " stderr")) else inner
            section = [] if name not in sections else None
            if section is not None:
                sections[name] = (i, section)
            named.setdefault(name, i)
            in_list = False
        elif line == "failures:":
            section, in_list = None, True
        elif line.startswith(("test result:", "running ")):
            section, in_list = None, False
        elif in_list and line.startswith("    ") and line.strip():
            named.setdefault(line.strip(), i)
        elif line.startswith("test ") and line.endswith(" ... FAILED"):
            named.setdefault(line[5 : -len(" ... FAILED")], i)
        elif section is not None:
            if len(section) < BLOCK_LINES:
                section.append(line)
        elif line.startswith("thread '") and "' panicked at " in line:
            found.append(_rust_loose_panic(lines, i))
        elif line.startswith("error") and (error := _RUST_ERROR.match(line)):
            message = error.group(2)
            where = _RUST_LOCATION.match(lines[i + 1]) if i + 1 < len(lines) else None
            key = f"compile:{line}@{where.group(1) if where else ''}"
            item = found_at((i, 0), key, "cargo", None, clean_line(line), compile_kind(line))
            if message.startswith("could not compile"):
                fallback = fallback or item
            elif not message.startswith(_RUST_SKIP):
                found.append(item)
        elif in_list and line.strip():
            in_list = False
    for name, pos in named.items():
        _, body = sections.get(name, (pos, []))
        found.append(make_found("cargo", pos, name, name, _rust_message(body), "runtime"))
    if fallback is not None and not any(item.failure.test is None for item in found):
        found.append(fallback)
    return found
