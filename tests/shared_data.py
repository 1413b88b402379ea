"""Where the read-only reference data (``shared/data``) lives for the tests.

CI clones the repository with ``shared/`` beside it (so a checkout finds ``../shared/data``);
``RACKWRIGHT_SHARED_DATA`` names another folder and then is the only place looked at. When the
folder is missing, ``conftest.pytest_configure`` stops the run with one clear line (never a
silent skip, never a collection traceback).
"""

from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent


def candidates() -> list[Path]:
    """The folders looked at, in order."""
    override = os.environ.get("RACKWRIGHT_SHARED_DATA")
    if override:
        return [Path(override)]
    return [_REPO.parent / "shared" / "data"]


def find() -> Path | None:
    """The shared data folder, or None when no candidate exists."""
    return next((c for c in candidates() if c.is_dir()), None)


def missing_message() -> str:
    """What to tell a developer whose checkout has no shared data."""
    tried = ", ".join(str(c) for c in candidates())
    return (
        f"shared reference data not found (tried {tried}); clone shared/ beside the repository "
        "or set RACKWRIGHT_SHARED_DATA to its data folder"
    )


SHARED_DATA: Path = find() or candidates()[0]
