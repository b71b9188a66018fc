"""Randomized holdout: the rules withheld from each run at random, and each rule's randomized
efficacy (runs given it against runs it was withheld from).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # Plain ADD COLUMN (never a batch copy of ``traces``: see 0004).
    op.add_column("traces", sa.Column("withheld_rules", _JSON, nullable=True))
    op.add_column("rules", sa.Column("randomized", _JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rules", schema=None) as batch_op:
        batch_op.drop_column("randomized")
    op.drop_column("traces", "withheld_rules")
