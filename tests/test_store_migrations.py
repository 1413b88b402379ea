"""The store's schema: migrations build it from empty, and match the models, on both backends."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from rackwright.errors import StoreError
from rackwright.store.database import Database
from rackwright.store.migrate import check_current, current_revision, head_revision, upgrade
from rackwright.store.models import Base


def test_upgrade_from_empty_builds_every_table_and_models_match(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    assert current_revision(db) is None
    with pytest.raises(StoreError, match="rackwright db upgrade"):
        check_current(db)
    before, after = upgrade(db)
    assert (before, after) == (None, head_revision())
    check_current(db)
    tables = set(inspect(db.write_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    with db.write_engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    assert differences == []
    assert upgrade(db) == (head_revision(), head_revision())  # a second upgrade is a no-op
    db.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(db_url: str, backend: str) -> None:
    db = Database(db_url)
    with db.write() as session:
        if backend == "sqlite":
            assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        with pytest.raises(DatabaseError):  # a user of an organization that does not exist
            session.execute(
                text(
                    "INSERT INTO users (id, org_id, name, role, created_at) "
                    "VALUES ('u1', 'no-such-org', 'x', 'viewer', CURRENT_TIMESTAMP)"
                )
            )
    db.dispose()
