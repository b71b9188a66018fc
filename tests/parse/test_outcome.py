"""A run's status and failure class from what its source reported."""

from __future__ import annotations

import pytest

from engram.parse.outcome import (
    RESULT_SUBTYPE_CLASSES,
    classify_message,
    normalize_status,
    resolve_outcome,
)
from engram.trace import FAILURE_CLASSES

# --- status words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("pass", "pass"),
        ("passed", "pass"),
        ("PASSED", "pass"),
        (" Success ", "pass"),
        ("succeeded", "pass"),
        ("resolved", "pass"),
        ("ok", "pass"),
        ("partial", "partial"),
        ("partially_passed", "partial"),
        ("Partially Passed", "partial"),
        ("fail", "fail"),
        ("failed", "fail"),
        ("Failure", "fail"),
        ("unresolved", "fail"),
        ("error", "error"),
        ("errored", "error"),
        ("exception", "error"),
        ("crashed", "error"),
        (True, "pass"),
        (False, "fail"),
    ],
)
def test_status_words_map_onto_the_four_statuses(word: object, status: str) -> None:
    assert normalize_status(word) == status


@pytest.mark.parametrize("word", ["", "unknown", "done", "pending", "passes", None, 1, 0.5, [], {}])
def test_unknown_status_words_are_none(word: object) -> None:
    assert normalize_status(word) is None


# --- classifying messages ----------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "RuntimeError: Docker compose command failed",
        "RPC failed; curl 56 GnuTLS recv error (-9): Error decoding TLS packet",
        "EnvironmentStartTimeoutError: Environment start timed out after 600.0 seconds",
        "Container exited with code 137 (OOMKilled)",
        "fatal: unable to access 'https://github.com/a/b/': Could not resolve host: github.com",
        "ConnectionResetError: [Errno 104] Connection reset by peer",
        "OSError: [Errno 28] No space left on device",
        "ssl.SSLError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
        "Error response from daemon: pull access denied for acme/env, repository does not exist",
        "dial tcp: lookup registry-1.docker.io: i/o timeout",
    ],
)
def test_sandbox_and_network_failures_are_infrastructure(message: str) -> None:
    assert classify_message(message) == "infrastructure"


@pytest.mark.parametrize(
    "message",
    [
        "anthropic.RateLimitError: Error code: 429 - {'type': 'rate_limit_error'}",
        'API Error: 529 {"type":"error","error":{"type":"overloaded_error"}}',
        "Too Many Requests",
        "Invalid API key · Please run /login",
        "AuthenticationError: invalid x-api-key",
        "Error: 401 Unauthorized",
        "Your credit balance is too low to access the Anthropic API.",
        "litellm.InternalServerError: AnthropicException - Internal server error",
        "APIConnectionError: Connection error.",
        "You exceeded your current quota, please check your plan and billing details.",
    ],
)
def test_api_limits_and_credentials_are_model_provider(message: str) -> None:
    assert classify_message(message) == "model_provider"


@pytest.mark.parametrize(
    "message",
    [
        "AgentTimeoutError: Agent execution timed out after 1800.0 seconds",
        "Claude Code stopped: reached max_turns (50)",
        "Prompt is too long: 201234 tokens > 200000 maximum",
        "This model's maximum context length is 128000 tokens",
        "context window exceeded",
        "stop_reason: max_tokens",
        "Exceeded max_budget_usd of 5.00",
    ],
)
def test_the_agents_own_limits_are_budget(message: str) -> None:
    assert classify_message(message) == "budget"


def test_claude_codes_output_token_maximum_is_budget() -> None:
    message = (
        "API Error: Claude's response exceeded the 32000 output token maximum. To configure "
        "this behavior, set the CLAUDE_CODE_MAX_OUTPUT_TOKENS environment variable."
    )
    assert classify_message(message) == "budget"


@pytest.mark.parametrize(
    "message",
    ["AgentSetupTimeoutError", "AgentSetupTimeoutError: Agent setup timed out after 360.0 seconds"],
)
def test_a_sandbox_setup_time_out_is_infrastructure_not_budget(message: str) -> None:
    assert classify_message(message) == "infrastructure"


@pytest.mark.parametrize(
    "message",
    [
        "VerifierTimeoutError: Verifier execution timed out after 600.0 seconds",
        "RewardFileNotFoundError: No reward file found at /logs/verifier/reward.txt",
        "VerifierOutputParseError: could not parse the reward",
        "test harness crashed before running",
    ],
)
def test_a_broken_verifier_is_verifier(message: str) -> None:
    assert classify_message(message) == "verifier"


