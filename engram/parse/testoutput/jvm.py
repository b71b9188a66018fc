"""JUnit: Maven Surefire and Gradle text, and JUnit XML reports."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from engram.parse.testoutput.base import MAX_FOUND, Found
from engram.parse.testoutput.kinds import compile_kind, found_at, make_found, runner_kind
from engram.parse.testoutput.text import SPACE, clean_line

# Maven's log-level prefix; GitHub Actions shows "[ERROR] " as "Error:  ".
_MVN_PREFIX = re.compile(r"\[(?:ERROR|INFO|WARNING|WARN)\] ?|(?:Error|Warning): ")
_MVN_OLD_NAME = re.compile(r"([\w$]+)\(([\w.$]+)\)")
_JAVA_COMPILE = re.compile(
    r"(\S+\.(?:java|kt|scala|groovy)):\[(\d+),(\d+)\] (.+)$"  # maven-compiler-plugin
    r"|(\S+\.java):(\d+): error: (.+)$"  # javac, Gradle
    r"|e: (?:file://)?(\S+\.kts?):(\d+):(\d+) (.+)$"  # kotlinc
)
_GRADLE_TEST = re.compile(r"(\S+) > (.+) FAILED$")
#: Surefire's result summary headings, and the kind of a message under each that names none;
#: the old (2.x) headings have their first test on the same line.
_SUMMARY_HEADS = {"Failures:": "assertion", "Errors:": "runtime"}
_OLD_SUMMARY_HEADS = {"Failed tests:": "assertion", "Tests in error:": "runtime"}


def _summary_head(text: str) -> tuple[str, str] | None:
    """(heading, kind) when a line opens a Surefire summary section."""
    if text in _SUMMARY_HEADS:
        return text, _SUMMARY_HEADS[text]
    head = next((h for h in _OLD_SUMMARY_HEADS if text.startswith(h)), None)
    return (head, _OLD_SUMMARY_HEADS[head]) if head else None


def _mvn_name(name: str) -> str:
    """``testBar(com.acme.FooTest)`` as ``com.acme.FooTest.testBar``; other names unchanged."""
    old = _MVN_OLD_NAME.fullmatch(name)
    return f"{old.group(2)}.{old.group(1)}" if old else name


def _mvn_detail(lines: list[str], i: int) -> str:
    """The exception line after a ``<<< FAILURE!`` header."""
    for line in lines[i + 1 : i + 6]:
        text = line.strip()
        if not text:
            continue
        if text.startswith(("[", "at ")):
            return ""
        return text
    return ""


def parse_junit(lines: list[str]) -> list[Found]:
    """Surefire's per-test and summary lines, compilation errors, Gradle, and JUnit XML."""
    found: list[Found] = []
    full: dict[str, str] = {}  # a per-test block's name, by itself and by Class.method
    summary: str | None = None
    compilation: int | None = None
    for i, line in enumerate(lines):
        if len(found) >= MAX_FOUND:
            break
        text = _MVN_PREFIX.sub("", line, count=1) if line.startswith(("[", "Error: ")) else line
        stripped = text.strip()
        if "<<< " in text and "Time elapsed" in text and "Tests run:" not in text:
            name = _mvn_name(text[: text.find("Time elapsed")].strip().rstrip("-").strip())
            fallback = "assertion" if "<<< FAILURE" in text else "runtime"
            full.setdefault(".".join(name.rsplit(".", 2)[-2:]), name)
            full[name] = name
            found.append(make_found("junit", i, name, name, _mvn_detail(lines, i), fallback))
            summary = None
        elif heading := _summary_head(stripped):
            head, summary = heading
            rest = stripped[len(head) :].strip()
            if rest:
                found.append(_mvn_summary(i, rest, summary, full))
        elif summary is not None and text.startswith("  ") and stripped:
            if not stripped.startswith("Run "):
                found.append(_mvn_summary(i, stripped, summary, full))
        elif stripped.startswith("COMPILATION ERROR"):
            compilation = i if compilation is None else compilation
        elif (".java:" in text or ".kt" in text or ".scala:" in text or ".groovy:" in text) and (
            error := _JAVA_COMPILE.match(stripped)
        ):
            found.append(_java_compile(lines, i, stripped, error))
        elif (gradle := _GRADLE_TEST.match(line)) is not None:
            method = gradle.group(2).removesuffix("()")
            name = f"{gradle.group(1)}.{method}"
            detail = lines[i + 1].strip() if i + 1 < len(lines) else ""
            found.append(make_found("junit", i, name, name, detail, "assertion"))
        else:
            summary = None if stripped and not text.startswith("  ") else summary
    if compilation is not None and not any(item.key.startswith("compile:") for item in found):
        found.append(
            found_at((compilation, 0), "compile:", "junit", None, "COMPILATION ERROR", "compile")
        )
    return found + _parse_junit_xml(lines)


