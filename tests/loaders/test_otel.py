"""OpenTelemetry GenAI and OpenInference spans as runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.loaders.reading import read


def kv(key: str, value: Any) -> dict[str, Any]:
    kind = {bool: "boolValue", int: "intValue", float: "doubleValue"}.get(
        type(value), "stringValue"
    )
    return {"key": key, "value": {kind: str(value) if kind == "intValue" else value}}


def otlp(spans: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceSpans": [{"resource": {"attributes": [kv("service.name", "agent")]},
                               "scopeSpans": [{"scope": {"name": "x"}, "spans": spans}]}]}  # fmt: skip


def span(span_id: str, parent: str | None, name: str, attrs: dict[str, Any], error: bool = False,
         trace: str = "a" * 32) -> dict[str, Any]:  # fmt: skip
    return {"traceId": trace, "spanId": span_id, "parentSpanId": parent or "", "name": name,
            "startTimeUnixNano": "1000000000", "endTimeUnixNano": "3000000000",
            "attributes": [kv(k, v) for k, v in attrs.items()],
            "status": {"code": 2 if error else 1}}  # fmt: skip


def test_genai_and_openinference_spans_become_steps(tmp_path: Path) -> None:
    genai = [
        span("1", None, "invoke_agent fixer", {"gen_ai.operation.name": "invoke_agent",
             "gen_ai.agent.name": "fixer", "engram.reward": 1.0}),
        span("2", "1", "chat gpt-4o", {"gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o",
             "gen_ai.usage.input_tokens": 300, "gen_ai.usage.output_tokens": 20}),
        span("3", "1", "execute_tool run_shell", {"gen_ai.operation.name": "execute_tool",
             "gen_ai.tool.name": "run_shell", "gen_ai.tool.call.arguments": '{"command": "pytest"}'},
             error=True),
    ]  # fmt: skip
    openinference = [
        span("9", None, "agent", {"openinference.span.kind": "AGENT"}, error=True, trace="b" * 32),
        span("8", "9", "llm", {"openinference.span.kind": "LLM", "llm.model_name": "claude-x",
             "llm.token_count.prompt": 50}, trace="b" * 32),
        span("7", "9", "search_docs", {"openinference.span.kind": "TOOL", "tool.name": "search_docs",
             "input.value": '{"query": "cache"}'}, trace="b" * 32),
    ]  # fmt: skip
    path = tmp_path / "traces.json"
    path.write_text(json.dumps(otlp(genai)) + "\n" + json.dumps(otlp(openinference)) + "\n")
    (first, second), problems = read(path)
    assert problems == []
    assert [(s.tool, s.is_error) for s in first.steps] == [("run_shell", True)]
    assert (first.agent.name, first.agent.model, first.metrics.input_tokens) == (
        "fixer",
        "gpt-4o",
        300,
    )
    assert first.outcome.status == "pass" and first.metrics.duration_s == 2.0
    assert [(s.tool, s.is_error) for s in second.steps] == [("search_docs", False)]
    assert second.outcome.status == "error" and second.agent.model == "claude-x"
