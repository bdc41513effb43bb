"""The questions to ask the interviewer made one's own; packs' themes and sources.

One new table, empty in every bank before: a row whose uuid is a built-in
question's holds the user's edit of it (or hides it); any other row is a
question of the user's own. The built-in questions stay in
``resources/loops/questions-to-ask.toml`` (see core/loops.py).

Each value gains the prompt themes that probe it (a JSON list, empty before),
so that a pack whose values no prompt names still has gap decks and story
suggestions; each pack gains where its names come from (the page, when it
was published, whether the names were checked, a note), and ``removed``: a
pack of one's own deleted in Preferences is kept out of sight with its
values, so that importing it again finds the stories' tagging intact. The
built-in packs fill the new fields in on the next start (their versions moved
on).

Two more tables, empty before: a story's shorter and longer tellings
(``story_version``: the telling for a target length in seconds, 30, 120 or
180), and the confidential details a redacted rendering hides
(``sensitive_term``: a term or a built-in pattern's key, and the alias shown
in its place).

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
    op.create_table(
        "story_version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "story_id",
            sa.Integer,
            sa.ForeignKey("story.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("seconds", sa.Integer, nullable=False),
        sa.Column("text", sa.String, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("story_id", "seconds"),
    )
    op.create_table(
        "sensitive_term",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("term", sa.String, nullable=False),
        sa.Column("alias", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    with op.batch_alter_table("value") as batch:
        batch.add_column(sa.Column("themes", sa.String, nullable=False, server_default="[]"))
    with op.batch_alter_table("framework") as batch:
        for name in ("url", "published", "note"):
            batch.add_column(sa.Column(name, sa.String, nullable=False, server_default=""))
        for flag in ("checked", "removed"):
            batch.add_column(sa.Column(flag, sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("framework") as batch:
        for name in ("removed", "checked", "note", "published", "url"):
            batch.drop_column(name)
    with op.batch_alter_table("value") as batch:
        batch.drop_column("themes")
    op.drop_table("sensitive_term")
    op.drop_table("story_version")
    op.drop_table("ask_question")
