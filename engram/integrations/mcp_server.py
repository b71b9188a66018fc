"""``engram mcp``: the playbook as an MCP server over stdio, so an agent can ask mid-run.

Tools: ``get_guidance`` (for a category, or for a task's instruction text), ``list_rules`` and
``show_rule`` (a rule with its evidence and feedback). Built on the official ``mcp`` SDK,
imported only when the server starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from engram.render.markdown import DEFAULT_MAX_TOKENS

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

INSTRUCTIONS = (
    "engram keeps rules learned from earlier coding-agent runs, each with its evidence. "
    "Call get_guidance with the task's category (or its instruction text) before starting."
)


def build_server() -> MCPServer[Any]:
    """The MCP server with engram's tools; each call reads the store as it is then."""
    try:
        from mcp.server.mcpserver import MCPServer
    except ImportError as exc:
        from engram.errors import EngramError

        raise EngramError(
            "the MCP server needs the mcp package", hint="pip install 'engram[mcp]'"
        ) from exc

    from engram import __version__

    server: MCPServer[Any] = MCPServer(name="engram", instructions=INSTRUCTIONS,
                                       version=__version__)  # fmt: skip

    @server.tool()
    def get_guidance(
        category: str | None = None,
        instruction: str | None = None,
        agent: str | None = None,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        holdout: float = 0.0,
    ) -> str:
        """Guidance for a task: the rules that held in earlier runs of its category, best
        first, with their evidence. Give the category, or the task's instruction text (its
        Category: line is used, else the categories of the most similar past tasks), and
        your agent's name to get only rules on tools you have. ``holdout`` (0 to 1) withholds
        each rule at random with that probability, named in the block's marker."""
        from engram.parse.instruction import task_category
        from engram.playbook.guidance import suggest

        if category is None and instruction:
            category = task_category(instruction)
        with _errors():
            playbook = suggest(category, agent=agent, instruction=instruction)
        if holdout > 0:
            playbook = playbook.hold_out(min(holdout, 1.0))
        return playbook.to_markdown(max(50, max_tokens))

    @server.tool()
    def list_rules(
        category: str | None = None, include_retired: bool = False, agent: str | None = None
    ) -> list[dict[str, Any]]:
        """Every rule (of one category, if given), best first, with its evidence; with an
        agent's name, only the rules it can follow."""
        from engram.playbook.guidance import fits
        from engram.store import open_store

        statuses = ("active", "pinned", "retired") if include_retired else ("active", "pinned")
        with _errors(), open_store() as store:
            rules = store.rules(statuses=statuses)
            tools = store.agent_tools() if agent else {}
        if category:
            rules = [r for r in rules if r.scope_kind == "category" and r.scope_value == category]
        if agent:
            rules = [r for r in rules if fits(r, agent, tools)]
        return [{**rule.as_dict(), "status": rule.status} for rule in rules]

    @server.tool()
    def show_rule(rule_id: str) -> dict[str, Any]:
        """One rule (a unique id prefix is enough): its text, evidence, feedback and status."""
        from engram.store import open_store

        with _errors(), open_store() as store:
            rule = store.rule(rule_id)
            runs = store.rule_runs(rule, limit=10)
        return {**rule.as_dict(), "status_reason": rule.status_reason,
                "feedback": rule.feedback.as_dict(), "example_runs": runs["examples"]}  # fmt: skip

    return server


@contextmanager
def _errors() -> Iterator[None]:
    """engram's errors reach the agent as tool errors with their message and hint."""
    from mcp.server.mcpserver.exceptions import ToolError

    from engram.errors import EngramError

    try:
        yield
    except EngramError as exc:
        raise ToolError(f"{exc}" + (f" ({exc.hint})" if exc.hint else "")) from exc


def serve() -> None:
    """Run the server on stdin and stdout until the client closes them."""
    build_server().run("stdio")
