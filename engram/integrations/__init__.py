"""engram inside other tools: Claude Code hooks (``hooks``) and an MCP server (``mcp_server``)."""
