"""An index on the coach figures' analyzer version.

At every start the list asks whether any story's cached figures are missing or
outdated. Without this index that question reads every story, text and all
(a third of a second at 100,000 stories); with it, a few pages.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_story_coach_version", "story", ["coach_version"])


def downgrade() -> None:
    op.drop_index("ix_story_coach_version", "story")
