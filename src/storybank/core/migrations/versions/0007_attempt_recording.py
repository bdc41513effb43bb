"""A recorded answer: its take's file name and the delivery measured from it.

Two text columns on the attempt, empty (NULL) for every answer given before
and for answers not recorded; see core/recordings.py for what they hold.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attempt") as batch:
        batch.add_column(sa.Column("recording", sa.String, nullable=True))
        batch.add_column(sa.Column("delivery", sa.String, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attempt") as batch:
        batch.drop_column("delivery")
        batch.drop_column("recording")
