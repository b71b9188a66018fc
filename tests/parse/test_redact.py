"""Secrets never reach the store or any output, whatever format brings them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, select
from typer.testing import CliRunner

from engram.cli import app
from engram.parse import redact as redact_module
from engram.parse.redact import MARKER, redact
from engram.store import open_store
from tests.loaders.builders import (
    aggregated_record,
    atif_trajectory,
    session_entries,
    stream_events,
    trial_folder,
    write_lines,
)
from tests.loaders.test_codex import codex_rollout
from tests.loaders.test_openhands import openhands_events
from tests.loaders.test_otel import otlp, span
from tests.loaders.test_swe_agent import swe_traj

SECRETS = {
    "anthropic": "sk-ant-api03-Zq8mN2vX7pL4kR9tY6wB3cF1",
    "openai": "sk-proj-Hd93kLm20Xq7Vn5Bz8Rt4Wy1",
    "github": "ghp_9aZ8bY7cX6dW5eV4fU3gT2hS1iR0jQ0k",
    "aws": "AKIAZ7Q3EXAMPLE4W2N8",
    "slack": "xoxb-204861523-Kq2n7Bv9Zp4X",
    "bearer": "eyJhbGciOi.J9sZXQ3vLmN0pQ",
    "url_password": "correct-horse-battery",
    "env": "s3cr3t-Valu3-x9",
}
PLANTED = (
    f"Use key {SECRETS['anthropic']} or {SECRETS['openai']}; push with {SECRETS['github']}.\n"
    f"AWS {SECRETS['aws']}, Slack {SECRETS['slack']}, Authorization: Bearer {SECRETS['bearer']}\n"
    f"git clone https://bot:{SECRETS['url_password']}@git.example.com/repo\n"
    f"DATABASE_PASSWORD={SECRETS['env']}\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ANTHROPIC_API_KEY=sk-ant-abcdefghijklmnopqrstu", f"ANTHROPIC_API_KEY={MARKER}"),
        ('{"client_secret": "abc123def"}', f'{{"client_secret": "{MARKER}"}}'),
        ("https://me:pw12345@host/x", f"https://me:{MARKER}@host/x"),
        ("private_key=abcdef123", f"private_key={MARKER}"),
        ("PRIVATEKEY: abcdef123", f"PRIVATEKEY: {MARKER}"),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA\n-----END OPENSSH PRIVATE KEY-----",
            MARKER,
        ),
    ],
)
def test_each_kind_of_secret_is_replaced_and_its_name_kept(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Fix the tokenizer in src/token.py", "max_tokens: 4096", "authors: bob", "use_token=true",
     "The test_password_reset test failed"],
)  # fmt: skip
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize("text", [PLANTED, PLANTED.upper(), PLANTED.lower(), PLANTED.title()])
def test_the_quick_check_finds_secrets_in_any_case_and_in_unicode_text(text: str) -> None:
    unicode = "Ünïcode ſ " + text
    for each in (text, unicode):
        assert MARKER in redact(each), each
    assert redact("Passwörd ſecret=Zq8mN2vX7pL4") == f"Passwörd ſecret={MARKER}"


FRAGMENTS = [
    "API_KEY", "private-key", "ſecret", "Token", "passwd", "bearer ", "https://u:", "@h/", "sk-",
    "ant-", "ghp_", "AKIA", "xoxb-", "AIza", "-----BEGIN RSA PRIVATE KEY-----", "-----END ",
    "=", ": ", '"', "'", " ", "\n", "Zq8mN2vX7pL4kR9tY6wB3cF1", "abc", "123", "true", "é", "_",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join))
@example(  # a key's removal makes a URL with a password of what was around it
    "https://user-----BEGIN RSA PRIVATE KEY-----\nMIIabc/def\n-----END RSA PRIVATE KEY-----"
    ":hunter2@example.com"
)
def test_skipping_patterns_by_their_words_changes_no_answer(text: str) -> None:
    plain = text
    for pattern, _, _ in redact_module._PATTERNS:  # every pattern, unconditionally
        plain = pattern.sub(redact_module._replace, plain)
    assert redact(text) == plain


def planted_inputs(folder: Path) -> list[Path]:
    record = aggregated_record()
    record["task_instruction"] += PLANTED
    record["error"] = f"RuntimeError: auth failed for {SECRETS['openai']}"
    record["status"] = "error"
    aggregated = folder / "aggregated.json"
    aggregated.write_text(json.dumps([record, {"task_id": "x", "test_reward": SECRETS["aws"]}]))
    session = write_lines(folder / "session.jsonl", session_entries(instruction=PLANTED))
    events = stream_events()
    events[-1]["result"] = PLANTED
    stream = write_lines(folder / "stream.jsonl", events)
    task = folder / "task"
    task.mkdir()
    (task / "instruction.md").write_text("Category: bug_fix\n" + PLANTED)
    trial = trial_folder(folder / "job", task_dir=task, reward=None,
                         exception=("RuntimeError", f"Docker login failed: {SECRETS['github']}"))  # fmt: skip
    return [aggregated, session, stream, trial, *other_formats(folder)]


def other_formats(folder: Path) -> list[Path]:
    """The secrets in each remaining format's instruction (or prompt) and errors."""
    trajectory = atif_trajectory()
    trajectory["steps"][0]["message"] = PLANTED
    (folder / "trajectory.json").write_text(json.dumps(trajectory))
    rollout = codex_rollout()
    rollout[2]["payload"]["message"] = PLANTED
    swe = swe_traj()
    swe["history"][2]["content"] = PLANTED
    (folder / "run.traj").write_text(json.dumps(swe))
    row = {"instance_id": "x", "instruction": PLANTED, "history": openhands_events(),
           "error": f"AuthenticationError: bad key {SECRETS['anthropic']}"}  # fmt: skip
    record = {"trace_id": "t", "bead_id": "b", "task_description": PLANTED, "outcome": "failure",
              "execution_results": [{"runner": "pytest", "command": f"pytest --token={SECRETS['env']}",
                                     "status": "fail", "errors": []}]}  # fmt: skip
    spans = otlp([span("1", None, "invoke_agent", {"gen_ai.prompt": PLANTED}, error=True)])
    (folder / "spans.json").write_text(json.dumps(spans))
    return [
        folder / "trajectory.json",
        write_lines(folder / "rollout.jsonl", rollout),
        folder / "run.traj",
        write_lines(folder / "output.jsonl", [row]),
        write_lines(folder / "executions.jsonl", [record]),
        folder / "spans.json",
    ]


