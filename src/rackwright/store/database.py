"""Opening the store: one ``Database`` with read and write sessions on SQLite or PostgreSQL.

SQLite runs in WAL mode with foreign keys on. Write transactions start with ``BEGIN IMMEDIATE``
(they take the write lock up front, so a transaction that read first never fails to upgrade its
lock) and are serialised inside the process by a lock, with a busy timeout for other processes:
concurrent writers wait their turn instead of seeing "database is locked".
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from rackwright.errors import StoreError
from rackwright.store.config import redacted

# Assumption: 30 s is longer than any single write transaction here (a run's results are the
# largest, a few MB); a writer from another process waits that long before failing.
SQLITE_BUSY_TIMEOUT_MS = 30_000
PENDING_AUDIT = "pending_audit"
SQLITE_SYNCHRONOUS = (
    "FULL" if os.environ.get("RACKWRIGHT_SQLITE_SYNCHRONOUS") == "FULL" else "NORMAL"
)


def _sqlite_engine(url: str, begin: str) -> Engine:
    """A SQLite engine whose transactions start with ``begin`` (BEGIN or BEGIN IMMEDIATE)."""
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30.0})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # NORMAL in WAL mode: a commit survives the process being killed (the crash test kills
        # the server with SIGKILL); only an OS crash or power cut can lose the last commits,
        # never corrupt the file (sqlite.org/pragma.html#pragma_synchronous). FULL would add an
        # fsync per commit. Set RACKWRIGHT_SQLITE_SYNCHRONOUS=FULL to trade speed for that too.
        cursor.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


class Database:
    """The store's connection: ``read()`` and ``write()`` give sessions in a transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.backend = make_url(url).get_backend_name()
        self._write_lock = threading.Lock()
        if self.backend == "sqlite":
            self.write_engine = _sqlite_engine(url, "BEGIN IMMEDIATE")
            self.read_engine = _sqlite_engine(url, "BEGIN")
        elif self.backend == "postgresql":
            self.write_engine = create_engine(url, pool_pre_ping=True, pool_size=10)
            self.read_engine = self.write_engine
        else:
            raise StoreError(f"unsupported database backend '{self.backend}'", value=self.url)
        self._writer = sessionmaker(self.write_engine, expire_on_commit=False)
        self._reader = sessionmaker(self.read_engine, expire_on_commit=False)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose changes are committed when the block ends without an error."""
        lock = self._write_lock if self.backend == "sqlite" else None
        if lock is not None:
            lock.acquire()
        try:
            with self._writer.begin() as session:
                session.info["writable"] = True
                yield session
        finally:
            if lock is not None:
                lock.release()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (rolled back at the end).

        Audit events recorded while reading (confidential reads) are written in one short write
        transaction when the block ends, before the caller can answer the request.
        """
        with self._reader() as session:
            with session.begin():
                yield session
            pending = session.info.pop(PENDING_AUDIT, [])
        if pending:
            with self.write() as writer:
                writer.add_all(pending)

    def check_connection(self) -> None:
        """Raise StoreError with the redacted URL if the database cannot be reached."""
        try:
            with self.read_engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "unreachable"
            raise StoreError(
                f"cannot open the database: {reason}", value=redacted(self.url)
            ) from None

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()
