"""The interview loop: applications, their rounds, debriefs and story angles.

Four new tables, empty in every bank before: an application (company, role,
team, status, packs, pitches, notes), its rounds in order (kind, when, how
long, interviewer, focus, questions to ask chosen and asked), each round's
debrief (question, story told, how it went), and a one-line angle per story
and application. See core/applications.py.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "application",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("company", sa.String, nullable=False),
        sa.Column("role", sa.String, nullable=False),
        sa.Column("team", sa.String, nullable=False),
        sa.Column("status", sa.String, nullable=False),
        sa.Column("packs", sa.String, nullable=False),
        sa.Column("template", sa.String, nullable=False),
        sa.Column("applied_on", sa.String, nullable=False),
        sa.Column("notes", sa.String, nullable=False),
        sa.Column("pitch_intro", sa.String, nullable=False),
        sa.Column("pitch_why", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "interview_round",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column(
            "application_id",
            sa.Integer,
            sa.ForeignKey("application.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("scheduled_at", sa.DateTime, nullable=True),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("interviewer_name", sa.String, nullable=False),
        sa.Column("interviewer_role", sa.String, nullable=False),
        sa.Column("focus", sa.String, nullable=False),
        sa.Column("themes", sa.String, nullable=False),
        sa.Column("questions", sa.String, nullable=False),
        sa.Column("asked", sa.String, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("notes", sa.String, nullable=False),
    )
    op.create_table(
        "debrief",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "round_id",
            sa.Integer,
            sa.ForeignKey("interview_round.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("prompt_uuid", sa.String(36), nullable=True),
        sa.Column("question", sa.String, nullable=False),
        sa.Column(
            "story_id",
            sa.Integer,
            sa.ForeignKey("story.id", ondelete="SET NULL"),
            nullable=True,
            index=True,
        ),
        sa.Column("outcome", sa.String, nullable=False),
        sa.Column("notes", sa.String, nullable=False),
    )
    op.create_table(
        "angle",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "application_id",
            sa.Integer,
            sa.ForeignKey("application.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "story_id",
            sa.Integer,
            sa.ForeignKey("story.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("text", sa.String, nullable=False),
        sa.UniqueConstraint("application_id", "story_id"),
    )


def downgrade() -> None:
    op.drop_table("angle")
    op.drop_table("debrief")
    op.drop_table("interview_round")
    op.drop_table("application")
