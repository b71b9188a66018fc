"""Secrets out of trace text before anything is stored or written.

API keys and tokens (Anthropic, OpenAI, GitHub, AWS, Slack, bearer tokens), private keys,
passwords in URLs, and values given to names that look secret (``API_KEY=…``,
``"password": "…"``) are replaced by ``[REDACTED]``. On by default; ``engram learn
--no-redact`` turns it off for one learn.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

MARKER = "[REDACTED]"
# A name one of whose parts says secret: GITHUB_TOKEN, api-key, "password", db.passwd.
_SECRET_NAME = (
    r"(?:[A-Za-z0-9]+[_.-])*(?:secret|token|passw(?:or)?d|pwd|api[_-]?key|access[_-]?key"
    r"|private[_-]?key|credentials?|client[_-]?secret)(?:[_.-][A-Za-z0-9]+)*"
)
# A value worth hiding: not empty, not a number, not a keyword.
_SECRET_VALUE = r"(?!(?:true|false|null|none|\d+)\b)"

_NAME_WORDS = r"secret|token|passw|pwd|api[_-]?key|access[_-]?key|private[_-]?key|credential"
# Each pattern's group "keep" (when present) survives; the rest of the match is the secret.
# Beside each, in lower case, what every match of it holds: a text without that skips it.
_PATTERNS = [
    (re.compile(p, re.IGNORECASE if flags else 0), re.compile(words), re.compile(words, re.I))
    for p, flags, words in (
        (r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", 0,
         "private key"),
        (r"\bsk-ant-[A-Za-z0-9_-]{16,}", 0, "sk-ant-"),
        (r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}", 0, "sk-"),
        (r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})", 0,
         "gh[pousr]_|github_pat_"),
        (r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", 0, "akia|asia"),
        (r"\bxox[abprse]-[A-Za-z0-9-]{10,}", 0, "xox"),
        (r"\bAIza[0-9A-Za-z_-]{35}\b", 0, "aiza"),
        (r"(?P<keep>\bbearer\s+)[A-Za-z0-9._~+/=-]{12,}", 1, "bearer"),
        (r"(?P<keep>\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+(?=@)", 1, r"://[^\s/]*:"),
        (rf"(?P<keep>[\"']{_SECRET_NAME}[\"']\s*:\s*)(?P<quote>[\"'])[^\"']+[\"']", 1, _NAME_WORDS),
        (
            rf"(?P<keep>\b{_SECRET_NAME}\s*[=:]\s*){_SECRET_VALUE}"
            r"(?:\"[^\"\n]+\"|'[^'\n]+'|[^\s'\",;]{3,})",
            1,
            _NAME_WORDS,
        ),
    )
]
# What every secret above holds: a text without any is returned as it is.
_QUICK_WORDS = "|".join(dict.fromkeys(quick.pattern for _, quick, _ in _PATTERNS))
_QUICK_LOWER = re.compile(_QUICK_WORDS)  # on lowered ASCII: several times faster than
_QUICK = re.compile(_QUICK_WORDS, re.IGNORECASE)  # ignoring case, which Unicode text needs

_enabled: ContextVar[bool] = ContextVar("engram_redact", default=True)


def redact(text: str) -> str:
    """``text`` with every secret it holds replaced by the marker."""
    if not text or not _enabled.get():
        return text
    ascii = text.isascii()
    lowered = text.lower() if ascii else text
    if not (_QUICK_LOWER.search(lowered) if ascii else _QUICK.search(text)):
        return text
    for pattern, quick_lower, quick in _PATTERNS:
        if quick_lower.search(lowered) if ascii else quick.search(text):
            replaced = pattern.sub(_replace, text)
            if replaced != text:  # what a secret's removal joins may hold another's words
                text = replaced
                lowered = text.lower() if ascii else text
    return text


def redact_optional(text: str | None) -> str | None:
    return redact(text) if text else text


def enabled() -> bool:
    return _enabled.get()


@contextmanager
def redaction(on: bool) -> Iterator[None]:
    """Turn redaction on or off for the code run inside."""
    token = _enabled.set(on)
    try:
        yield
    finally:
        _enabled.reset(token)


def _replace(match: re.Match[str]) -> str:
    groups = match.groupdict()
    quote = groups.get("quote") or ""  # a quoted value stays quoted, so JSON stays JSON
    return (groups.get("keep") or "") + quote + MARKER + quote


_SECRET_KEY = re.compile(rf"^{_SECRET_NAME}$", re.IGNORECASE)


def redact_data(data: Any) -> Any:
    """A JSON-like structure with secrets out of every string, and the whole value of every
    key that names a secret (``{"api_key": "…"}``) replaced."""
    if not _enabled.get():
        return data
    if isinstance(data, str):
        return redact(data)
    if isinstance(data, list):
        return [redact_data(item) for item in data]
    if isinstance(data, dict):
        return {
            key: MARKER
            if isinstance(key, str)
            and _SECRET_KEY.match(key)
            and isinstance(value, str | int)
            and not isinstance(value, bool)
            else redact_data(value)
            for key, value in data.items()
        }
    return data
