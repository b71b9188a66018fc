"""Decide a run's status and failure class from what its source reported."""

from __future__ import annotations

import re
from collections.abc import Iterable

from engram.trace import Outcome

_STATUS_WORDS = {
    "pass": "pass", "passed": "pass", "success": "pass", "succeeded": "pass", "resolved": "pass",
    "ok": "pass",
    "partial": "partial", "partially_passed": "partial",
    "fail": "fail", "failed": "fail", "failure": "fail", "unresolved": "fail",
    "error": "error", "errored": "error", "exception": "error", "crashed": "error",
    "unmeasured": "unmeasured",
}  # fmt: skip

# Checked in this order: a verifier or agent time-out names itself before the words it shares
# with sandbox and network failures.
_CLASS_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile("|".join(words), re.IGNORECASE))
    for name, words in (
        ("verifier", (
            r"verifier", r"reward ?file", r"test harness (crashed|failed)", r"addtestsdir",
        )),
        ("budget", (
            r"agent ?timeout", r"agent(?! ?setup).{0,40}timed? ?out", r"max[_ ]turns",
            r"context (window|length)", r"contextlength", r"prompt is too long",
            r"maximum context", r"output ?length", r"output token maximum",
            r"max[_ ]?(output[_ ])?tokens", r"max[_ ]budget", r"budget (exceeded|exhausted)",
            r"token limit",
        )),
        ("model_provider", (
            r"rate[ _-]?limit", r"\b429\b", r"too many requests", r"overloaded", r"\b529\b",
            r"authentication(error| failed| error)", r"unauthori[sz]ed", r"\b401\b",
            r"invalid.{0,20}api[ _-]?key", r"x-api-key", r"quota", r"credit balance",
            r"insufficient.{0,20}credit", r"apiconnectionerror", r"apistatuserror",
            r"internalservererror", r"provider (error|unavailable|returned)",
        )),
        ("infrastructure", (
            r"docker", r"compose (command|up|down|failed)", r"container (failed|exited|crashed|is not running|not found)",
            r"no such container", r"oci runtime", r"sandbox", r"daemon", r"kubernetes",
            r"\btls\b", r"\bssl\b", r"gnutls", r"certificate verify", r"\bcurl:? ?\(?\d+",
            r"rpc failed",
            r"econn(reset|refused|aborted)", r"connection (reset|refused|aborted|timed out)",
            r"network( is)? unreachable", r"name or service not known", r"could not resolve",
            r"name resolution", r"no route to host", r"i/o timeout", r"\bdns\b",
            r"out of memory", r"oom[ -]?kill", r"exit code 137", r"no space left on device",
            r"environment.{0,20}(start|setup|build)", r"environmentstarttimeout",
            r"agentsetuptimeout", r"image pull", r"pull access denied",
        )),
    )
)  # fmt: skip

#: Failure classes that are never the agent's doing: a run that ends in one is an ``error``.
ENVIRONMENT_CLASSES = frozenset({"infrastructure", "model_provider", "verifier"})

#: Claude Code ``result`` subtypes that name their cause.
RESULT_SUBTYPE_CLASSES = {
    "error_max_turns": "budget",
    "error_max_budget_usd": "budget",
    "error_max_structured_output_retries": "budget",
}


def normalize_status(value: object) -> str | None:
    """Map a source's status word onto a status of ``engram.trace.STATUSES`` (None if unknown)."""
    if isinstance(value, bool):
        return "pass" if value else "fail"
    if not isinstance(value, str):
        return None
    return _STATUS_WORDS.get(value.strip().lower().replace(" ", "_"))


def classify_message(*messages: str | None) -> str | None:
    """The failure class an error message names, or None when it names none we know."""
    text = " ".join(m for m in messages if m)
    if not text:
        return None
    for name, pattern in _CLASS_PATTERNS:
        if pattern.search(text):
            return name
    return None


def resolve_outcome(
    *,
    status: object = None,
    reward: float | None = None,
    error_type: str | None = None,
    error_message: str | None = None,
    details: Iterable[str] = (),
    cause: str | None = None,
    changed_nothing: bool = False,
    error_loop: bool = False,
) -> Outcome:
    """Combine a source's status, reward and error text into one Outcome with a failure class.

    ``cause`` is a class the source already named (e.g. from a result subtype); ``details`` are
    further error texts searched for a cause. Infrastructure, provider and verifier errors make a
    run an ``error`` (not a measurement) unless it passed; budget errors are the agent's own
    limit and count as a valid fail. A run with no status, reward or known error, or one the
    source calls ``unmeasured`` (nothing judged the task), is ``unmeasured`` unless a reward
    says otherwise or an error not of the agent's making ended it.
    """
    named = normalize_status(status)
    if named == "unmeasured" and reward is not None:
        named = None  # a reward is a measurement after all
    if named is None and reward is not None:
        named = "pass" if reward >= 1.0 else "partial" if reward > 0.0 else "fail"
    message_class = cause or classify_message(error_type, error_message, *details)

    if message_class in ENVIRONMENT_CLASSES and named != "pass":
        final, failure = "error", message_class
    elif named == "unmeasured" or (
        named is None and reward is None and not (message_class or error_type or error_message)
    ):
        final, failure = "unmeasured", None  # nothing judged the task, and nothing broke
    elif message_class == "budget" and named not in ("pass", "partial"):
        final, failure = "fail", "budget"
    elif named is None or named == "error":
        final, failure = "error", message_class or "unknown"
    elif named == "pass":
        final, failure = "pass", None
    elif message_class == "budget":
        final, failure = named, "budget"
    elif changed_nothing:
        final, failure = named, "no_changes"
    elif error_loop:
        final, failure = named, "tool_error_loop"
    else:
        final, failure = named, "tests_failed"
    return Outcome(
        status=final,
        reward=reward,
        failure_class=failure,
        error_type=error_type,
        error_message=error_message,
    )
