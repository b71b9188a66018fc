"""Run tags (for selectors) and what failed runs reported (for failure modes).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trace_failures",
        sa.Column("trace_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("test", sa.String(length=300), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("template", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["trace_pk"],
            ["traces.id"],
            name=op.f("fk_trace_failures_trace_pk_traces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("trace_pk", "position", name=op.f("pk_trace_failures")),
    )
    with op.batch_alter_table("trace_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trace_failures_template"), ["template"], unique=False)

    op.create_table(
        "trace_tags",
        sa.Column("trace_pk", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["trace_pk"],
            ["traces.id"],
            name=op.f("fk_trace_tags_trace_pk_traces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("trace_pk", "tag", name=op.f("pk_trace_tags")),
    )
    with op.batch_alter_table("trace_tags", schema=None) as batch_op:
        batch_op.create_index("ix_trace_tags_tag", ["tag", "trace_pk"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trace_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_trace_tags_tag")
    op.drop_table("trace_tags")
    with op.batch_alter_table("trace_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trace_failures_template"))
    op.drop_table("trace_failures")