def _mvn_summary(i: int, text: str, fallback: str, full: dict[str, str]) -> Found:
    """One line of Surefire's Failures:/Errors: summary: ``FooTest.testBar:42 message``."""
    token, _, message = text.partition(" ")
    old = _MVN_OLD_NAME.match(token)
    if old:
        name = f"{old.group(2)}.{old.group(1)}"
        message = text[old.end() :].lstrip(":").strip()
    else:
        name = token.split("->", 1)[0].split(":", 1)[0]
        name = full.get(name, name)
    message = message.strip()
    if message.startswith("»"):
        message, fallback = message[1:].strip(), "runtime"
    return make_found("junit", i, name, name, message, fallback)


def _java_compile(lines: list[str], i: int, text: str, error: re.Match[str]) -> Found:
    groups = [group for group in error.groups() if group is not None]
    message = text
    after = _MVN_PREFIX.sub("", lines[i + 1], count=1).strip() if i + 1 < len(lines) else ""
    if after.startswith("symbol:"):
        message = f"{text} ({SPACE.sub(' ', after)})"
    return found_at(
        (i, 0), f"compile:{text}", "junit", None, clean_line(message), compile_kind(groups[-1])
    )


# JUnit XML

_XML_TESTCASE = re.compile(r"<testcase\b([^<>]{0,4000})>")
_XML_PROBLEM = re.compile(r"<(failure|error)\b([^<>]{0,8000})>")
_XML_ATTRIBUTE = re.compile(r"([\w:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_XML_TAIL = 20_000
_GENERIC_MESSAGES = frozenset({"", "failed", "failure", "error", "test failed"})


def _xml_message(kind: str, message: str, text: str) -> str:
    """``type: message``, else the failure text's first line."""
    message = message.strip()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if message.lower() in _GENERIC_MESSAGES:
        return first or message or kind
    if kind and not message.split(":", 1)[0].strip().endswith(kind.rsplit(".", 1)[-1]):
        return f"{kind}: {message}"
    return message


def _xml_found(
    pos: tuple[int, int], attrs: dict[str, str], tag: str, problem: dict[str, str], text: str
) -> Found:
    name = attrs.get("name", "").strip()
    classname = attrs.get("classname", "").strip()
    test = f"{classname}.{name}" if classname and name else (name or classname or None)
    message = clean_line(_xml_message(problem.get("type", ""), problem.get("message", ""), text))
    kind = runner_kind(message, "assertion" if tag == "failure" else "runtime")
    return found_at(pos, f"xml:{test}", "junit", test, message, kind)


def _parse_junit_xml(lines: list[str]) -> list[Found]:
    """Failed ``<testcase>`` elements of the JUnit XML documents in the text."""
    if not any("<testcase" in line for line in lines):
        return []
    text = "\n".join(lines)
    found: list[Found] = []
    start = text.find("<testsuite")
    counted, first_line = 0, 0
    while start >= 0 and len(found) < MAX_FOUND:
        close = "</testsuites>" if text.startswith("<testsuites", start) else "</testsuite>"
        end = text.find(close, start)
        chunk = text[start : end + len(close)] if end >= 0 else text[start:]
        first_line += text.count("\n", counted, start)
        counted = start
        items = _xml_tree(chunk, first_line) if end >= 0 else None
        found.extend(items if items is not None else _xml_scan(chunk, first_line))
        start = text.find("<testsuite", end + len(close)) if end >= 0 else -1
    return found


def _xml_tree(chunk: str, first_line: int) -> list[Found] | None:
    """Failures from a parsed XML document; None when it will not parse (or declares entities)."""
    if "<!DOCTYPE" in chunk or "<!ENTITY" in chunk:
        return None
    try:
        root = ET.fromstring(chunk)
    except Exception:
        return None
    found = []
    for order, case in enumerate(root.iter("testcase")):
        for child in case:
            if child.tag in ("failure", "error"):
                found.append(
                    _xml_found(
                        (first_line, order),
                        dict(case.attrib),
                        child.tag,
                        dict(child.attrib),
                        child.text or "",
                    )
                )
                break
    return found


def _xml_scan(chunk: str, first_line: int) -> list[Found]:
    """Failures found tag by tag, for XML that is truncated or malformed."""
    found = []
    cases = list(_XML_TESTCASE.finditer(chunk))
    counted, line = 0, first_line
    for order, case in enumerate(cases):
        if case.group(1).rstrip().endswith("/"):
            continue
        stop = cases[order + 1].start() if order + 1 < len(cases) else len(chunk)
        region = chunk[case.end() : min(stop, case.end() + _XML_TAIL)]
        problem = _XML_PROBLEM.search(region)
        if problem is None:
            continue
        body = region[problem.end() :]
        body = body[: body.find("</")] if "</" in body else body
        line += chunk.count("\n", counted, case.start())
        counted = case.start()
        pos = (line, 0)
        found.append(
            _xml_found(
                pos, _xml_attributes(case.group(1)), problem.group(1),
                _xml_attributes(problem.group(2)), html.unescape(body),
            )
        )  # fmt: skip
        if len(found) >= MAX_FOUND:
            break
    return found


def _xml_attributes(text: str) -> dict[str, str]:
    return {
        m.group(1): html.unescape(m.group(2) or m.group(3) or "")
        for m in _XML_ATTRIBUTE.finditer(text)
    }
