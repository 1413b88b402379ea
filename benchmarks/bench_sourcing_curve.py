"""The cost-vs-domestic-floor curve of the default scenario: 3 generations x 5 floors.

``python -m benchmarks.bench_sourcing_curve [local | ray] [--independent]``: every point to a
proven 1e-4 gap. Points of one generation are solved from the highest floor down, each started
from its neighbour's plan; ``--independent`` solves every point from scratch instead (the
comparison that shows what the warm start saves). ``ray`` runs one generation per Ray task.
"""

from __future__ import annotations

import math
import sys
import time

from rackwright.explore.executors import make_executor
from rackwright.plan import InputRequest, prepare
from rackwright.sourcing.curve import (
    CurvePoint,
    FloorCurve,
    at_floor,
    floor_curves,
    generation_tasks,
)
from rackwright.sourcing.engine import solve_sourcing
from rackwright.sourcing.stage import scenario_problem


def main(argv: list[str] | None = None) -> None:
    """Print each generation's cost per rack and gap per floor, then the total time."""
    args = sys.argv[1:] if argv is None else list(argv)
    name = "ray" if "ray" in args else "local"
    inputs = prepare(InputRequest())
    tasks = generation_tasks(inputs.scenario, lambda sub: scenario_problem(inputs, sub, floor=0.0))
    wall, cpu = time.perf_counter(), time.process_time()
    if "--independent" in args:
        curves = tuple(
            FloorCurve(
                t.label,
                t.units,
                tuple(
                    CurvePoint.of(f, solve_sourcing(at_floor(t.problem, f), explain=False))
                    for f in t.floors
                ),
            )
            for t in tasks
        )
    else:
        executor = make_executor(name, workers=2 if name == "ray" else 1)
        try:
            curves = floor_curves(tasks, executor)
        finally:
            executor.close()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    for curve in curves:
        cells = []
        for p in curve.points:
            per_rack = curve.cost_per_unit(p)
            cells.append(
                f"{p.floor:.0%}: "
                + (
                    f"{per_rack / 1e6:.4f} MUSD/rack (gap {p.gap:.1e})"
                    if math.isfinite(per_rack)
                    else p.status
                )
            )
        print(f"{curve.label}: " + "; ".join(cells))
    mode = "independent points" if "--independent" in args else f"warm-started, {name}"
    print(
        f"{len(tasks)} generations x {len(tasks[0].floors)} floors ({mode}): {wall:.1f} s wall, "
        f"{cpu:.1f} s CPU in this process"
    )


if __name__ == "__main__":
    main()
