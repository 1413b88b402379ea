"""Sourcing MILP at scale: a generated 2,000 parts x 40 sites x 12 quarters instance.

Build (numpy assembly of the CSC model) and solve (HiGHS, 2 threads, 1e-4 relative gap) are
timed separately. ``python -m benchmarks.bench_sourcing [PARTS SITES PERIODS [TIME_LIMIT_S]]``.
"""

from __future__ import annotations

import sys
import time

from rackwright.optim import SolveOptions
from rackwright.sourcing.engine import solve_with_warm_start
from rackwright.sourcing.generate import generate_problem
from rackwright.sourcing.milp import build_model


def main(argv: list[str] | None = None) -> None:
    """Print the instance size, build seconds, solve seconds, status and gap."""
    args = sys.argv[1:] if argv is None else argv
    parts, sites, periods = (int(a) for a in (args[:3] if len(args) >= 3 else (2000, 40, 12)))
    limit = float(args[3]) if len(args) >= 4 else 600.0
    start = time.perf_counter()
    problem = generate_problem(parts=parts, sites=sites, periods=periods, seed=2026)
    generate_s = time.perf_counter() - start
    start = time.perf_counter()
    built = build_model(problem)
    build_s = time.perf_counter() - start
    model = built.model
    print(
        f"instance {parts} parts x {sites} sites x {periods} quarters: {len(problem.offers)} "
        f"offers; model {model.num_col:,} columns ({int(model.integer.sum()):,} integer), "
        f"{model.num_row:,} rows, {model.num_nz:,} non-zeros"
    )
    print(f"generate {generate_s:.2f} s, build {build_s:.2f} s", flush=True)
    options = SolveOptions(mip_rel_gap=1e-4, threads=2, time_limit_s=limit)
    result = solve_with_warm_start(built, options)
    print(
        f"solve {result.seconds:.1f} s: {result.status.value}, objective "
        f"{result.objective:,.0f} USD, gap {result.mip_gap:.2e} (target 1e-4, limit {limit:g} s)"
    )


if __name__ == "__main__":
    main()
