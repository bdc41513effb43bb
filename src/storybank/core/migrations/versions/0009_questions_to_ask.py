"""The questions to ask the interviewer, made one's own.

One new table, empty in every bank before. A row whose uuid is a built-in
question's holds the user's edit of it (or hides it); any other row is a
question of the user's own. The built-in questions stay in
``resources/loops/questions-to-ask.toml``. See core/loops.py.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ask_question",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("text", sa.String, nullable=False),
        sa.Column("kinds", sa.String, nullable=False),
        sa.Column("why", sa.String, nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ask_question")
