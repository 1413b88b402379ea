"""``rackwright workspace``: a whole workspace to plain files and back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rackwright.cli.common import console
from rackwright.cli.db_cmd import DatabaseOption, open_database

app = typer.Typer(help="Export and import a workspace as plain files.", no_args_is_help=True)
DirArg = Annotated[Path, typer.Argument(help="The workspace directory.")]


@app.command("export")
def export_cmd(directory: DirArg, database: DatabaseOption = None) -> None:
    """Write every scenario, catalog file, run and evaluation to DIR (new or empty)."""
    from rackwright.store.migrate import check_current
    from rackwright.store.workspace import export_workspace

    db = open_database(database)
    check_current(db)
    with db.read() as session:
        count = export_workspace(session, directory)
    console.print(f"exported {count} files to {directory}", markup=False)


@app.command("import")
def import_cmd(directory: DirArg, database: DatabaseOption = None) -> None:
    """Load a workspace exported by ``workspace export`` (all or nothing)."""
    from rackwright.store.migrate import check_current
    from rackwright.store.workspace import import_workspace

    db = open_database(database)
    check_current(db)
    with db.write() as session:
        count = import_workspace(session, directory)
    console.print(f"imported {count} records from {directory}", markup=False)
