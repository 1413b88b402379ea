"""Fixtures for the store and service tests: both database backends, two organizations, a client.

Store tests take ``db_url`` and run once on SQLite and once on PostgreSQL (a fresh database per
test). PostgreSQL comes from ``RACKWRIGHT_TEST_POSTGRES_URL`` (``.ci/run`` exports it) or a
throwaway cluster started here; if neither works the tests fail: they are never skipped.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import make_url

from postgres_server import ThrowawayPostgres
from rackwright.api.app import Settings, create_app
from rackwright.store import accounts
from rackwright.store.actor import Actor
from rackwright.store.config import normalise_url
from rackwright.store.database import Database
from rackwright.store.migrate import upgrade
from rackwright.store.models import Org, User

BACKENDS = ("sqlite", "postgresql")
ROLES = ("viewer", "planner", "admin")


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A PostgreSQL superuser URL for the whole test session."""
    given = os.environ.get("RACKWRIGHT_TEST_POSTGRES_URL")
    if given:
        yield normalise_url(given)
        return
    try:
        server = ThrowawayPostgres()
        url = server.start()
    except Exception as exc:  # a missing server must fail the run loudly, not skip
        pytest.fail(f"PostgreSQL is needed for the store tests and could not start: {exc}")
    try:
        yield url
    finally:
        server.stop()


def fresh_postgres_database(admin_url: str) -> tuple[str, str]:
    """Create an empty database; returns its URL and name."""
    name = f"rw_test_{secrets.token_hex(6)}"
    plain = make_url(admin_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(False), name


def drop_postgres_database(admin_url: str, name: str) -> None:
    """Drop a test database (and any connection still open to it)."""
    plain = make_url(admin_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend under test: each store test runs on both."""
    name: str = request.param
    return name


@pytest.fixture
def empty_db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database of the backend under test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    admin = request.getfixturevalue("postgres_admin_url")
    url, name = fresh_postgres_database(admin)
    try:
        yield url
    finally:
        drop_postgres_database(admin, name)


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """A database of the backend under test at the newest schema."""
    db = Database(empty_db_url)
    upgrade(db)
    db.dispose()
    return empty_db_url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database at the newest schema (for service tests that need one backend)."""
    url = f"sqlite:///{tmp_path / 'service.db'}"
    db = Database(url)
    upgrade(db)
    db.dispose()
    return url


@dataclass
class World:
    """Two organizations with a user of every role each, and their tokens."""

    url: str
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)  # (org kind, role) -> token

    def headers(self, kind: str, role: str) -> dict[str, str]:
        """Authorization headers for the user of ``kind`` with ``role``."""
        return {"Authorization": f"Bearer {self.tokens[(kind, role)]}"}


def make_world(url: str) -> World:
    """Create the lab ``acme-lab`` and the manufacturer ``forge-mfg`` with three users each."""
    world = World(url)
    db = Database(url)
    with db.write() as session:
        for kind, org_name in (("lab", "acme-lab"), ("manufacturer", "forge-mfg")):
            org = accounts.create_org(session, org_name, kind)
            for role in ROLES:
                _, token = accounts.create_user(session, org, f"{kind}-{role}", role)
                world.tokens[(kind, role)] = token
    db.dispose()
    return world


@pytest.fixture
def world(sqlite_url: str) -> World:
    """Both organizations on a SQLite service database."""
    return make_world(sqlite_url)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    """A client of the service on ``world``'s database, with background runs off."""
    app = create_app(Settings(database_url=world.url, run_plans=False))
    with TestClient(app) as test_client:
        yield test_client


def actor_of(db: Database, kind: str, role: str) -> Actor:
    """The Actor of ``make_world``'s user of ``kind`` and ``role``."""
    with db.read() as session:
        user = session.scalar(select(User).where(User.name == f"{kind}-{role}"))
        assert user is not None
        org = session.get(Org, user.org_id)
        assert org is not None
        return Actor(user.id, user.name, org.id, org.name, org.kind, user.role, "127.0.0.1")


@pytest.fixture
def store_world(db_url: str) -> Iterator[tuple[Database, dict[tuple[str, str], Actor]]]:
    """Both organizations on the backend under test, and every user's Actor."""
    make_world(db_url)
    db = Database(db_url)
    actors = {(k, r): actor_of(db, k, r) for k in ("lab", "manufacturer") for r in ROLES}
    try:
        yield db, actors
    finally:
        db.dispose()
