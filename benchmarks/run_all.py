"""Run every ``benchmarks/bench_*.py`` module's ``main()`` in turn (``make bench``).

Each benchmark prints its own figures; copy them into BENCHMARKS.md with the machine and date.
"""

from __future__ import annotations

import importlib
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path


def main() -> int:
    """Run all benchmarks and return a process exit code."""
    here = Path(__file__).parent
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.processor() or platform.machine()}")
    failures = 0
    for path in sorted(here.glob("bench_*.py")):
        module = importlib.import_module(f"benchmarks.{path.stem}")
        print(f"\n## {path.stem}")
        try:
            module.main()
        except Exception as exc:  # report and go on: one broken benchmark must not hide others
            failures += 1
            print(f"FAILED: {exc}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