def test_a_verifier_failure_mentioning_docker_is_still_verifier() -> None:
    assert classify_message("Verifier failed: docker exec returned 1") == "verifier"


def test_an_agent_time_out_mentioning_the_container_is_budget() -> None:
    assert classify_message("Agent timed out while the container was busy") == "budget"


@pytest.mark.parametrize(
    "message", ["AssertionError: expected 3, got 4", "ValueError: bad input", "", None]
)
def test_messages_naming_no_known_cause_are_none(message: str | None) -> None:
    assert classify_message(message) is None


def test_all_messages_are_searched_together() -> None:
    assert classify_message(None, "RuntimeError", "", "GnuTLS recv error") == "infrastructure"
    assert classify_message() is None


def test_result_subtypes_that_name_a_cause_are_budget() -> None:
    assert RESULT_SUBTYPE_CLASSES["error_max_turns"] == "budget"
    assert RESULT_SUBTYPE_CLASSES["error_max_budget_usd"] == "budget"
    assert "success" not in RESULT_SUBTYPE_CLASSES


# --- resolving an outcome ------------------------------------------------------------------


@pytest.mark.parametrize("status", ["fail", "partial", "error", None])
@pytest.mark.parametrize(
    ("message", "failure"),
    [
        ("RuntimeError: Docker compose command failed", "infrastructure"),
        ("anthropic.RateLimitError: 429 rate limit", "model_provider"),
        ("VerifierTimeoutError: verifier timed out", "verifier"),
    ],
)
def test_errors_not_of_the_agents_making_make_the_run_an_error(
    status: str | None, message: str, failure: str
) -> None:
    outcome = resolve_outcome(status=status, error_message=message)
    assert (outcome.status, outcome.failure_class) == ("error", failure)
    assert not outcome.valid


def test_a_partial_reward_with_an_infrastructure_error_is_an_error() -> None:
    outcome = resolve_outcome(reward=0.42, error_message="sandbox died: out of memory")
    assert (outcome.status, outcome.failure_class, outcome.reward) == (
        "error",
        "infrastructure",
        0.42,
    )


@pytest.mark.parametrize(
    "message",
    ["Docker compose warning", "rate limit hit once, retried", "verifier printed a warning"],
)
def test_a_pass_stays_a_pass_whatever_the_messages(message: str) -> None:
    outcome = resolve_outcome(status="pass", reward=1.0, error_message=message)
    assert (outcome.status, outcome.failure_class) == ("pass", None)
    assert outcome.passed


def test_a_reward_of_one_passes_despite_an_infrastructure_message() -> None:
    outcome = resolve_outcome(reward=1.0, details=["docker: image pull was slow"])
    assert (outcome.status, outcome.failure_class) == ("pass", None)


@pytest.mark.parametrize("status", ["fail", "error", None])
def test_a_budget_error_is_a_valid_fail(status: str | None) -> None:
    outcome = resolve_outcome(status=status, error_message="Agent execution timed out")
    assert (outcome.status, outcome.failure_class) == ("fail", "budget")
    assert outcome.valid


def test_a_budget_cause_from_the_source_is_a_valid_fail() -> None:
    outcome = resolve_outcome(reward=0.0, cause="budget")
    assert (outcome.status, outcome.failure_class) == ("fail", "budget")


def test_a_named_cause_wins_over_the_messages() -> None:
    outcome = resolve_outcome(reward=0.0, cause="budget", error_message="docker compose failed")
    assert (outcome.status, outcome.failure_class) == ("fail", "budget")


def test_a_partial_run_that_hit_its_budget_stays_partial() -> None:
    outcome = resolve_outcome(status="partial", reward=0.5, cause="budget")
    assert (outcome.status, outcome.failure_class) == ("partial", "budget")


def test_a_passing_run_that_hit_its_budget_is_a_pass() -> None:
    outcome = resolve_outcome(reward=1.0, cause="budget")
    assert (outcome.status, outcome.failure_class) == ("pass", None)


@pytest.mark.parametrize(
    ("reward", "status"), [(1.0, "pass"), (0.99, "partial"), (0.42, "partial"), (0.0, "fail")]
)
def test_without_a_status_the_reward_decides(reward: float, status: str) -> None:
    outcome = resolve_outcome(reward=reward)
    assert (outcome.status, outcome.reward) == (status, reward)


