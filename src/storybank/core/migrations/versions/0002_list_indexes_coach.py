"""Covering indexes for the story list, cached coach figures, dismissed findings.

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
    # The list filters on (deleted_at, archived) and sorts by time or title:
    # these indexes answer it without reading the story text.
    op.create_index("ix_story_list_updated", "story", ["deleted_at", "archived", "updated_at"])
    op.execute(
        "CREATE INDEX ix_story_list_title ON story (deleted_at, archived, title COLLATE NOCASE)"
    )
    # The coach's readiness score and speaking time, cached so that the list
    # can show them for thousands of stories; NULL or an old analyzer version
    # means "not computed yet".
    with op.batch_alter_table("story") as batch:
        batch.add_column(sa.Column("coach_score", sa.Integer, nullable=True))
        batch.add_column(sa.Column("speaking_seconds", sa.Float, nullable=True))
        batch.add_column(sa.Column("coach_version", sa.Integer, nullable=True))
    op.create_table(
        "dismissed_finding",
        sa.Column(
            "story_id",
            sa.Integer,
            sa.ForeignKey("story.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.String, primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("dismissed_finding")
    with op.batch_alter_table("story") as batch:
        batch.drop_column("coach_version")
        batch.drop_column("speaking_seconds")
        batch.drop_column("coach_score")
    op.drop_index("ix_story_list_title", "story")
    op.drop_index("ix_story_list_updated", "story")
