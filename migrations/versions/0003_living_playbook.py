"""The living playbook: rule origin and edits, feedback counts, efficacy, playbook versions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_COUNTERS = ("helpful", "harmful", "neutral")
_EFFICACY = ("given_runs", "given_passed", "others_runs", "others_passed")
_INTERVAL = ("efficacy", "efficacy_low", "efficacy_high")


def upgrade() -> None:
    op.create_table(
        "playbook_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("learn_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column(
            "rules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["learn_id"], ["learns.id"], name=op.f("fk_playbook_versions_learn_id_learns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playbook_versions")),
    )
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(length=10), server_default="learned", nullable=False)
        )
        batch_op.add_column(
            sa.Column("text_by", sa.String(length=10), server_default="engram", nullable=False)
        )
        for name in _COUNTERS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))
        for name in _EFFICACY:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
        for name in _INTERVAL:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rules", schema=None) as batch_op:
        for name in (*reversed(_INTERVAL), *reversed(_EFFICACY), *reversed(_COUNTERS)):
            batch_op.drop_column(name)
        batch_op.drop_column("text_by")
        batch_op.drop_column("origin")
    op.drop_table("playbook_versions")
