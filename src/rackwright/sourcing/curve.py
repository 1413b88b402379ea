"""What domestic content costs: the least landed cost at each of several domestic floors.

``floor_curve`` solves one problem at every floor, from the highest down: a plan that meets a
higher floor meets every lower one, so each point starts from its neighbour's plan and only has
to improve on it. ``floor_curves`` runs one curve per task (a rack generation's builds, a tariff
policy) through an ``Executor`` (``explore.executors``): ``local`` in this process or on worker
processes, ``ray`` on a cluster. Each task is solved the same way wherever it runs, so every
executor gives the same curves.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rackwright.explore.executors import Executor, LocalExecutor
from rackwright.optim import SolveOptions
from rackwright.optim.model import FloatArray
from rackwright.scenario import Scenario
from rackwright.sourcing.engine import DEFAULT_OPTIONS, solve_with_columns
from rackwright.sourcing.problem import SourcingProblem
from rackwright.sourcing.result import SourcingResult

FLOORS = (0.0, 0.2, 0.4, 0.6, 0.8)


@dataclass(frozen=True)
class CurvePoint:
    """The plan at one floor: its cost, proven bound and gap, or why there is none."""

    floor: float
    has_plan: bool
    status: str
    cost_usd: float
    bound_usd: float
    gap: float
    stopped_by: str

    @classmethod
    def of(cls, floor: float, result: SourcingResult) -> CurvePoint:
        """The point of ``result``, solved at ``floor``."""
        return cls(
            floor=floor,
            has_plan=result.has_plan,
            status=result.status.value,
            cost_usd=result.objective_usd if result.has_plan else math.nan,
            bound_usd=result.bound_usd,
            gap=result.mip_gap,
            stopped_by=result.stopped_by,
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-able form (no plan: cost, bound and gap are null)."""
        finite = self.has_plan
        return {
            "floor": self.floor,
            "has_plan": self.has_plan,
            "status": self.status,
            "cost_usd": self.cost_usd if finite else None,
            "bound_usd": self.bound_usd if math.isfinite(self.bound_usd) else None,
            "gap": self.gap if finite and math.isfinite(self.gap) else None,
            "stopped_by": self.stopped_by,
        }


@dataclass(frozen=True)
class FloorCurve:
    """Cost against domestic floor for one task, floors ascending."""

    label: str
    units: float  # what the cost is spread over (racks), 0 when not given
    points: tuple[CurvePoint, ...]

    def cost_per_unit(self, point: CurvePoint) -> float:
        """``point``'s cost per unit (nan without a plan or without units)."""
        return point.cost_usd / self.units if point.has_plan and self.units > 0 else math.nan

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "label": self.label,
            "units": self.units,
            "points": [
                {**p.to_json(), "cost_per_unit_usd": _or_none(self.cost_per_unit(p))}
                for p in self.points
            ],
        }


@dataclass(frozen=True)
class CurveTask:
    """One curve to compute: a problem, the floors to price it at, solver options (picklable)."""

    label: str
    problem: SourcingProblem
    floors: tuple[float, ...] = FLOORS
    options: SolveOptions = DEFAULT_OPTIONS
    units: float = 0.0


def at_floor(problem: SourcingProblem, floor: float) -> SourcingProblem:
    """``problem`` with one hard domestic floor in every period."""
    policy = dataclasses.replace(
        problem.policy,
        domestic_floor=tuple(floor for _ in problem.periods),
        soft_domestic_floor=False,
    )
    return dataclasses.replace(problem, policy=policy)


def floor_curve(
    problem: SourcingProblem,
    floors: Sequence[float] = FLOORS,
    options: SolveOptions | None = None,
    *,
    label: str = "",
    units: float = 0.0,
) -> FloorCurve:
    """The least landed cost of ``problem`` at each floor, each point started from its neighbour.

    Floors are solved from the highest down; the plan of each is handed to the next as a first
    incumbent (it meets the lower floor too). Points come back with floors ascending.
    """
    opts = dataclasses.replace(options or DEFAULT_OPTIONS, progress=None)
    start: FloatArray | None = None
    points: list[CurvePoint] = []
    for floor in sorted(set(floors), reverse=True):
        result, columns = solve_with_columns(
            at_floor(problem, floor), opts, explain=False, start=start
        )
        points.append(CurvePoint.of(floor, result))
        start = columns if columns is not None else start
    return FloorCurve(label=label, units=units, points=tuple(sorted(points, key=lambda p: p.floor)))


def run_task(task: CurveTask) -> FloorCurve:
    """``floor_curve`` of one task (module-level, so executors can pickle it)."""
    return floor_curve(task.problem, task.floors, task.options, label=task.label, units=task.units)


def floor_curves(
    tasks: Sequence[CurveTask], executor: Executor | None = None
) -> tuple[FloorCurve, ...]:
    """One curve per task, in task order, run by ``executor`` (default: this process)."""
    runner = executor or LocalExecutor()
    return tuple(runner.map(run_task, list(tasks)))


def _or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def generation_tasks(
    scenario: Scenario,
    problem_of: Callable[[Scenario], SourcingProblem],
    *,
    floors: tuple[float, ...] = FLOORS,
    options: SolveOptions = DEFAULT_OPTIONS,
) -> tuple[CurveTask, ...]:
    """One curve task per rack generation: that generation's builds alone, costed per rack.

    ``problem_of`` turns a scenario holding one generation's builds into its sourcing problem
    (the caller decides the BOMs, tariffs and rules it is built from).
    """
    tasks = []
    for gen in scenario.generations:
        builds = [b for b in scenario.builds if b.rack == gen.rack]
        if not builds:
            continue
        sub = scenario.model_copy(update={"builds": builds})
        racks = float(sum(b.racks for b in builds))
        tasks.append(CurveTask(gen.rack, problem_of(sub), floors, options, racks))
    return tuple(tasks)
