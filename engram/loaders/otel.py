"""OpenTelemetry traces exported as OTLP JSON, one engram trace per OTel trace id.

Spans follow the GenAI semantic conventions (``gen_ai.operation.name`` = ``execute_tool`` with
``gen_ai.tool.name``; ``chat`` spans with ``gen_ai.usage.*`` and models) or OpenInference's
(``openinference.span.kind`` = ``TOOL`` with ``tool.name``; ``LLM`` spans with
``llm.token_count.*`` and ``llm.model_name``). A tool span with status ERROR (code 2) or an
``error.type`` failed; the root span's error is the run's. OTel holds no test verdict, unless a
producer adds ``engram.reward`` / ``test.passed`` / ``task.success`` to the root span.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from engram.loaders import fields
from engram.loaders.claude_stream import mapping
from engram.loaders.records import Problem, Share, read_records
from engram.loaders.steps import json_arguments, step
from engram.trace import Agent, Metrics, Task, Trace

NAME = "otel"
_ERROR = 2
_VERDICT_KEYS = ("engram.reward", "test.reward", "task.reward", "test.passed", "task.success")


def sniff(first: dict[str, Any], path: Path) -> bool:
    return "resourceSpans" in first or ("scopeSpans" in first and "resource" in first)


def load(
    path: Path, on_progress: Callable[[int], None] | None = None, share: Share | None = None
) -> Iterator[Trace | Problem]:
    if share is not None and not share.reports_files:
        return
    spans: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in read_records(path, "resourceSpans", on_progress):
        if isinstance(item, Problem):
            yield item
            continue
        for resource in _resource_spans(item.data):
            for scope in fields.items(
                resource.get("scopeSpans") or resource.get("instrumentationLibrarySpans")
            ):
                for span in fields.items(mapping(scope).get("spans")):
                    if isinstance(span, dict):
                        spans[str(span.get("traceId", ""))].append(span)
    if not spans:
        yield Problem(str(path), None, "no spans in the file")
    for trace_id, trace_spans in spans.items():
        yield _trace(trace_id, trace_spans, str(path))


def _resource_spans(data: Any) -> list[dict[str, Any]]:
    """A file of ``{resourceSpans: […]}`` objects (one a line), or of resource spans."""
    if isinstance(data, dict) and isinstance(data.get("resourceSpans"), list):
        return [r for r in data["resourceSpans"] if isinstance(r, dict)]
    if isinstance(data, dict) and "scopeSpans" in data:
        return [data]
    return []


def attributes(span: dict[str, Any]) -> dict[str, Any]:
    """A span's attributes as a plain dict (OTLP's ``{key, value: {stringValue: …}}``)."""
    result = {}
    for entry in fields.items(span.get("attributes")):
        entry = mapping(entry)
        key = entry.get("key")
        if isinstance(key, str):
            result[key] = _value(mapping(entry.get("value")))
    return result


def _value(value: dict[str, Any]) -> Any:
    for kind in ("stringValue", "boolValue", "doubleValue", "intValue"):
        if kind in value:
            raw = value[kind]
            if kind == "intValue" and isinstance(raw, str):
                try:
                    return int(raw)
                except ValueError:
                    return None
            return raw
    if "arrayValue" in value:
        return [
            _value(mapping(v)) for v in fields.items(mapping(value["arrayValue"]).get("values"))
        ]
    return None


def _failed(span: dict[str, Any], attrs: dict[str, Any]) -> bool:
    code = mapping(span.get("status")).get("code")
    return code == _ERROR or code in ("STATUS_CODE_ERROR", "ERROR") or bool(attrs.get("error.type"))


def _trace(trace_id: str, spans: list[dict[str, Any]], source: str) -> Trace:
    spans.sort(key=lambda s: (_nanos(s.get("startTimeUnixNano")), str(s.get("spanId"))))
    ids = {fields.key(s.get("spanId")) for s in spans}
    roots = [s for s in spans
             if not s.get("parentSpanId") or fields.key(s.get("parentSpanId")) not in ids]  # fmt: skip
    root = roots[0] if roots else spans[0]
    steps, model = [], None
    input_tokens = output_tokens = cache_tokens = 0
    cost = 0.0
    for span in spans:
        attrs = attributes(span)
        operation = attrs.get("gen_ai.operation.name")
        kind = attrs.get("openinference.span.kind")
        if operation == "execute_tool" or kind == "TOOL":
            tool = attrs.get("gen_ai.tool.name") or attrs.get("tool.name") or span.get("name")
            arguments = attrs.get("gen_ai.tool.call.arguments") or attrs.get("input.value")
            output = attrs.get("gen_ai.tool.call.result") or attrs.get("output.value") or ""
            steps.append(step(str(tool), json_arguments(arguments, "input"), str(output),
                              failed=_failed(span, attrs)))  # fmt: skip
        input_tokens += _int(attrs, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens",
                             "llm.token_count.prompt")  # fmt: skip
        output_tokens += _int(attrs, "gen_ai.usage.output_tokens",
                              "gen_ai.usage.completion_tokens", "llm.token_count.completion")  # fmt: skip
        cache_tokens += _int(attrs, "gen_ai.usage.cache_read.input_tokens",
                             "llm.token_count.prompt_details.cache_read")  # fmt: skip
        cost += fields.number(attrs.get("llm.cost.total")) or 0.0
        model = model or attrs.get("gen_ai.response.model") or attrs.get("gen_ai.request.model") \
            or attrs.get("llm.model_name")  # fmt: skip
    root_attrs = attributes(root)
    trace = Trace(
        task=Task(instruction=fields.clean_text(_instruction(spans), fields.INSTRUCTION_LIMIT)),
        agent=Agent(
            name=fields.text(root_attrs.get("gen_ai.agent.name"), 200) or "otel-agent",
            model=fields.text(model, 200),
        ),
        steps=steps,
        metrics=Metrics(
            input_tokens=input_tokens or None,
            output_tokens=output_tokens or None,
            cache_tokens=cache_tokens or None,
            cost_usd=cost or None,
            duration_s=_duration(root),
        ),
        run_id=trace_id or None,
        source=source,
    )
    verdict = _verdict(root_attrs)
    error = None
    if verdict is None and _failed(root, root_attrs):
        error = (f"{root_attrs.get('error.type') or 'SpanError'}: "
                 f"{mapping(root.get('status')).get('message') or root.get('name')}")  # fmt: skip
    return fields.finalize(trace, status="error" if error else None, reward_value=verdict,
                           error=error, details=[])  # fmt: skip


def _verdict(attrs: dict[str, Any]) -> float | None:
    for key in _VERDICT_KEYS:
        value = attrs.get(key)
        if isinstance(value, bool):
            return 1.0 if value else 0.0
        number = fields.number(value)
        if number is not None and 0.0 <= number <= 1.0:
            return number
    return None


def _instruction(spans: list[dict[str, Any]]) -> str | None:
    for span in spans:
        attrs = attributes(span)
        for key in (
            "gen_ai.input.messages",
            "gen_ai.prompt",
            "llm.input_messages.0.message.content",
        ):
            if isinstance(attrs.get(key), str):
                return str(attrs[key])
    return None


def _int(attrs: dict[str, Any], *keys: str) -> int:
    for key in keys:
        value = fields.integer(attrs.get(key))
        if value is not None:
            return value
    return 0


def _nanos(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _duration(span: dict[str, Any]) -> float | None:
    start, end = _nanos(span.get("startTimeUnixNano")), _nanos(span.get("endTimeUnixNano"))
    return (end - start) / 1e9 if start and end >= start else None
