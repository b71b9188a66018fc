"""Harbor trial folders (and the job folders that hold them), one trace per trial.

A trial folder has ``result.json`` (task and trial names, agent and model, tokens and cost,
the verifier's rewards, exception info, timings), ``config.json``, ``trial.log``, ``agent/``
with the agent's logs (Claude Code's stream-json in ``claude-code.txt``, session logs under
``sessions/``, an ATIF ``trajectory.json``, or a custom agent's ``claude.txt`` result and
``patch.diff``), ``verifier/`` (``reward.txt`` or ``reward.json``, the tests' output, and a
CTRF report ``ctrf.json`` naming the failing tests) and ``exception.txt`` when the trial broke;
a multi-step trial keeps the same under ``steps/<name>/``. Its name is ``<task name cut at 32
characters>__<7 characters>``. The job folder holding trials has its own ``config.json`` and
``result.json`` (``n_total_trials``, ``stats``), which hold no run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from engram.errors import os_reason
from engram.loaders import atif, claude_code, fields
from engram.loaders.claude_stream import EventReader, mapping
from engram.loaders.files import log_source, read_start
from engram.loaders.records import MAX_RECORD_BYTES, Problem, Share
from engram.loaders.steps import read_json
from engram.parse.diff import parse_diff
from engram.parse.testoutput import read_ctrf
from engram.trace import Failure, Trace

NAME = "harbor"
_TEXT_LIMIT = 4 * 1024 * 1024  # of the agent's logs and diff read into memory at once

#: Harbor's exception types by the failure class they mean, after its own error policy
#: (``harbor/models/trial/error_policy.py``), which also lists LiteLLM's names. Types whose
#: reward still counts (``NonZeroAgentExitCodeError``, a safety refusal) are left to the reward.
EXCEPTION_CLASSES = {
    **dict.fromkeys((
        "EnvironmentStartTimeoutError", "EnvironmentBuildTimeoutError", "SandboxBuildFailedError",
        "AgentSetupTimeoutError", "HealthcheckError", "SandboxLikelyOutOfMemoryError",
        "MemoryLimitExceededError", "SSHAccessError", "GKEExecStreamClosedError",
        "GKEPodNotFoundError", "RuntimeRequestError", "ServiceOperationsUnsupportedError",
        "VercelScopeError", "DspyImportError", "MissingExtraError", "CancelledError",
        "DaytonaError", "DockerError",
    ), "infrastructure"),
    **dict.fromkeys((
        "ApiError", "ApiRateLimitError", "ApiInternalServerError", "ApiOverloadedError",
        "ApiConnectionClosedError", "ApiResponseStalledError", "UnknownApiError",
        "NetworkConnectionError", "ApiConnectionError", "ApiUsageLimitError", "RateLimitError",
        "InternalServerError", "ServiceUnavailableError", "APIConnectionError", "APIError",
        "Timeout", "AgentAuthenticationError", "ModelNotFoundError",
        "ApiProviderResourceNotFoundError", "AuthenticationError", "PermissionDeniedError",
        "NotFoundError", "UnsupportedModelParametersError", "BadRequestError",
        "UnprocessableEntityError", "UnsupportedParamsError", "APIResponseValidationError",
    ), "model_provider"),
    **dict.fromkeys((
        "AgentTimeoutError", "ContextWindowExceededError", "OutputTokenExceededError",
        "ContextLengthExceededError", "OutputLengthExceededError", "BudgetExceededError",
    ), "budget"),
    **dict.fromkeys((
        "VerifierTimeoutError", "RewardFileNotFoundError", "RewardFileEmptyError",
        "VerifierOutputParseError", "AddTestsDirError", "DownloadVerifierDirError",
        "RegradeError",
    ), "verifier"),
}  # fmt: skip
#: Exceptions after which the verifier's reward still stands for the agent's work.
AGENT_EXCEPTIONS = frozenset({"NonZeroAgentExitCodeError", "AgentSafetyRefusalError",
                              "ContentPolicyViolationError"})  # fmt: skip


def sniff(head: dict[str, Any], path: Path) -> bool:
    """A trial is a folder, never a file of its own (its ``result.json`` stands for it)."""
    return False


def claims(folder: Path) -> Path | None:
    """A trial folder is read as one run."""
    return folder if is_trial(folder) else None


def companion(head: dict[str, Any], path: Path) -> bool:
    """A job's own ``config.json`` and ``result.json``, beside its trials."""
    if path.name == "result.json":
        return "n_total_trials" in head or {"stats", "started_at"} <= head.keys()
    if path.name == "config.json":
        return "job_name" in head or {"jobs_dir", "orchestrator"} & head.keys() != set()
    return False


