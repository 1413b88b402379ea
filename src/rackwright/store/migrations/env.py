"""Alembic environment: runs migrations on the connection ``rackwright.store.migrate`` passes."""

from __future__ import annotations

from alembic import context

from rackwright.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
context.run_migrations()
