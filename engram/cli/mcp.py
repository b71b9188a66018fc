"""``engram mcp``."""

from __future__ import annotations


def mcp_command() -> None:
    """Serve the playbook over MCP on stdio (tools: get_guidance, list_rules, show_rule).

    Add it to an agent, e.g. `claude mcp add engram -- engram mcp`.
    """
    from engram.integrations.mcp_server import serve

    serve()
