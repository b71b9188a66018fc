"""Rule kinds and texts, one template per feature family. Text never comes from a trace raw:
names are re-sanitised and capped before they are put into a template."""

from __future__ import annotations

import re

#: Families that describe the task, the result, or who ran it and with what (an agent, a
#: model, an MCP server available): not the agent's behaviour, never mined. Differences
#: between configurations are for people (stats, compare, report), never guidance.
CONTEXT_FAMILIES = frozenset(
    {"category", "difficulty", "repo", "outcome", "failure", "agent", "model", "mcp"}
)
#: Features whose presence is itself a mistake: a positive effect makes only a note.
_BAD_SIGNS = frozenset({
    "tool_error", "tool_error_loop", "denied", "mcp_unused", "verified:never",
    "read_before_edit:not_all", "changes:none",
})  # fmt: skip
#: When features cluster, the representative comes from the earliest family here.
FAMILY_PRIORITY = (
    "tool_error_loop", "tool", "cmd", "tool_error", "denied", "verified", "read_before_edit",
    "changes", "mcp_unused", "first_tool", "seq",
)  # fmt: skip
NAME_LIMIT = 60
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.:/@+-]")

_TEXTS: dict[str, tuple[str, str]] = {
    # family or exact key: (text when it goes with success, text when it goes with failure)
    "tool": ("Use the {name} tool.", "Avoid relying on the {name} tool; prefer other ways to do the same."),
    "tool_error": ("", "Check the arguments of {name} calls before making them; failing {name} calls go with failed runs."),
    "tool_error_loop": ("", "Do not keep retrying a failing {name} call; after a failure, re-read the input and change approach."),
    "cmd": ("Run `{name}` before finishing (e.g. to check the change).", "Avoid running `{name}`."),
    "seq": ("Call {second} right after {first}.", "Avoid calling {second} right after {first}."),
    "first_tool": ("Start the task with {name}.", "Do not start the task with {name}."),
    "denied": ("", "Do not call {name}: this environment denies it permission."),
    "mcp_unused": ("", "Use the tools of the {name} MCP server; runs that left it unused did worse."),
    "verified:after_edit": ("Run the tests or the build after your last edit, before finishing.", ""),
    "verified:never": ("", "Do not finish without running the tests or the build after editing."),
    "read_before_edit:all": ("Read each file before you edit it.", "Reading every file before editing it did not help here."),
    "read_before_edit:not_all": ("", "Do not edit a file you have not read first."),
    "changes:none": ("", "Do not finish without changing any file."),
    "changes:small": ("Keep the change small and focused.", "Do not stop at a minimal change; make sure the fix is complete."),
    "changes:large": ("Do not shy away from a thorough change when the task needs it.", "Avoid large, sweeping changes; change only what the task needs."),
    "changes:cross_module": ("Expect the fix to span several top-level modules; check callers and related modules.", "Keep the change within one module where you can."),
    "changes:tests": ("Add or update tests alongside the change.", "Do not modify test files unless the task asks for it."),
}  # fmt: skip

def family(feature: str) -> str:
    return feature.split(":", 1)[0]


def is_mined(feature: str) -> bool:
    return ":" in feature and family(feature) not in CONTEXT_FAMILIES


#: Families that name a tool (their value is the tool's name): only an agent that has the tool
#: can follow a rule on one.
_TOOL_FAMILIES = frozenset({"tool", "tool_error", "tool_error_loop", "first_tool", "denied"})


def required_tools(feature: str) -> set[str]:
    """What an agent must have to follow a rule on ``feature``: ``tool:<name>`` for each
    tool it names, ``mcp:<server>`` for an MCP server; empty for any agent."""
    name, _, value = feature.partition(":")
    if name in _TOOL_FAMILIES:
        return {f"tool:{value}"}
    if name == "seq":
        return {f"tool:{tool}" for tool in value.split(">") if tool}
    if name == "mcp_unused":
        return {f"mcp:{value}"}
    return set()


def priority(feature: str) -> int:
    name = family(feature)
    return FAMILY_PRIORITY.index(name) if name in FAMILY_PRIORITY else len(FAMILY_PRIORITY)


def kind_for(feature: str, difference: float) -> str:
    """``do`` or ``avoid`` for a behaviour by the sign of its effect; ``note`` otherwise."""
    name = family(feature)
    if difference > 0:
        return "note" if name in _BAD_SIGNS or feature in _BAD_SIGNS else "do"
    return "avoid"


def text_for(feature: str, kind: str, difference: float) -> str:
    """The rule's sentence, from its family's template and the sanitised feature value."""
    name, _, value = feature.partition(":")
    direction = "more" if difference > 0 else "less"
    pair = _TEXTS.get(feature) or _TEXTS.get(name)
    template = ""
    if pair is not None:
        template = pair[0] if difference > 0 else pair[1]
    if not template:
        return f"Runs showing {safe_name(feature)} passed {direction} often than runs without it."
    server, _, tool = value.removeprefix("mcp__").partition("__")
    if name == "tool" and value.startswith("mcp__") and tool and difference > 0:
        return (
            f"Use {safe_name(value)} (the {safe_name(tool)} tool of the {safe_name(server)}"
            " MCP server)."
        )
    if name == "seq":
        first, _, second = value.partition(">")
        return template.format(first=safe_name(first), second=safe_name(second))
    return template.format(name=safe_name(value))


def safe_name(value: str) -> str:
    """A tool, program or server name fit to print in guidance."""
    cleaned = _SAFE_NAME.sub("_", value)[:NAME_LIMIT]
    return cleaned or "(unnamed)"