def test_a_status_word_wins_over_the_reward() -> None:
    assert resolve_outcome(status="fail", reward=1.0).status == "fail"


def test_no_status_no_reward_and_no_message_is_unmeasured() -> None:
    outcome = resolve_outcome()
    assert (outcome.status, outcome.failure_class) == ("unmeasured", None)
    assert not outcome.valid and not outcome.measured


def test_unmeasured_stays_so_unless_a_reward_or_an_environment_error_says_otherwise() -> None:
    assert resolve_outcome(status="unmeasured", error_message="boom").status == "unmeasured"
    assert resolve_outcome(status="unmeasured", reward=1.0).status == "pass"
    broken = resolve_outcome(status="unmeasured", error_message="Docker daemon not running")
    assert (broken.status, broken.failure_class) == ("error", "infrastructure")


def test_a_status_error_with_an_unknown_message_is_an_unknown_error() -> None:
    outcome = resolve_outcome(status="error", error_type="ValueError", error_message="bad input")
    assert (outcome.status, outcome.failure_class) == ("error", "unknown")
    assert (outcome.error_type, outcome.error_message) == ("ValueError", "bad input")


def test_an_unknown_status_word_with_a_reward_uses_the_reward() -> None:
    assert resolve_outcome(status="done", reward=1.0).status == "pass"


def test_a_failed_run_that_changed_nothing_is_no_changes() -> None:
    outcome = resolve_outcome(status="fail", reward=0.0, changed_nothing=True, error_loop=True)
    assert (outcome.status, outcome.failure_class) == ("fail", "no_changes")


def test_a_partial_run_that_changed_nothing_is_no_changes() -> None:
    outcome = resolve_outcome(reward=0.3, changed_nothing=True)
    assert (outcome.status, outcome.failure_class) == ("partial", "no_changes")


def test_a_failed_run_stuck_in_an_error_loop_is_tool_error_loop() -> None:
    outcome = resolve_outcome(status="fail", reward=0.0, error_loop=True)
    assert (outcome.status, outcome.failure_class) == ("fail", "tool_error_loop")


def test_any_other_failed_run_is_tests_failed() -> None:
    outcome = resolve_outcome(status="fail", reward=0.0)
    assert (outcome.status, outcome.failure_class) == ("fail", "tests_failed")


def test_a_budget_fail_is_budget_even_when_nothing_changed() -> None:
    outcome = resolve_outcome(reward=0.0, cause="budget", changed_nothing=True)
    assert outcome.failure_class == "budget"


def test_a_pass_has_no_failure_class_even_when_nothing_changed() -> None:
    outcome = resolve_outcome(status="pass", changed_nothing=True, error_loop=True)
    assert (outcome.status, outcome.failure_class) == ("pass", None)


def test_details_are_searched_for_a_cause() -> None:
    outcome = resolve_outcome(
        status="error",
        error_type="RuntimeError",
        error_message="command failed",
        details=["", "RPC failed; curl 56 GnuTLS recv error (-9)"],
    )
    assert (outcome.status, outcome.failure_class) == ("error", "infrastructure")


def test_the_outcome_keeps_the_error_type_message_and_reward() -> None:
    outcome = resolve_outcome(
        status="fail", reward=0.25, error_type="AssertionError", error_message="3 != 4"
    )
    assert (outcome.reward, outcome.error_type, outcome.error_message) == (
        0.25,
        "AssertionError",
        "3 != 4",
    )


@pytest.mark.parametrize("status", ["pass", "partial", "fail", "error", None, "weird"])
@pytest.mark.parametrize("reward", [None, 0.0, 0.5, 1.0])
@pytest.mark.parametrize("cause", [None, "budget", "infrastructure"])
def test_every_outcome_has_a_known_status_and_class(
    status: str | None, reward: float | None, cause: str | None
) -> None:
    outcome = resolve_outcome(status=status, reward=reward, cause=cause)
    assert outcome.status in ("pass", "partial", "fail", "error", "unmeasured")
    assert (outcome.failure_class is None) == (outcome.status in ("pass", "unmeasured"))
    assert (outcome.status == "unmeasured") == (
        reward is None and cause is None and status in (None, "weird")
    )
    assert outcome.failure_class is None or outcome.failure_class in FAILURE_CLASSES
