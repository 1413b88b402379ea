"""Where the read-only reference data (``shared/data``) lives for the tests.

CI clones the repository with ``shared/`` beside it; a developer's checkout has it at
``../shared``. ``RACKWRIGHT_SHARED_DATA`` overrides both. A missing folder fails the tests that
need it (never a silent skip).
"""

from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent


def _find() -> Path:
    override = os.environ.get("RACKWRIGHT_SHARED_DATA")
    candidates = [Path(override)] if override else []
    candidates += [_REPO.parent / "shared" / "data", Path("/work/shared/data")]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"shared reference data not found; tried {tried}")


SHARED_DATA: Path = _find()
