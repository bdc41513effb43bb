"""Alembic environment: runs on the connection handed over by core.database."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from storybank.core import models  # noqa: F401  (registers the tables)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
