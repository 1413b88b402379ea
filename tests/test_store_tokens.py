"""Token verification under concurrency: a burst of first requests with one token runs argon2
once, bursts of new tokens run it a bounded number at a time, and nothing about the cache lets a
wrong, revoked or disabled token through."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from platform_support import World
from rackwright.errors import AuthenticationError
from rackwright.store import accounts
from rackwright.store.actor import Actor
from rackwright.store.database import Database
from rackwright.store.models import User

BURST = 16


class Argon2Probe:
    """Wraps the argon2 check: counts calls and the most that ran at the same time."""

    def __init__(self, original: object) -> None:
        self.original = original
        self.calls = 0
        self.running = 0
        self.most_at_once = 0
        self.lock = threading.Lock()

    def __call__(self, secret_hash: str, secret: str) -> bool:
        with self.lock:
            self.calls += 1
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            time.sleep(0.05)  # long enough that the burst overlaps it
            matches = self.original(secret_hash, secret)  # type: ignore[operator]
            return bool(matches)
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> Argon2Probe:
    wrapped = Argon2Probe(accounts._argon2_matches)
    monkeypatch.setattr(accounts, "_argon2_matches", wrapped)
    return wrapped


@pytest.fixture
def db(world: World) -> Iterator[Database]:
    database = Database(world.url)
    yield database
    database.dispose()


def _verify(db: Database, verifier: accounts.TokenVerifier, token: str) -> Actor:
    with db.read() as session:
        candidate = verifier.lookup(session, token, "127.0.0.1")
    return verifier.check(candidate)


def _burst(db: Database, verifier: accounts.TokenVerifier, tokens: list[str]) -> list[Actor]:
    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return list(pool.map(lambda token: _verify(db, verifier, token), tokens))


def test_a_burst_of_first_requests_with_one_token_runs_argon2_once(
    db: Database, world: World, probe: Argon2Probe
) -> None:
    token = world.tokens[("lab", "planner")]
    actors = _burst(db, accounts.TokenVerifier(), [token] * BURST)
    assert probe.calls == 1
    assert {(a.user_name, a.org_name, a.role) for a in actors} == {
        ("lab-planner", "acme-lab", "planner")
    }


def test_new_tokens_verify_a_bounded_number_at_a_time(
    db: Database, world: World, probe: Argon2Probe
) -> None:
    tokens = list(world.tokens.values())  # six users, none verified yet
    actors = _burst(db, accounts.TokenVerifier(), tokens)
    assert probe.calls == len(tokens)
    assert probe.most_at_once == accounts.MAX_CONCURRENT_VERIFICATIONS
    assert sorted(a.user_name for a in actors) == sorted(
        f"{kind}-{role}" for kind, role in world.tokens
    )


def test_a_wrong_secret_is_refused_every_time_even_beside_a_verified_token(
    db: Database, world: World, probe: Argon2Probe
) -> None:
    verifier = accounts.TokenVerifier()
    token = world.tokens[("manufacturer", "admin")]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with ThreadPoolExecutor(max_workers=BURST) as pool:
        outcomes = list(pool.map(lambda t: _outcome(db, verifier, t), [forged] * BURST))
    assert outcomes == ["refused"] * BURST
    assert probe.calls == BURST  # a failure is never remembered as a success
    assert _outcome(db, verifier, token) == "manufacturer-admin"
    assert _outcome(db, verifier, forged) == "refused"


def test_a_verified_token_stops_at_once_when_revoked_or_its_user_disabled(
    db: Database, world: World
) -> None:
    verifier = accounts.TokenVerifier()
    revoked, disabled = world.tokens[("lab", "viewer")], world.tokens[("lab", "admin")]
    assert _outcome(db, verifier, revoked) == "lab-viewer"
    assert _outcome(db, verifier, disabled) == "lab-admin"
    with db.write() as session:
        viewer = session.scalar(select(User).where(User.name == "lab-viewer"))
        admin = session.scalar(select(User).where(User.name == "lab-admin"))
        assert viewer is not None and admin is not None
        accounts.revoke_tokens(session, viewer)
        admin.disabled_at = viewer.created_at
    assert _outcome(db, verifier, revoked) == "refused"
    assert _outcome(db, verifier, disabled) == "refused"


def _outcome(db: Database, verifier: accounts.TokenVerifier, token: str) -> str:
    try:
        return _verify(db, verifier, token).user_name
    except AuthenticationError:
        return "refused"
