"""A throwaway PostgreSQL cluster for the store's tests (initdb + pg_ctl in a temporary directory).

``.ci/run`` starts one itself and exports ``RACKWRIGHT_TEST_POSTGRES_URL``; without that variable
the tests start their own here. PostgreSQL refuses to run as root, so as root the cluster runs as
the ``postgres`` user (or ``nobody``). A missing server is an error, never a skip.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bin_dir() -> Path | None:
    """The directory holding initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/N/bin."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _run_as() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root and neither the 'postgres' nor the 'nobody' user exists")


class ThrowawayPostgres:
    """A PostgreSQL server on 127.0.0.1 whose data lives in a temporary directory."""

    def __init__(self) -> None:
        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise RuntimeError(
                "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's "
                "'postgresql' package or set RACKWRIGHT_TEST_POSTGRES_URL"
            )
        self.bin_dir = bin_dir
        self.user = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="rackwright-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _cmd(self, *args: str) -> list[str]:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        return [*prefix, *args]

    def start(self) -> str:
        """Create and start the cluster; returns its superuser URL."""
        initdb = str(self.bin_dir / "initdb")
        pg_ctl = str(self.bin_dir / "pg_ctl")
        subprocess.run(
            self._cmd(initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8"),
            check=True,
            capture_output=True,
        )
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=on"
        subprocess.run(
            self._cmd(
                pg_ctl,
                "-D",
                str(self.data),
                "-o",
                options,
                "-w",
                "-l",
                str(self.root / "log"),
                "start",
            ),
            check=True,
            capture_output=True,
        )
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        """Stop the server and remove its files."""
        pg_ctl = str(self.bin_dir / "pg_ctl")
        subprocess.run(
            self._cmd(pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop"),
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)
