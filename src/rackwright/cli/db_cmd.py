"""``rackwright db``: apply the store's migrations and show where a database stands.

The store (SQLAlchemy, alembic) is imported inside the commands, so other commands start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from rackwright.cli.common import console

if TYPE_CHECKING:
    from rackwright.store.database import Database

app = typer.Typer(help="The database: migrations.", no_args_is_help=True)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="Database URL (sqlite:///PATH or postgresql://...) or a SQLite file path; "
        "default: $RACKWRIGHT_DATABASE_URL, else rackwright.db in the user data directory.",
    ),
]


def open_database(option: str | None) -> Database:
    """The database named by ``--database``, the environment or the default."""
    from rackwright.store.config import database_url
    from rackwright.store.database import Database

    return Database(database_url(option))


@app.command("upgrade")
def upgrade_cmd(database: DatabaseOption = None) -> None:
    """Bring the database to the newest schema (creates it when empty)."""
    from rackwright.store.config import redacted
    from rackwright.store.migrate import upgrade

    db = open_database(database)
    try:
        before, after = upgrade(db)
    finally:
        db.dispose()
    where = redacted(db.url)
    if before == after:
        console.print(f"{where}: already at migration {after}", markup=False)
    else:
        console.print(f"{where}: migrated {before or 'empty'} -> {after}", markup=False)


@app.command("status")
def status_cmd(database: DatabaseOption = None) -> None:
    """Show the database's migration and the one this version needs."""
    from rackwright.store.config import redacted
    from rackwright.store.migrate import current_revision, head_revision

    db = open_database(database)
    try:
        db.check_connection()
        current = current_revision(db)
    finally:
        db.dispose()
    console.print(
        f"{redacted(db.url)}: at {current or 'no schema'}, newest {head_revision()}", markup=False
    )
