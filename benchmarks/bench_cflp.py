"""OR-Library capacitated warehouse location: solve time and match to published optima.

Runs cap41-cap74 (capacitated and, where published, uncapacitated) and capa at every capacity
in optima.csv. ``python -m benchmarks.bench_cflp [--skip-capa]``.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

from rackwright.sourcing.orlib import read_cflp, solve_cflp

# shared/data beside the clone, ../shared, or RACKWRIGHT_SHARED_DATA (as the tests look)
_SHARED = os.environ.get("RACKWRIGHT_SHARED_DATA")
_CANDIDATES = [Path(_SHARED)] if _SHARED else []
_CANDIDATES += [Path(__file__).resolve().parents[2] / "shared" / "data", Path("/work/shared/data")]
ORLIB = next(
    (c / "orlib" for c in _CANDIDATES if (c / "orlib").is_dir()), _CANDIDATES[-1] / "orlib"
)


def main(argv: list[str] | None = None) -> None:
    """Print instance, case, objective, published optimum, difference and seconds."""
    args = sys.argv[1:] if argv is None else argv
    skip_capa = "--skip-capa" in args
    rows = list(csv.DictReader((ORLIB / "optima.csv").open(encoding="utf-8")))
    print(f"{'instance':<10} {'case':<14} {'objective':>18} {'published':>18} {'diff':>9} {'s':>8}")
    total = time.perf_counter()
    seen_uncap: set[str] = set()
    for row in rows:
        name = row["instance"]
        if skip_capa and name == "capa":
            continue
        override = float(row["capacity_override"]) if row["capacity_override"] else None
        instance = read_cflp(ORLIB / f"{name}.txt", capacity_override=override)
        cases = [("capacitated", True, float(row["capacitated_optimum"]))]
        if row["uncapacitated_optimum"] and name not in seen_uncap:
            seen_uncap.add(name)
            cases.append(("uncapacitated", False, float(row["uncapacitated_optimum"])))
        for label, capacitated, published in cases:
            result = solve_cflp(instance, capacitated=capacitated)
            case = f"{label}{'@' + row['capacity_override'] if capacitated and override else ''}"
            print(
                f"{name:<10} {case:<14} {result.objective:>18,.3f} {published:>18,.3f} "
                f"{result.objective - published:>9.2e} {result.seconds:>8.2f}",
                flush=True,
            )
    print(f"total {time.perf_counter() - total:.1f} s")


if __name__ == "__main__":
    main()
