"""Schema migrations (alembic, shipped in ``rackwright/store/migrations``).

``upgrade`` brings a database to the newest schema (``rackwright db upgrade``); ``check_current``
refuses to serve a database whose schema is older or newer than this version's.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from rackwright.errors import StoreError
from rackwright.store.database import Database

SCRIPT_LOCATION = "rackwright.store:migrations"


def alembic_config() -> Config:
    """An alembic config pointing at the packaged migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    """The newest migration's revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    """The migration the database is at (None when it has no schema yet)."""
    with db.write_engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database, target: str = "head") -> tuple[str | None, str]:
    """Apply every pending migration; returns (revision before, revision after)."""
    db.check_connection()
    before = current_revision(db)
    config = alembic_config()
    with db.write_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)
    return before, current_revision(db) or ""


def check_current(db: Database) -> None:
    """Raise StoreError unless the database is at this version's newest migration."""
    db.check_connection()
    current, head = current_revision(db), head_revision()
    if current != head:
        state = "has no rackwright schema" if current is None else f"is at migration {current}"
        raise StoreError(
            f"the database {state}, this version needs {head}: run 'rackwright db upgrade'"
        )