def load(
    path: Path, on_progress: Callable[[int], None] | None = None, share: Share | None = None
) -> Iterator[Trace | Problem]:
    """A trial folder (or the ``result.json`` that stands for it) as one Trace."""
    stands_for = path.name == "result.json" and not path.is_dir()
    yield from load_trial(path.parent if stands_for else path, share)


def is_trial(folder: Path) -> bool:
    """A folder Harbor wrote for one trial (not the job holding trials)."""
    try:
        head = read_start(folder / "result.json", 8192)
    except OSError:
        return False
    if head is not None:
        if b'"n_total_trials"' in head:
            return False  # a job's result, whose trial results may name trials
        return b'"trial_name"' in head or b'"task_name"' in head
    return (folder / "agent").is_dir() and (
        (folder / "verifier").is_dir() or (folder / "config.json").is_file()
    )


class _Folder:
    """A folder's entries, listed once: a trial's files are asked after a dozen times, and a
    stat for each question took a fifth of a Harbor learn. A folder that can be entered but
    not listed is asked file by file, as before; one that does not exist holds nothing."""

    __slots__ = ("entries", "path")

    def __init__(self, path: Path, listed: bool = True) -> None:
        self.path = path
        self.entries: dict[str, os.DirEntry[str]] | None = {}
        if listed:
            try:
                with os.scandir(path) as found:
                    self.entries = {entry.name: entry for entry in found}
            except PermissionError:
                self.entries = None
            except OSError:
                pass

    def file(self, name: str) -> Path | None:
        """The file ``name`` here (a link to a file counts), or None."""
        if self.entries is None:
            return self.path / name if os.path.isfile(self.path / name) else None
        entry = self.entries.get(name)
        return self.path / name if entry is not None and _entry_is(entry, dir=False) else None

    def has_folder(self, name: str) -> bool:
        if self.entries is None:
            return os.path.isdir(self.path / name)
        entry = self.entries.get(name)
        return entry is not None and _entry_is(entry, dir=True)

    def names(self) -> list[str]:
        """What the folder holds, sorted (nothing when it cannot be listed)."""
        return sorted(self.entries or ())

    def folder(self, name: str) -> _Folder:
        """The folder ``name`` here, listed; an empty one if there is none."""
        return _Folder(self.path / name, listed=self.has_folder(name))


def _entry_is(entry: os.DirEntry[str], dir: bool) -> bool:
    try:
        return entry.is_dir() if dir else entry.is_file()
    except OSError:
        return False


