"""The first schema: stories, value packs, values, tags and the full-text index.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_FTS_COLUMNS = "title, company, role, situation, task, action, result, reflection"
_NEW = ", ".join(f"new.{c.strip()}" for c in _FTS_COLUMNS.split(","))
_OLD = ", ".join(f"old.{c.strip()}" for c in _FTS_COLUMNS.split(","))


def upgrade() -> None:
    op.create_table(
        "story",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        *(
            sa.Column(name, sa.String, nullable=False, server_default="")
            for name in (
                "title",
                "company",
                "role",
                "period",
                "situation",
                "task",
                "action",
                "result",
                "reflection",
            )
        ),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("deleted_at", sa.DateTime, nullable=True),
    )
    op.create_index("ix_story_updated_at", "story", ["updated_at"])
    op.create_table(
        "framework",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String, nullable=False, unique=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("date", sa.String, nullable=False, server_default=""),
        sa.Column("source", sa.String, nullable=False, server_default=""),
        sa.Column("description", sa.String, nullable=False, server_default=""),
        sa.Column("builtin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "value",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "framework_id",
            sa.Integer,
            sa.ForeignKey("framework.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("description", sa.String, nullable=False, server_default=""),
        sa.Column("keywords", sa.String, nullable=False, server_default=""),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("builtin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("renamed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("framework_id", "key"),
    )
    op.create_table(
        "story_value",
        sa.Column(
            "story_id",
            sa.Integer,
            sa.ForeignKey("story.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "value_id",
            sa.Integer,
            sa.ForeignKey("value.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("strength", sa.String, nullable=False),
        sa.CheckConstraint("strength IN ('primary', 'supporting')"),
    )
    op.create_index("ix_story_value_value_id", "story_value", ["value_id"])
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(collation="NOCASE"), nullable=False, unique=True),
    )
    op.create_table(
        "story_tag",
        sa.Column(
            "story_id",
            sa.Integer,
            sa.ForeignKey("story.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "tag_id",
            sa.Integer,
            sa.ForeignKey("tag.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_story_tag_tag_id", "story_tag", ["tag_id"])

    # Full-text index over the story text, an external-content FTS5 table kept
    # in step by triggers. Prefix indexes make search-as-you-type cheap.
    op.execute(
        f"CREATE VIRTUAL TABLE story_fts USING fts5({_FTS_COLUMNS}, "
        "content='story', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
    )
    op.execute(
        f"CREATE TRIGGER story_fts_insert AFTER INSERT ON story BEGIN "
        f"INSERT INTO story_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW}); END"
    )
    op.execute(
        f"CREATE TRIGGER story_fts_delete AFTER DELETE ON story BEGIN "
        f"INSERT INTO story_fts(story_fts, rowid, {_FTS_COLUMNS}) "
        f"VALUES ('delete', old.id, {_OLD}); END"
    )
    op.execute(
        f"CREATE TRIGGER story_fts_update AFTER UPDATE OF {_FTS_COLUMNS} ON story BEGIN "
        f"INSERT INTO story_fts(story_fts, rowid, {_FTS_COLUMNS}) "
        f"VALUES ('delete', old.id, {_OLD}); "
        f"INSERT INTO story_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {_NEW}); END"
    )


def downgrade() -> None:
    for trigger in ("story_fts_update", "story_fts_delete", "story_fts_insert"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS story_fts")
    for table in ("story_tag", "tag", "story_value", "value", "framework", "story"):
        op.drop_table(table)
