"""Signed-in browser sessions: one row per session, standing for the API token it signed in with.

Sign-in takes a person's API token (checked exactly as the API checks it), so a session can do
exactly what that token can, and ends when the token is revoked or its user disabled. The cookie
holds a random secret; the store keeps only its SHA-256. A session ends on sign-out, after
``idle_seconds`` without a request, or ``absolute_seconds`` after sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rackwright.store import audit
from rackwright.store.accounts import TokenVerifier
from rackwright.store.actor import Actor
from rackwright.store.models import ApiToken, Org, User, WebSession
from rackwright.store.types import utc_now
from rackwright.web.config import WebSettings


@dataclass(frozen=True)
class Signed:
    """The person behind a request: the actor their token stands for, and their session."""

    actor: Actor
    session_id: str
    csrf: str


class SessionEnded(Exception):
    """No usable session: never signed in, signed out, expired, or the token was revoked."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def session_key(cookie: str) -> str:
    """The stored id of the session a cookie holds (SHA-256 of its secret)."""
    return hashlib.sha256(cookie.encode("utf-8")).hexdigest()


def sign_in(
    session: Session, verifier: TokenVerifier, token: str, client: str
) -> tuple[str, Actor]:
    """Check ``token`` as the API would and open a session; returns the cookie value and actor.

    AuthenticationError (one message for every cause) when the token is not valid.
    """
    actor = verifier.actor(session, token.strip(), client)
    cookie = secrets.token_urlsafe(32)
    token_id = token.strip().split("_", 2)[1]
    session.add(
        WebSession(
            id=session_key(cookie),
            token_id=token_id,
            csrf_token=secrets.token_urlsafe(32),
            client=client[:100],
        )
    )
    session.flush()
    audit.record(session, actor, "sign-in", "session", actor.user_id or "-", actor.org_id)
    return cookie, actor


def lookup(session: Session, cookie: str | None, client: str, settings: WebSettings) -> Signed:
    """The live session of ``cookie``, or SessionEnded saying why there is none."""
    if not cookie:
        raise SessionEnded("signed-out")
    row = session.execute(
        select(WebSession, ApiToken, User, Org)
        .join(ApiToken, WebSession.token_id == ApiToken.id)
        .join(User, ApiToken.user_id == User.id)
        .join(Org, User.org_id == Org.id)
        .where(WebSession.id == session_key(cookie))
    ).first()
    if row is None:
        raise SessionEnded("signed-out")
    web, token, user, org = row
    now = utc_now()
    if web.ended_at is not None:
        raise SessionEnded("signed-out")
    if token.revoked_at is not None or user.disabled_at is not None:
        raise SessionEnded("revoked")
    if now - web.last_seen_at > timedelta(seconds=settings.idle_seconds):
        raise SessionEnded("idle")
    if now - web.created_at > timedelta(seconds=settings.absolute_seconds):
        raise SessionEnded("expired")
    actor = Actor(user.id, user.name, org.id, org.name, org.kind, user.role, f"web {client}")
    return Signed(actor, web.id, web.csrf_token)


def needs_touch(session: Session, signed: Signed, settings: WebSettings) -> bool:
    """Whether the session's last-seen time is old enough to be written again."""
    seen = session.scalar(select(WebSession.last_seen_at).where(WebSession.id == signed.session_id))
    return seen is None or utc_now() - seen > timedelta(seconds=settings.touch_seconds)


def touch(session: Session, session_id: str) -> None:
    """The session was used now."""
    session.execute(
        update(WebSession)
        .where(WebSession.id == session_id, WebSession.ended_at.is_(None))
        .values(last_seen_at=utc_now())
    )


def sign_out(session: Session, signed: Signed) -> None:
    """End the session (its cookie opens nothing from now on)."""
    session.execute(
        update(WebSession)
        .where(WebSession.id == signed.session_id, WebSession.ended_at.is_(None))
        .values(ended_at=utc_now())
    )
    actor = signed.actor
    audit.record(session, actor, "sign-out", "session", actor.user_id or "-", actor.org_id)
