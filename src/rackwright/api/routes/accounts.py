"""Health (no token), the caller, organizations, and user management (admins of their own org).

GET  /api/health                          no token needed
GET  /api/v1/me                           who the token belongs to
GET  /api/v1/orgs                         the organizations on this instance
GET  /api/v1/users                        users of the caller's organization (admin)
POST /api/v1/users                        create one; its token is in the answer, once (admin)
POST /api/v1/users/{user_id}/tokens       a new token for a user (admin)
POST /api/v1/users/{user_id}/disable      disable a user and revoke its tokens (admin)
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy import select
from sqlalchemy.orm import Session

from rackwright import __version__
from rackwright.api import convert, schemas
from rackwright.api.deps import DB, Caller
from rackwright.api.errors import ERROR_RESPONSES
from rackwright.store import accounts, audit
from rackwright.store.actor import Actor
from rackwright.store.models import Org, User
from rackwright.store.types import utc_now
from rackwright.store.wall import not_found

health_router = APIRouter(
    tags=["health"], responses={code: ERROR_RESPONSES[code] for code in (500, 503)}
)
router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=ERROR_RESPONSES)
UserId = Annotated[str, Path(min_length=1, max_length=64)]


@health_router.get(
    "/api/health", response_model=schemas.Health, summary="Is the service up", operation_id="health"
)
def health(db: DB) -> schemas.Health:
    db.check_connection()
    return schemas.Health(status="ok", version=__version__, database=db.backend)


@router.get("/me", response_model=schemas.Me, summary="The caller", operation_id="me")
def me(actor: Caller) -> schemas.Me:
    return schemas.Me(
        user_id=actor.user_id,
        user=actor.user_name,
        org=actor.org_name,
        org_kind=actor.org_kind,
        role=actor.role,
    )


@router.get(
    "/orgs", response_model=list[schemas.OrgOut], summary="Organizations", operation_id="list_orgs"
)
def orgs(db: DB, actor: Caller) -> list[schemas.OrgOut]:
    with db.read() as session:
        rows = session.scalars(select(Org).order_by(Org.name)).all()
        return [schemas.OrgOut(id=o.id, name=o.name, kind=o.kind) for o in rows]


def _own_user(session: Session, actor: Actor, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None or user.org_id != actor.org_id:
        raise not_found("user")
    return user


@router.get(
    "/users",
    response_model=list[schemas.UserOut],
    summary="Users of your organization",
    operation_id="list_users",
)
def users(db: DB, actor: Caller) -> list[schemas.UserOut]:
    actor.require("admin", "listing users")
    with db.read() as session:
        names = convert.Names(session)
        rows = session.scalars(
            select(User).where(User.org_id == actor.org_id).order_by(User.name)
        ).all()
        return [convert.user(names, u) for u in rows]


@router.post(
    "/users",
    response_model=schemas.UserToken,
    status_code=201,
    summary="Create a user in your organization",
    operation_id="create_user",
)
def create_user(body: schemas.UserCreate, db: DB, actor: Caller) -> schemas.UserToken:
    actor.require("admin", "creating users")
    with db.write() as session:
        org = session.get(Org, actor.org_id)
        assert org is not None
        user, token = accounts.create_user(session, org, body.name, body.role)
        audit.record(session, actor, "create", "user", user.id, org.id, f"{user.name} {user.role}")
        return schemas.UserToken(user=convert.user(convert.Names(session), user), token=token)


@router.post(
    "/users/{user_id}/tokens",
    response_model=schemas.UserToken,
    status_code=201,
    summary="Issue a new API token for a user",
    operation_id="issue_token",
)
def issue_token(user_id: UserId, db: DB, actor: Caller) -> schemas.UserToken:
    actor.require("admin", "issuing tokens")
    with db.write() as session:
        user = _own_user(session, actor, user_id)
        token = accounts.issue_token(session, user)
        audit.record(session, actor, "issue-token", "user", user.id, actor.org_id, user.name)
        return schemas.UserToken(user=convert.user(convert.Names(session), user), token=token)


@router.post(
    "/users/{user_id}/disable",
    response_model=schemas.UserOut,
    summary="Disable a user and revoke its tokens",
    operation_id="disable_user",
)
def disable_user(user_id: UserId, db: DB, actor: Caller) -> schemas.UserOut:
    actor.require("admin", "disabling users")
    with db.write() as session:
        user = _own_user(session, actor, user_id)
        if user.disabled_at is None:
            user.disabled_at = utc_now()
        revoked = accounts.revoke_tokens(session, user)
        audit.record(
            session,
            actor,
            "disable",
            "user",
            user.id,
            actor.org_id,
            f"{user.name}, {revoked} tokens revoked",
        )
        return convert.user(convert.Names(session), user)
