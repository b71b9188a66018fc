"""The Store's analysis reads: runs and failures as pandas DataFrames, the failures failure
rules weigh, past instructions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Engine, func, select

from engram.store.filters import selector_filters
from engram.store.models import Feature, TraceFailure, TraceFeature, TraceRow

if TYPE_CHECKING:
    import pandas as pd

#: The columns of ``Store.run_frame``.
RUN_COLUMNS = (
    "trace_id", "run_id", "task_id", "category", "agent", "model", "job", "source_file",
    "status", "valid", "passed", "reward", "failure_class", "error_type", "error_message",
    "input_tokens", "output_tokens", "cache_tokens", "cost_usd", "duration_s", "turns",
)  # fmt: skip


class MainFailure(NamedTuple):
    """A run's main failure, with the scopes the run counts in."""

    task_id: str
    category: str | None
    agent: str | None
    model: str | None
    kind: str
    template: str


class Frames:
    """Part of ``Store``: what comparisons, failure modes and reports read."""

    engine: Engine

    # ----------------------------------------------------------------------------- analyses

    def run_frame(self, selectors: dict[str, str] | None = None) -> pd.DataFrame:
        """One row per selected run, with what comparisons and reports read (a DataFrame)."""
        columns = [getattr(TraceRow, name) for name in RUN_COLUMNS]
        query = select(*columns).where(*selector_filters(selectors or {})).order_by(TraceRow.id)
        return self._frame(query, RUN_COLUMNS)

    def failure_frame(self, selectors: dict[str, str] | None = None) -> pd.DataFrame:
        """One row per failure that selected runs reported, with its run's identity and class."""
        names = ("trace_id", "run_id", "task_id", "category", "agent", "model", "status",
                 "failure_class")  # fmt: skip
        parts = ("position", "source", "test", "kind", "message", "template")
        query = (
            select(
                *(getattr(TraceRow, name) for name in names),
                *(getattr(TraceFailure, name) for name in parts),
            )
            .join(TraceRow, TraceRow.id == TraceFailure.trace_pk)
            .where(*selector_filters(selectors or {}))
            .order_by(TraceRow.id, TraceFailure.position)
        )
        return self._frame(query, (*names, *parts))

    def main_failures(self, statuses: Collection[str]) -> list[MainFailure]:
        """The main failure of every run that ended with one of ``statuses``, in run order."""
        runs = (TraceRow.task_id, TraceRow.category, TraceRow.agent, TraceRow.model)
        query = (
            select(*runs, TraceFailure.kind, TraceFailure.template)
            .join(TraceRow, TraceRow.id == TraceFailure.trace_pk)
            .where(TraceFailure.position == 0, TraceRow.status.in_(list(statuses)))
            .order_by(TraceRow.id)
        )
        with self.engine.connect() as conn:
            return [MainFailure._make(row) for row in conn.execute(query)]

    def feature_frame(self) -> pd.DataFrame:
        """One row per run and feature it showed: (trace_id, feature)."""
        query = (
            select(TraceRow.trace_id, Feature.key)
            .join(TraceFeature, TraceFeature.trace_pk == TraceRow.id)
            .join(Feature, Feature.id == TraceFeature.feature_id)
            .order_by(TraceRow.id, Feature.key)
        )
        return self._frame(query, ("trace_id", "feature"))

    def _frame(self, query: Any, columns: Sequence[str]) -> pd.DataFrame:
        import pandas as pd

        with self.engine.connect() as conn:
            rows = [tuple(row) for row in conn.execute(query)]  # plain tuples build fastest
        return pd.DataFrame(rows, columns=list(columns))

    def task_instructions(self, limit: int = 20_000) -> list[tuple[str, str, str]]:
        """One instruction per past task with a category: (task id, category, instruction)."""
        query = (
            select(TraceRow.task_id, TraceRow.category, func.max(TraceRow.instruction))
            .where(TraceRow.category.is_not(None), TraceRow.instruction.is_not(None))
            .group_by(TraceRow.task_id, TraceRow.category)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(str(t), str(c), str(i)) for t, c, i in conn.execute(query) if i]
