"""Request dependencies: the database, and the caller from ``Authorization: Bearer TOKEN``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rackwright.errors import AuthenticationError
from rackwright.store.accounts import TokenVerifier
from rackwright.store.actor import Actor
from rackwright.store.database import Database

bearer = HTTPBearer(auto_error=False, description="rackwright API token (rw_...)")


def _app_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_db(request: Request) -> Database:
    """The app's database.

    ``async`` because it does no I/O: FastAPI runs a plain ``def`` dependency in its thread pool,
    one more thread hop per request for a dictionary lookup.
    """
    return _app_db(request)


def get_actor(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """The authenticated caller; 401 without a token or with one that is not valid."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("an API token is required: Authorization: Bearer TOKEN")
    verifier: TokenVerifier = request.app.state.verifier
    db = _app_db(request)
    client = request.client.host if request.client else "unknown"
    with db.read() as session:
        candidate = verifier.lookup(session, credentials.credentials, client)
    # the secret is checked after the session ends: a first (argon2) check holds no connection
    return verifier.check(candidate)


DB = Annotated[Database, Depends(get_db)]
Caller = Annotated[Actor, Depends(get_actor)]