def load_trial(folder: Path, share: Share | None = None) -> Iterator[Trace | Problem]:
    """The trial as one Trace, or a Problem naming what is missing or broken."""
    if share is not None and not share.reports_files:
        return
    name = str(folder)
    result, problem = _json_object(folder / "result.json")
    if problem:
        yield Problem(name, "result.json", problem)
        return
    config, _ = _json_object(folder / "config.json")
    trial = _Folder(folder)
    parts = _parts(trial)
    agents = [part.folder("agent") for part in parts]
    agent = agents[-1].path
    logs = [log for listed in agents for log in _agent_logs(listed)]
    trajectory = agents[-1].file("trajectory.json")
    if not logs and trajectory is not None:  # an ATIF trajectory, when there is no stream
        data, problem = read_json(trajectory)
        if problem or not isinstance(data, dict) or not isinstance(data.get("steps"), list):
            yield Problem(str(trajectory), None, problem or "not an ATIF trajectory (no steps)")
            data = {"steps": []}
        elif warning := atif.version_warning(data):
            yield Problem(str(trajectory), None, warning, warning=True)
        base = atif.unfinished_trace(data, agent, name)
        agent_outcome: tuple[Any, ...] = (None, None, [], None)
    else:
        events = EventReader()
        for log in logs:
            for problem_text in _feed(events, log):
                yield Problem(str(log), None, problem_text)
        summary = events.summary
        claude_txt = agents[-1].file("claude.txt")
        single_result = _json_object(claude_txt)[0] if claude_txt else {}
        if summary.result is None and single_result.get("type") == "result":
            summary.result = single_result
        base = claude_code.unfinished_trace(summary, source=name)
        agent_outcome = claude_code.outcome_of(summary.result or {})
    verifier = parts[-1].folder("verifier")
    reward, reward_problem = _reward(result, verifier)
    if reward_problem:
        yield Problem(name, "verifier", reward_problem)
    tests, ctrf_problem = _ctrf(verifier)
    if ctrf_problem:
        yield Problem(name, "verifier/ctrf.json", ctrf_problem, warning=True)
    yield _trial_trace(base, agent_outcome, result, config, trial, agents, verifier, reward, tests)


def _trial_trace(
    trace: Trace,
    agent_outcome: tuple[Any, ...],
    result: dict[str, Any],
    config: dict[str, Any],
    trial: _Folder,
    agents: list[_Folder],
    verifier: _Folder,
    reward: float | None,
    tests: list[Failure] | None = None,
) -> Trace:
    """The trial's trace: the agent's logs, completed with what the harness recorded; the
    failing tests from the CTRF report when there is one, else from the tests' output.
    ``agents`` are each step's agent folder, ``verifier`` the last step's verifier."""
    status, error, details, cause = agent_outcome
    folder = trial.path
    exception, exception_cause = _exception(result, trial)
    if reward is not None:
        status, cause = None, None  # the verifier's reward decides, not the agent's word
    elif exception is not None:
        status = "error" if exception_cause != "budget" else "fail"
    else:
        status = "unmeasured"  # no verdict: the agent's "success" is only its own word
    if exception is not None:
        error, cause = exception, exception_cause
    trial_name = fields.text(result.get("trial_name"), 200) or folder.name
    trace.task.id = fields.text(result.get("task_name"), 200) or _task_of(trial_name)
    trace.task.instruction = _instruction(result, config) or trace.task.instruction
    trace.agent.name = _agent_name(result, config) or trace.agent.name
    trace.agent.model = _model(result, config) or trace.agent.model
    patches = [patch for agent in agents if (patch := agent.file("patch.diff"))]
    if patches:
        trace.changes = parse_diff("\n".join(_read_text(patch) for patch in patches))
    _harbor_metrics(trace, mapping(result.get("agent_result")), result)
    trace.run_id = trial_name
    trace.job = folder.parent.name if _is_job(folder.parent) else None
    return fields.finalize(
        trace,
        status=status,
        reward_value=reward,
        error=error,
        details=details,
        cause=cause,
        test_output=None if tests is not None else _test_output(verifier),
        reported=tests or (),
    )


def _ctrf(verifier: _Folder) -> tuple[list[Failure] | None, str | None]:
    """The failing tests of the verifier's CTRF report (None without a readable one)."""
    path = verifier.file("ctrf.json")
    if path is None:
        return None, None
    failures, problem = read_ctrf(path)
    if failures is None:
        return None, f"{problem}; the tests' output is read instead"
    return [
        Failure("test", f.kind, f.message or f"{f.test} failed", f.test) for f in failures
    ], None


