"""``rackwright admin``: organizations and users, on the same database as ``serve``.

The store is imported inside the commands, so other commands start fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from rackwright.cli.common import JsonFlag, console, print_json
from rackwright.cli.db_cmd import DatabaseOption, open_database

app = typer.Typer(help="Organizations, users and API tokens.", no_args_is_help=True)
org_app = typer.Typer(help="Organizations (lab or manufacturer).", no_args_is_help=True)
user_app = typer.Typer(help="Users and their API tokens.", no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")


@org_app.command("create")
def org_create(
    name: Annotated[str, typer.Argument(help="The organization's name.")],
    kind: Annotated[str, typer.Option("--kind", help="lab or manufacturer.")],
    database: DatabaseOption = None,
) -> None:
    """Create an organization."""
    from rackwright.store import accounts, audit
    from rackwright.store.migrate import check_current

    db = open_database(database)
    check_current(db)
    with db.write() as session:
        org = accounts.create_org(session, name, kind)
        audit.record(session, accounts.cli_actor(org), "create", "org", org.id, org.id, kind)
    console.print(f"created {kind} organization {name}", markup=False)


@org_app.command("list")
def org_list(database: DatabaseOption = None, json_out: JsonFlag = False) -> None:
    """List organizations."""
    from sqlalchemy import select

    from rackwright.store.migrate import check_current
    from rackwright.store.models import Org

    db = open_database(database)
    check_current(db)
    with db.read() as session:
        rows = [
            {"name": o.name, "kind": o.kind, "id": o.id}
            for o in session.scalars(select(Org).order_by(Org.name))
        ]
    if json_out:
        print_json(rows)
        return
    for row in rows:
        console.print(f"{row['name']}  {row['kind']}", markup=False)


@user_app.command("create")
def user_create(
    org: Annotated[str, typer.Option("--org", help="The user's organization.")],
    role: Annotated[str, typer.Option("--role", help="viewer, planner or admin.")],
    name: Annotated[str, typer.Option("--name", help="The user's name.")],
    database: DatabaseOption = None,
) -> None:
    """Create a user and print its API token (shown this once; only a hash is stored)."""
    from rackwright.store import accounts, audit
    from rackwright.store.migrate import check_current

    db = open_database(database)
    check_current(db)
    with db.write() as session:
        owner = accounts.org_by_name(session, org)
        user, token = accounts.create_user(session, owner, name, role)
        audit.record(
            session,
            accounts.cli_actor(owner),
            "create",
            "user",
            user.id,
            owner.id,
            f"{name} {role}",
        )
    print(token)


@user_app.command("list")
def user_list(
    org: Annotated[str, typer.Option("--org", help="The organization.")],
    database: DatabaseOption = None,
    json_out: JsonFlag = False,
) -> None:
    """List an organization's users."""
    from sqlalchemy import select

    from rackwright.store import accounts
    from rackwright.store.migrate import check_current
    from rackwright.store.models import User

    db = open_database(database)
    check_current(db)
    with db.read() as session:
        owner = accounts.org_by_name(session, org)
        rows = [
            {"name": u.name, "role": u.role, "disabled": u.disabled_at is not None}
            for u in session.scalars(
                select(User).where(User.org_id == owner.id).order_by(User.name)
            )
        ]
    if json_out:
        print_json(rows)
        return
    for row in rows:
        state = " (disabled)" if row["disabled"] else ""
        console.print(f"{row['name']}  {row['role']}{state}", markup=False)
