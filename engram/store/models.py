"""The store's tables. Migrations in ``migrations/`` must produce exactly these."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class JSONType(TypeDecorator[Any]):
    """JSON everywhere, stored as JSONB on PostgreSQL (its dialect imported only there)."""

    impl = JSON()
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads it from the class
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType(),
        list[Any]: JSONType(),
        list[str]: JSONType(),
    }


class Learn(Base):
    """One run of ``engram learn``: what it read and what it changed."""

    __tablename__ = "learns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    engram_version: Mapped[str] = mapped_column(String(40))
    paths: Mapped[list[str]] = mapped_column(default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    files_read: Mapped[int] = mapped_column(default=0)
    traces_read: Mapped[int] = mapped_column(default=0)
    traces_new: Mapped[int] = mapped_column(default=0)
    traces_known: Mapped[int] = mapped_column(default=0)
    records_skipped: Mapped[int] = mapped_column(default=0)
    rules_added: Mapped[int] = mapped_column(default=0)
    rules_updated: Mapped[int] = mapped_column(default=0)
    rules_retired: Mapped[int] = mapped_column(default=0)


class TraceRow(Base):
    """One agent run, normalized; the raw trace text is not kept."""

    __tablename__ = "traces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trace_id: Mapped[str] = mapped_column(String(40), unique=True)
    run_id: Mapped[str | None] = mapped_column(String(200))
    task_id: Mapped[str | None] = mapped_column(String(200), index=True)
    task_title: Mapped[str | None] = mapped_column(String(300))
    category: Mapped[str | None] = mapped_column(String(120), index=True)
    difficulty: Mapped[str | None] = mapped_column(String(40))
    repository: Mapped[str | None] = mapped_column(String(200))
    agent: Mapped[str | None] = mapped_column(String(200), index=True)
    model: Mapped[str | None] = mapped_column(String(200), index=True)
    job: Mapped[str | None] = mapped_column(String(200), index=True)
    source_file: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(10))
    valid: Mapped[bool] = mapped_column(Boolean)
    passed: Mapped[bool] = mapped_column(Boolean)
    reward: Mapped[float | None] = mapped_column(Float)
    failure_class: Mapped[str | None] = mapped_column(String(40), index=True)
    error_type: Mapped[str | None] = mapped_column(String(200))
    error_message: Mapped[str | None] = mapped_column(String(2000))
    input_tokens: Mapped[int | None] = mapped_column(BigInteger)
    output_tokens: Mapped[int | None] = mapped_column(BigInteger)
    cache_tokens: Mapped[int | None] = mapped_column(BigInteger)
    cost_usd: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[float | None] = mapped_column(Float)
    turns: Mapped[int | None] = mapped_column(Integer)
    steps: Mapped[int] = mapped_column(Integer, default=0)
    tool_errors: Mapped[int] = mapped_column(Integer, default=0)
    files_changed: Mapped[int | None] = mapped_column(Integer)
    lines_added: Mapped[int | None] = mapped_column(Integer)
    lines_removed: Mapped[int | None] = mapped_column(Integer)
    instruction: Mapped[str | None] = mapped_column(Text)
    injected_rules: Mapped[list[str]] = mapped_column(default=list)
    withheld_rules: Mapped[list[str] | None] = mapped_column(default=None)  # None: no holdout
    learn_id: Mapped[int | None] = mapped_column(ForeignKey("learns.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    task_key: Mapped[str | None] = mapped_column(String(200))  # engram.parse.tasks: which task it was
    stratum_id: Mapped[int | None] = mapped_column(ForeignKey("strata.id"), index=True)


class Stratum(Base):
    """Runs that can be compared with each other: one agent configuration (agent and model)
    on one task (its key), in one category and difficulty; its totals count valid runs only."""

    __tablename__ = "strata"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agent: Mapped[str] = mapped_column(String(200), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    task_key: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(120), default="")
    difficulty: Mapped[str] = mapped_column(String(40), default="")
    runs: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("agent", "model", "task_key", "category", "difficulty"),)


class StratumCount(Base):
    """Sufficient statistics per stratum and feature: valid runs with the feature, and passes."""

    __tablename__ = "stratum_counts"

    stratum_id: Mapped[int] = mapped_column(
        ForeignKey("strata.id", ondelete="CASCADE"), primary_key=True
    )
    feature_id: Mapped[int] = mapped_column(
        ForeignKey("features.id", ondelete="CASCADE"), primary_key=True
    )
    runs: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_stratum_counts_feature", "feature_id", "stratum_id"),)


class AgentTool(Base):
    """What an agent has at hand: ``tool:<name>`` listed or called in its runs, ``mcp:<server>``."""

    __tablename__ = "agent_tools"

    agent: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)


class Setting(Base):
    """A store-wide setting (the task key learns and mining use)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class TraceTag(Base):
    """A label a run was learned with (``engram learn --tag``, or the trace's own ``tags``)."""

    __tablename__ = "trace_tags"

    trace_pk: Mapped[int] = mapped_column(
        ForeignKey("traces.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)

    __table_args__ = (Index("ix_trace_tags_tag", "tag", "trace_pk"),)


class TraceFailure(Base):
    """What a failed run reported: a failing test or an error, with its message's template."""

    __tablename__ = "trace_failures"

    trace_pk: Mapped[int] = mapped_column(
        ForeignKey("traces.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0 is the run's main one
    source: Mapped[str] = mapped_column(String(10))  # error, test or tool
    test: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(String(500))
    template: Mapped[str] = mapped_column(String(500), index=True)


class Feature(Base):
    """A feature key (``tool:Bash``), stored once and referred to by id."""

    __tablename__ = "features"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)


class TraceFeature(Base):
    """Which run has which feature."""

    __tablename__ = "trace_features"

    trace_pk: Mapped[int] = mapped_column(
        ForeignKey("traces.id", ondelete="CASCADE"), primary_key=True
    )
    feature_id: Mapped[int] = mapped_column(
        ForeignKey("features.id", ondelete="CASCADE"), primary_key=True
    )

    __table_args__ = (Index("ix_trace_features_feature", "feature_id", "trace_pk"),)


class FeatureCount(Base):
    """Sufficient statistics: valid runs, passes and reward per scope and feature.

    The row with feature ``*`` holds the scope's totals over valid runs. Rewards are summed
    in millionths, as integers, so sums are exact whatever order runs arrive in.
    """

    __tablename__ = "feature_counts"

    scope_kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    scope_value: Mapped[str] = mapped_column(String(200), primary_key=True)
    feature: Mapped[str] = mapped_column(String(200), primary_key=True)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[int] = mapped_column(Integer, default=0)
    reward_micros: Mapped[int] = mapped_column(BigInteger, default=0)


class RuleRow(Base):
    """A learned (or hand-written) rule with the evidence it was last mined with."""

    __tablename__ = "rules"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    scope_kind: Mapped[str] = mapped_column(String(20))
    scope_value: Mapped[str] = mapped_column(String(200))
    feature: Mapped[str] = mapped_column(String(200))
    merged_features: Mapped[list[str]] = mapped_column(default=list)
    exceptions: Mapped[list[str]] = mapped_column(default=list)
    text: Mapped[str] = mapped_column(String(500))
    n_with: Mapped[int] = mapped_column(Integer)
    pass_with: Mapped[int] = mapped_column(Integer)
    n_without: Mapped[int] = mapped_column(Integer)
    pass_without: Mapped[int] = mapped_column(Integer)
    reward_with: Mapped[float | None] = mapped_column(Float)
    reward_without: Mapped[float | None] = mapped_column(Float)
    difference: Mapped[float] = mapped_column(Float)
    ci_low: Mapped[float] = mapped_column(Float)
    ci_high: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float] = mapped_column(Float)
    q_value: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10), default="active")
    status_reason: Mapped[str | None] = mapped_column(String(300))
    status_by: Mapped[str] = mapped_column(String(10), default="engram")
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    first_learn_id: Mapped[int | None] = mapped_column(ForeignKey("learns.id"))
    last_learn_id: Mapped[int | None] = mapped_column(ForeignKey("learns.id"))
    origin: Mapped[str] = mapped_column(String(10), default="learned", server_default="learned")
    text_by: Mapped[str] = mapped_column(String(10), default="engram", server_default="engram")
    # Feedback from runs whose instructions carried the rule: passed, failed, partial credit.
    helpful: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    harmful: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    neutral: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Efficacy: comparable runs (same category and agent) given the rule against those not.
    given_runs: Mapped[int | None] = mapped_column(Integer)
    given_passed: Mapped[int | None] = mapped_column(Integer)
    others_runs: Mapped[int | None] = mapped_column(Integer)
    others_passed: Mapped[int | None] = mapped_column(Integer)
    efficacy: Mapped[float | None] = mapped_column(Float)
    efficacy_low: Mapped[float | None] = mapped_column(Float)
    efficacy_high: Mapped[float | None] = mapped_column(Float)
    # Randomized efficacy: runs given the rule against runs it was withheld from at random.
    randomized: Mapped[dict[str, Any] | None] = mapped_column(JSONType())
    # The estimate among comparable runs the rule is tested and scored on (mining.stratified),
    # and the agents whose runs informed it.
    stratified: Mapped[dict[str, Any] | None] = mapped_column(JSONType())
    agents: Mapped[list[str]] = mapped_column(default=list, server_default="[]")
    absorbed: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")

    __table_args__ = (Index("ix_rules_scope", "scope_kind", "scope_value", "status"),)


class PlaybookVersion(Base):
    """The playbook as it stood after a learn or a person's change: every rule's state."""

    __tablename__ = "playbook_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    learn_id: Mapped[int | None] = mapped_column(ForeignKey("learns.id"))
    reason: Mapped[str] = mapped_column(String(200))
    rules: Mapped[list[Any]] = mapped_column(default=list)