def _test_output(verifier: _Folder) -> str | None:
    """What the verifier's tests printed (``test-stdout.txt``, then ``test-stderr.txt``)."""
    texts = [
        _read_text(path)
        for name in ("test-stdout.txt", "test-stderr.txt", "test_output.txt")
        if (path := verifier.file(name))
    ]
    return "\n".join(texts) or None


def _task_of(trial_name: str) -> str:
    """``dependency_recognition-java-unkn__pshKMge`` is a trial of ``…-java-unkn``."""
    head, separator, _tail = trial_name.rpartition("__")
    head = head.rstrip("_")  # the old ``sandboxes`` package wrote three underscores
    return head if separator and head else trial_name


def _parts(trial: _Folder) -> list[_Folder]:
    """The folders holding a trial's work: its ``steps/<name>/`` in order for a multi-step
    trial (read as one run, judged by its last step's verifier), else the trial itself."""
    if trial.has_folder("steps"):
        steps = trial.folder("steps")
        found = [step for name in steps.names() if steps.has_folder(name)
                 and (step := steps.folder(name)).has_folder("agent")]  # fmt: skip
        if found:
            return found
    return [trial]


def _agent_logs(agent: _Folder) -> list[Path]:
    """The event logs of the agent: stream-json stdout, else its session logs."""
    stream = agent.file("claude-code.txt")
    if stream is not None:
        return [stream]
    sessions = agent.path / "sessions" / "projects"
    if agent.has_folder("sessions") and sessions.is_dir():  # the session logs and their
        return sorted(sessions.rglob("*.jsonl"))  # sub-agents' logs, in any layout
    return []


def _feed(reader: EventReader, log: Path) -> Iterator[str]:
    """Feed a log's events to ``reader``; yield a message for each line that is not one."""
    try:
        source = log_source(log)
    except OSError as exc:
        yield f"cannot read the file: {os_reason(exc)}"
        return
    if source is None:
        yield "cannot read the file: it is not a regular file"
        return
    with source:
        lines = iter(lambda: source.readline(MAX_RECORD_BYTES + 1), b"")
        for number, line in enumerate(lines, 1):
            if line[:1] != b"{" and not line.lstrip().startswith(b"{"):
                continue  # agents print other lines (or none) between events
            try:
                reader.feed(orjson.loads(line))
            except orjson.JSONDecodeError as exc:
                yield f"line {number}: invalid event: {exc}"


def _json_object(path: Path) -> tuple[dict[str, Any], str | None]:
    try:
        read = read_start(path, MAX_RECORD_BYTES + 1)
        if read is None:
            return {}, f"{path.name} is missing"
        if len(read) > MAX_RECORD_BYTES:
            return {}, f"{path.name} is larger than 64 MB"
        data = orjson.loads(read)
    except (OSError, orjson.JSONDecodeError) as exc:
        return {}, f"{path.name} is not valid JSON: {exc}"
    if not isinstance(data, dict):
        return {}, f"{path.name} is not a JSON object"
    return data, None


def _reward(result: dict[str, Any], verifier: _Folder) -> tuple[float | None, str | None]:
    """The trial's reward: result.json's verifier rewards, else reward.txt or reward.json."""
    rewards = mapping(mapping(result.get("verifier_result")).get("rewards"))
    value: Any = rewards.get("reward", next(iter(rewards.values()), None) if rewards else None)
    where = "result.json verifier_result.rewards"
    if value is None and (text := verifier.file("reward.txt")):
        value, where = _read_text(text).strip(), "reward.txt"
    elif value is None and (path := verifier.file("reward.json")):
        data, problem = _json_object(path)
        if problem:
            return None, problem
        value = data.get("reward", next(iter(data.values()), None) if data else None)
        where = "reward.json"
    if value is None:
        return None, None
    try:
        return fields.reward(value, where), None
    except fields.RecordError as exc:
        return None, str(exc)


