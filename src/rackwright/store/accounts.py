"""Organizations, users and API tokens.

A token is ``rw_<id>_<secret>``: the id finds the row, the secret is checked against its argon2
hash. Verifying argon2 takes tens to hundreds of milliseconds and 64 MiB by design, so a verified
token is remembered in memory (keyed by a SHA-256 of the token, never the token itself) for a few
minutes; the token row and user are still read on every request, so a revoked token or disabled
user stops at once. Concurrent first requests with one token wait for a single verification
instead of each running argon2, and at most ``MAX_CONCURRENT_VERIFICATIONS`` run at once, so a
burst of new tokens cannot take every core and GiBs of memory from the requests already signed in.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from rackwright.errors import AuthenticationError, ConflictError, InputError, NotFoundError
from rackwright.store.actor import Actor
from rackwright.store.models import ORG_KINDS, ROLES, ApiToken, Org, User
from rackwright.store.names import check_name
from rackwright.store.types import utc_now

TOKEN_PREFIX = "rw"
_HASHER = PasswordHasher()  # argon2id with argon2-cffi's RFC 9106 low-memory profile
# Assumption: 5 minutes bounds how long a verified token skips argon2 in one process.
CACHE_SECONDS = 300.0
CACHE_SIZE = 4096
# Assumption: two argon2 verifications at a time keep one core of a small (2-core) server for the
# requests whose tokens are already verified; more only queue for the same cores.
MAX_CONCURRENT_VERIFICATIONS = 2


def create_org(session: Session, name: str, kind: str) -> Org:
    """A new organization; ConflictError if the name is taken."""
    check_name(name)
    if kind not in ORG_KINDS:
        raise InputError(f"kind must be one of {', '.join(ORG_KINDS)}", field="kind", value=kind)
    if session.scalar(select(Org).where(Org.name == name)) is not None:
        raise ConflictError("an organization with this name exists", field="name", value=name)
    org = Org(name=name, kind=kind)
    session.add(org)
    session.flush()
    return org


def org_by_name(session: Session, name: str) -> Org:
    """The organization called ``name``, or NotFoundError."""
    org = session.scalar(select(Org).where(Org.name == name))
    if org is None:
        raise NotFoundError("no organization with this name", field="org", value=name)
    return org


def create_user(session: Session, org: Org, name: str, role: str) -> tuple[User, str]:
    """A new user of ``org`` and its first API token (returned in clear, once)."""
    check_name(name)
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}", field="role", value=role)
    taken = select(User).where(User.org_id == org.id, User.name == name)
    if session.scalar(taken) is not None:
        raise ConflictError("a user with this name exists in the organization", field="name")
    user = User(org_id=org.id, name=name, role=role)
    session.add(user)
    session.flush()
    return user, issue_token(session, user)


def issue_token(session: Session, user: User) -> str:
    """A new API token for ``user``; only its argon2 hash is stored."""
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    session.add(ApiToken(id=token_id, user_id=user.id, secret_hash=_HASHER.hash(secret)))
    session.flush()
    return f"{TOKEN_PREFIX}_{token_id}_{secret}"


def revoke_tokens(session: Session, user: User) -> int:
    """Revoke every live token of ``user``; returns how many."""
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = utc_now()
    return len(tokens)


def _split(token: str) -> tuple[str, str]:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 16 or not parts[2]:
        raise AuthenticationError("the API token is malformed")
    return parts[1], parts[2]


@dataclass(frozen=True)
class TokenCandidate:
    """A token whose row and user are live, before its secret is checked."""

    token: str
    secret: str
    secret_hash: str
    actor: Actor


class TokenVerifier:
    """Checks bearer tokens against the store, with the in-memory cache described above."""

    def __init__(self) -> None:
        self._cache: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._in_flight: dict[str, threading.Lock] = {}
        self._argon2_slots = threading.BoundedSemaphore(MAX_CONCURRENT_VERIFICATIONS)

    def actor(self, session: Session, token: str, client: str) -> Actor:
        """The Actor a token stands for, or AuthenticationError (one message for every cause)."""
        return self.check(self.lookup(session, token, client))

    def lookup(self, session: Session, token: str, client: str) -> TokenCandidate:
        """Read the token's row, user and organization; AuthenticationError if any is not live.

        The secret is not checked yet (``check``), so the caller can end its database session
        before the slow part.
        """
        token_id, secret = _split(token)
        row = session.execute(
            select(ApiToken, User, Org)
            .join(User, ApiToken.user_id == User.id)
            .join(Org, User.org_id == Org.id)
            .where(ApiToken.id == token_id)
        ).first()
        if row is None:
            raise AuthenticationError("the API token is not valid")
        api_token, user, org = row
        if api_token.revoked_at is not None or user.disabled_at is not None:
            raise AuthenticationError("the API token is not valid")
        actor = Actor(user.id, user.name, org.id, org.name, org.kind, user.role, client)
        return TokenCandidate(token, secret, api_token.secret_hash, actor)

    def check(self, candidate: TokenCandidate) -> Actor:
        """The candidate's actor if its secret matches the stored hash, else AuthenticationError."""
        if not self._verified(candidate.token, candidate.secret_hash, candidate.secret):
            raise AuthenticationError("the API token is not valid")
        return candidate.actor

    def _verified(self, token: str, secret_hash: str, secret: str) -> bool:
        key = hashlib.sha256(token.encode()).hexdigest()
        if self._cached(key, secret_hash):
            return True
        with self._lock:
            flight = self._in_flight.setdefault(key, threading.Lock())
        with flight:  # one verification per token at a time; the others then find it cached
            if self._cached(key, secret_hash):
                return True
            with self._argon2_slots:
                ok = _argon2_matches(secret_hash, secret)
            with self._lock:
                if ok:
                    self._remember(key, secret_hash)
                self._in_flight.pop(key, None)
        return ok

    def _cached(self, key: str, secret_hash: str) -> bool:
        with self._lock:
            cached = self._cache.get(key)
            return cached is not None and cached[0] == secret_hash and cached[1] > time.monotonic()

    def _remember(self, key: str, secret_hash: str) -> None:
        """Cache a verified token (the caller holds ``_lock``)."""
        self._cache[key] = (secret_hash, time.monotonic() + CACHE_SECONDS)
        self._cache.move_to_end(key)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)


def _argon2_matches(secret_hash: str, secret: str) -> bool:
    try:
        return bool(_HASHER.verify(secret_hash, secret))
    except (VerificationError, InvalidHashError):
        return False


def cli_actor(org: Org) -> Actor:
    """The actor for local administration from the command line (audited as ``cli``)."""
    return Actor(None, "cli", org.id, org.name, org.kind, "admin", "local")
