"""``engram mcp``, driven by the MCP SDK's own client over stdio against the real server."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import types
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

import engram
from engram.datasets.synthetic import BASELINE_AGENT, DEEP_SEARCH, default_scenario, write_corpus


async def session_calls(calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[str], list[Any]]:
    server = StdioServerParameters(
        command=sys.executable, args=["-m", "engram", "mcp"], env=dict(os.environ)
    )
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = [tool.name for tool in (await session.list_tools()).tools]
        results = [await session.call_tool(name, arguments) for name, arguments in calls]
    return tools, results


def text_of(result: types.CallToolResult) -> str:
    return "".join(part.text for part in result.content if isinstance(part, types.TextContent))


@pytest.fixture
def learned(tmp_path: Path) -> None:
    corpus = tmp_path / "traces.json"
    write_corpus(default_scenario(runs=600, seed=7), corpus)
    engram.learn([corpus])


def test_an_agent_can_ask_for_guidance_rules_and_evidence(learned: None) -> None:
    rules = engram.suggest(category="cross_module_bug_fix").rules
    calls = [
        ("get_guidance", {"category": "cross_module_bug_fix"}),
        ("get_guidance", {"instruction": "# Fix a cross module bug\n\nA cross module bug fix."}),
        ("list_rules", {"category": "feature_implementation"}),
        ("show_rule", {"rule_id": rules[0].id[:7]}),
        ("show_rule", {"rule_id": "r_nosuchrule"}),
        ("get_guidance", {"category": "cross_module_bug_fix", "agent": BASELINE_AGENT}),
    ]
    tools, (guidance, similar, listed, shown, missing, baseline) = anyio.run(session_calls, calls)
    assert sorted(tools) == ["get_guidance", "list_rules", "show_rule"]
    assert text_of(guidance) == engram.suggest(category="cross_module_bug_fix").to_markdown()
    assert DEEP_SEARCH in text_of(similar) and "similar tasks" in text_of(similar)
    listing = listed.structured_content or json.loads(text_of(listed))
    rows = listing["result"] if isinstance(listing, dict) and "result" in listing else listing
    assert [row["features"] for row in rows] == [["cmd:pytest"]]
    detail = shown.structured_content or json.loads(text_of(shown))
    assert detail["id"] == rules[0].id and detail["evidence"]["n_with"] > 0
    assert missing.is_error and "no rule" in text_of(missing).lower()
    assert DEEP_SEARCH in text_of(guidance) and DEEP_SEARCH not in text_of(baseline)  # no such tool
    assert text_of(baseline) == engram.suggest(
        category="cross_module_bug_fix", agent=BASELINE_AGENT
    ).to_markdown()