def _exception(result: dict[str, Any], trial: _Folder) -> tuple[str | None, str | None]:
    """The trial's exception as ``Type: message`` and the failure class its type names."""
    info = mapping(result.get("exception_info"))
    kind = fields.text(info.get("exception_type"), 200)
    message = fields.text(info.get("exception_message"))
    if kind is None and (path := trial.file("exception.txt")):
        lines = [line for line in _read_text(path).splitlines() if line]
        last = lines[-1] if lines else ""
        kind, _, message = last.partition(": ")
        kind = fields.text(kind.rsplit(".", 1)[-1], 200)
        message = fields.text(message)
    if kind is None:
        return None, None
    return f"{kind}: {message}" if message else kind, EXCEPTION_CLASSES.get(kind)


def _instruction(result: dict[str, Any], config: dict[str, Any]) -> str | None:
    """The task's instruction.md, when the task folder is reachable from here."""
    for raw in (
        mapping(result.get("task_id")).get("path"),
        mapping(config.get("task")).get("path"),
    ):
        if isinstance(raw, str) and raw:
            candidate = Path(raw) / "instruction.md"
            try:
                if candidate.is_file():
                    return fields.clean_text(_read_text(candidate), fields.INSTRUCTION_LIMIT)
            except OSError:
                continue
    return None


def _agent_name(result: dict[str, Any], config: dict[str, Any]) -> str | None:
    """The agent's configured name or class (``…:ClaudeCodeSourcegraphMCPAgent``), which
    tells configurations apart better than the harness's generic name."""
    agent = mapping(config.get("agent")) or mapping(mapping(result.get("config")).get("agent"))
    import_path = agent.get("import_path")
    if isinstance(import_path, str) and ":" in import_path:
        return fields.text(import_path.rsplit(":", 1)[1], 200)
    return fields.text(agent.get("name"), 200) or fields.text(
        mapping(result.get("agent_info")).get("name"), 200
    )


def _model(result: dict[str, Any], config: dict[str, Any]) -> str | None:
    model = fields.text(
        mapping(mapping(result.get("agent_info")).get("model_info")).get("name"), 200
    )
    if model is None:
        agent = mapping(config.get("agent")) or mapping(mapping(result.get("config")).get("agent"))
        model = fields.text(agent.get("model_name"), 200)
    return model.rsplit("/", 1)[-1] if model else None


def _harbor_metrics(trace: Trace, agent_result: dict[str, Any], result: dict[str, Any]) -> None:
    metrics = trace.metrics
    metrics.input_tokens = (
        fields.integer(agent_result.get("n_input_tokens")) or metrics.input_tokens
    )
    metrics.output_tokens = (
        fields.integer(agent_result.get("n_output_tokens")) or metrics.output_tokens
    )
    metrics.cache_tokens = (
        fields.integer(agent_result.get("n_cache_tokens")) or metrics.cache_tokens
    )
    metrics.cost_usd = fields.number(agent_result.get("cost_usd")) or metrics.cost_usd
    timing = mapping(result.get("agent_execution"))
    started, finished = timing.get("started_at"), timing.get("finished_at")
    if isinstance(started, str) and isinstance(finished, str):
        from datetime import datetime

        try:
            seconds = datetime.fromisoformat(finished) - datetime.fromisoformat(started)
            metrics.duration_s = seconds.total_seconds()
        except ValueError:
            pass


#: Folders found to be jobs: a job's trials are read one after another, and a job stays one
#: (a folder not yet one, whose job is still running, is asked again).
_JOBS: set[Path] = set()


def _is_job(folder: Path) -> bool:
    if folder in _JOBS:
        return True
    if not (os.path.isfile(folder / "config.json") and os.path.isfile(folder / "result.json")):
        return False
    if len(_JOBS) >= 1024:
        _JOBS.clear()
    _JOBS.add(folder)
    return True


def _read_text(path: Path) -> str:
    return (read_start(path, _TEXT_LIMIT) or b"").decode("utf-8", errors="replace")
