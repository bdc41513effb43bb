"""Rubric readings of an answer: the candidate's own and the coach's at the time.

Two JSON text columns on the attempt, empty (NULL) for every answer given
before; see core/self_rating.py for what they hold.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attempt") as batch:
        batch.add_column(sa.Column("self_rubric", sa.String, nullable=True))
        batch.add_column(sa.Column("coach_rubric", sa.String, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attempt") as batch:
        batch.drop_column("coach_rubric")
        batch.drop_column("self_rubric")
