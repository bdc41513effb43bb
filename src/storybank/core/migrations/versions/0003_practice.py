"""Practice: prompts (built-in and the user's), their values, review state, attempts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prompt",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("text", sa.String, nullable=False),
        sa.Column("theme", sa.String, nullable=False, server_default=""),
        # One follow-up question per line.
        sa.Column("follow_ups", sa.String, nullable=False, server_default=""),
        sa.Column("builtin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
        # A built-in prompt the user edited keeps the user's words on upgrade.
        sa.Column("edited", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("bank_version", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_prompt_theme", "prompt", ["theme"])
    op.create_table(
        "prompt_value",
        sa.Column(
            "prompt_id",
            sa.Integer,
            sa.ForeignKey("prompt.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("value_key", sa.String, primary_key=True),
    )
    op.create_table(
        "review_state",
        sa.Column(
            "prompt_id",
            sa.Integer,
            sa.ForeignKey("prompt.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("due", sa.DateTime, nullable=False),
        sa.Column("card_json", sa.String, nullable=False),
        sa.Column("reps", sa.Integer, nullable=False, server_default="0"),
        sa.Column("lapses", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_rating", sa.Integer, nullable=True),
    )
    op.create_index("ix_review_state_due", "review_state", ["due"])
    op.create_table(
        "attempt",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "prompt_id",
            sa.Integer,
            sa.ForeignKey("prompt.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "story_id",
            sa.Integer,
            sa.ForeignKey("story.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("duration", sa.Float, nullable=False, server_default="0"),
        sa.Column("rating", sa.Integer, nullable=True),
        sa.Column("notes", sa.String, nullable=False, server_default=""),
        sa.Column("session", sa.String(36), nullable=False, server_default=""),
    )
    op.create_index("ix_attempt_started_at", "attempt", ["started_at"])
    op.create_index("ix_attempt_prompt_id", "attempt", ["prompt_id"])


def downgrade() -> None:
    for table in ("attempt", "review_state", "prompt_value", "prompt"):
        op.drop_table(table)
