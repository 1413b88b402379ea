"""A checkout without the shared reference data fails with one clear line, before collection."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_missing_shared_data_stops_the_run_with_a_clear_message(tmp_path: Path) -> None:
    env = {**os.environ, "RACKWRIGHT_SHARED_DATA": str(tmp_path / "nowhere")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests/test_units.py"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    text = done.stdout + done.stderr
    assert "shared reference data not found" in text
    assert str(tmp_path / "nowhere") in text
    assert "Traceback" not in text
