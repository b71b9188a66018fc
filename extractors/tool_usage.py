"""Which tools a run called, which failed, what it ran in the shell, and in what order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

from engram.extract import NAME_LIMIT, Extractor, feature_key
from engram.parse.tools import shell_invocations
from engram.trace import Trace

ERROR_LOOP_MIN = 3
SEQ_LIMIT = 2 * NAME_LIMIT + 1  # two whole tool names and the ">"


class ToolUsage(Extractor):
    """``tool:``, ``tool_error:``, ``tool_error_loop:``, ``cmd:``, ``seq:``, ``first_tool:``,
    ``denied:``."""

    name = "tool_usage"

    def __init__(self, error_loop_min: int = ERROR_LOOP_MIN) -> None:
        self.error_loop_min = error_loop_min

    def extract(self, trace: Trace) -> Iterable[str]:
        failures: Counter[str] = Counter()
        for step in trace.steps:
            yield feature_key("tool", step.tool)
            if step.is_error:
                failures[step.tool] += 1
                yield feature_key("tool_error", step.tool)
            for invocation in shell_invocations(step):
                yield feature_key("cmd", invocation.program)
        for tool, count in failures.items():
            if count >= self.error_loop_min:
                yield feature_key("tool_error_loop", tool)
        for tool in trace.denied_tools:
            yield feature_key("denied", tool)
        main_line = [step.tool for step in trace.steps if step.parent is None]
        if main_line:
            yield feature_key("first_tool", main_line[0])
        for before, after in pairwise(main_line):
            if before != after:
                yield feature_key("seq", f"{_safe(before)}>{_safe(after)}", limit=SEQ_LIMIT)


def _safe(tool: str) -> str:
    return feature_key("", tool)[1:]