def everything_stored() -> str:
    with open_store() as store, store.engine.connect() as conn:
        metadata = MetaData()
        metadata.reflect(conn)
        rows = [
            json.dumps([list(row) for row in conn.execute(select(table))], default=str)
            for table in metadata.sorted_tables
        ]
    return "\n".join(rows)


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.stdout + result.stderr


@pytest.mark.parametrize("redacting", [True, False])
def test_no_planted_secret_reaches_the_store_or_any_output(tmp_path: Path, redacting: bool) -> None:
    inputs = planted_inputs(tmp_path)
    learn = cli("learn", *map(str, inputs), *([] if redacting else ["--no-redact"]), "--json")
    outputs = learn + cli("suggest", "--format", "json") + cli("stats", "--format", "json")
    outputs += cli("patterns", "list", "--status", "all", "--format", "json")
    seen = everything_stored() + outputs
    leaked = {name for name, secret in SECRETS.items() if secret in seen}
    if redacting:
        assert leaked == set()
        assert MARKER in everything_stored()
    else:  # the check can fail: without redaction the secrets are there
        assert leaked >= {"anthropic", "github", "aws"}


def test_the_archive_keeps_redacted_copies_that_learn_again(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    inputs = planted_inputs(tmp_path / "in")
    learned = CliRunner().invoke(app, ["learn", *map(str, inputs), "--archive", "--json"],
                                 catch_exceptions=False)  # fmt: skip
    result = json.loads(learned.stdout)
    archived = [Path(p) for p in result["archived"]]
    assert len(archived) == len(inputs) and all(p.exists() for p in archived)
    assert all("history/runs/" in str(p) for p in archived)
    text = "".join(
        f.read_text(errors="replace")
        for p in archived for f in ([p] if p.is_file() else sorted(p.rglob("*"))) if f.is_file()
    )  # fmt: skip
    assert not {name for name, secret in SECRETS.items() if secret in text}
    assert MARKER in text
    relearn = CliRunner().invoke(app, ["learn", *map(str, archived), "--json"],
                                 catch_exceptions=False)  # fmt: skip
    assert json.loads(relearn.stdout)["traces_read"] == result["traces_read"]
