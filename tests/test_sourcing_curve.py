"""The cost-vs-domestic-floor curve: monotone, proven at every point, the same on every executor."""

from __future__ import annotations

import itertools
import math

from rackwright.explore.executors import LocalExecutor
from rackwright.explore.ray_executor import RayExecutor
from rackwright.sourcing.curve import CurveTask, at_floor, floor_curve, floor_curves
from rackwright.sourcing.engine import solve_sourcing
from rackwright.sourcing.generate import generate_problem

FLOORS = (0.0, 0.2, 0.4, 0.6)


def tasks() -> list[CurveTask]:
    return [
        CurveTask(f"seed {seed}", generate_problem(parts=6, sites=6, periods=4, seed=seed), FLOORS)
        for seed in (1, 2, 3)
    ]


def test_cost_never_falls_as_the_floor_rises_and_every_point_is_proven() -> None:
    curve = floor_curve(tasks()[0].problem, FLOORS)
    assert [p.floor for p in curve.points] == list(FLOORS)
    planned = [p for p in curve.points if p.has_plan]
    assert planned, "no floor has a plan"
    for low, high in itertools.pairwise(planned):
        # a higher floor can cost less only by as much as the lower point's proven gap
        assert high.cost_usd >= low.cost_usd - (low.cost_usd - low.bound_usd) - 1e-6
    for p in planned:
        assert p.bound_usd <= p.cost_usd + 1e-6 and p.gap <= 1e-4
    first_without = next((i for i, p in enumerate(curve.points) if not p.has_plan), None)
    if first_without is not None:
        assert not any(p.has_plan for p in curve.points[first_without:])


def test_warm_started_points_match_independent_solves_within_their_gaps() -> None:
    problem = tasks()[1].problem
    curve = floor_curve(problem, FLOORS)
    for point in curve.points:
        alone = solve_sourcing(at_floor(problem, point.floor), explain=False)
        assert alone.has_plan == point.has_plan
        if point.has_plan:
            slack = max(point.cost_usd - point.bound_usd, alone.gap_usd) + 1e-6
            assert abs(alone.objective_usd - point.cost_usd) <= slack


def test_worker_processes_give_the_same_curves_as_one_process() -> None:
    here = floor_curves(tasks())
    with LocalExecutor(2, processes=True) as pool:
        there = floor_curves(tasks(), pool)
    assert [c.to_json() for c in there] == [c.to_json() for c in here]


def test_ray_gives_the_same_curves_as_a_local_run(ray_cluster: None) -> None:
    local = floor_curves(tasks())
    with RayExecutor() as executor:
        remote = floor_curves(tasks(), executor)
    assert [c.to_json() for c in remote] == [c.to_json() for c in local]
    assert all(math.isfinite(p.cost_usd) for c in local for p in c.points[:1])
