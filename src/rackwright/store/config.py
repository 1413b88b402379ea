"""Which database to open: ``--database URL``, else ``RACKWRIGHT_DATABASE_URL``, else a SQLite
file in the user's data directory.

A bare path (no ``scheme://``) is taken as a SQLite file; ``postgresql://`` and ``postgres://``
URLs use the psycopg 3 driver.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from rackwright.errors import InputError

ENV_VAR = "RACKWRIGHT_DATABASE_URL"
DEFAULT_FILE = "rackwright.db"
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def default_database_path() -> Path:
    """``<user data dir>/rackwright/rackwright.db`` (``~/.local/share/rackwright`` on Linux)."""
    return Path(user_data_dir("rackwright", appauthor=False)) / DEFAULT_FILE


def database_url(option: str | None = None) -> str:
    """The SQLAlchemy URL to open, from the option, the environment or the default file."""
    raw = option or os.environ.get(ENV_VAR) or ""
    if not raw.strip():
        return f"sqlite:///{default_database_path()}"
    return normalise_url(raw.strip())


def normalise_url(raw: str) -> str:
    """A usable SQLAlchemy URL: bare paths become SQLite files, PostgreSQL gets psycopg 3."""
    for scheme in _POSTGRES_SCHEMES:
        if raw.startswith(scheme):
            return "postgresql+psycopg://" + raw[len(scheme) :]
    if raw.startswith(("sqlite://", "postgresql+")):
        return raw
    if "://" in raw:
        scheme = raw.split("://", 1)[0]
        raise InputError(
            "unsupported database URL: use sqlite:///PATH, postgresql://... or a file path",
            field="--database",
            value=f"{scheme}://...",
        )
    return f"sqlite:///{Path(raw).expanduser().resolve()}"


def redacted(url: str) -> str:
    """The URL without its password, for messages and the health route."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
