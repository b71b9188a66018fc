"""Like with like: task keys, strata of comparable runs and their counts, agents' tools,
store settings, and rules' stratified evidence, agents and absorbed candidates.

The strata of runs already stored are filled in by engram itself the first time it opens the
store after this migration (the ``rebuild_strata`` setting asks for it), with the code that
keeps them, so this migration stays schema-only.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "strata",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agent", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("task_key", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("difficulty", sa.String(length=40), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strata")),
        sa.UniqueConstraint(
            "agent", "model", "task_key", "category", "difficulty", name=op.f("uq_strata_agent")
        ),
    )
    op.create_table(
        "stratum_counts",
        sa.Column("stratum_id", sa.Integer(), nullable=False),
        sa.Column("feature_id", sa.Integer(), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feature_id"], ["features.id"],
            name=op.f("fk_stratum_counts_feature_id_features"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stratum_id"], ["strata.id"],
            name=op.f("fk_stratum_counts_stratum_id_strata"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("stratum_id", "feature_id", name=op.f("pk_stratum_counts")),
    )  # fmt: skip
    with op.batch_alter_table("stratum_counts", schema=None) as batch_op:
        batch_op.create_index("ix_stratum_counts_feature", ["feature_id", "stratum_id"])
    op.create_table(
        "agent_tools",
        sa.Column("agent", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("agent", "key", name=op.f("pk_agent_tools")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    # Plain ADD COLUMN, never a batch copy of ``traces``: on SQLite the copy drops the old table,
    # and with foreign keys on that would cascade into every table that refers to a run.
    op.add_column("traces", sa.Column("task_key", sa.String(length=200), nullable=True))
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a reference with the column only
        op.execute("ALTER TABLE traces ADD COLUMN stratum_id INTEGER REFERENCES strata (id)")
    else:
        op.add_column("traces", sa.Column("stratum_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_traces_stratum_id_strata"), "traces", "strata", ["stratum_id"], ["id"]
        )
    op.create_index(op.f("ix_traces_stratum_id"), "traces", ["stratum_id"], unique=False)
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stratified", _JSON, nullable=True))
        batch_op.add_column(sa.Column("agents", _JSON, server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("absorbed", _JSON, server_default="[]", nullable=False))
    settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text))
    op.bulk_insert(settings, [{"key": "rebuild_strata", "value": "1"}])


def downgrade() -> None:
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.drop_column("absorbed")
        batch_op.drop_column("agents")
        batch_op.drop_column("stratified")
    op.drop_index(op.f("ix_traces_stratum_id"), table_name="traces")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("fk_traces_stratum_id_strata"), "traces", type_="foreignkey")
    op.drop_column("traces", "stratum_id")  # SQLite drops the column with its reference
    op.drop_column("traces", "task_key")
    op.drop_table("settings")
    op.drop_table("agent_tools")
    with op.batch_alter_table("stratum_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_stratum_counts_feature")
    op.drop_table("stratum_counts")
    op.drop_table("strata")
