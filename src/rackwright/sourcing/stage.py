"""The sourcing stage: the least landed-cost supplier plan for the scenario's builds, and what
each domestic-content floor costs, from the BOM stage's BOMs (never expanded again).

The build plan is sourced under the default tariff policy and the scenario's domestic targets. An
infeasible plan is explained (which rule, where, by how much) and, when dual-sourcing shares are
what blocks it, re-planned with second sources qualified but free to take any share. Each
generation's builds are then solved at several hard domestic floors: the cost-vs-share curve.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rackwright.bom.expand import PartDemand
from rackwright.bom.stage import BOM, BomStageResult
from rackwright.chain.inputs import PlanInputs
from rackwright.chain.stage import Stage, Upstream
from rackwright.optim import SolveOptions
from rackwright.scenario import Scenario
from rackwright.sourcing.engine import solve_sourcing
from rackwright.sourcing.from_bom import problem_from_scenario
from rackwright.sourcing.problem import SourcingProblem
from rackwright.sourcing.result import SourcingResult, ViolationKind
from rackwright.tariffs.plan_duties import PlanDuties, RackParts, plan_duties

POLICY = "current"
FLOORS = (0.0, 0.2, 0.4, 0.6, 0.8)
PLAN_OPTIONS = SolveOptions(mip_rel_gap=1e-3, time_limit_s=20.0)
CURVE_OPTIONS = SolveOptions(mip_rel_gap=1e-3, time_limit_s=4.0)


@dataclass(frozen=True)
class CurvePoint:
    """One generation's builds sourced under one hard domestic floor."""

    floor: float
    status: str
    cost_per_rack_usd: float | None
    gap: float | None


@dataclass(frozen=True)
class FloorCurve:
    """Landed cost per rack of one generation's builds against the domestic floor."""

    rack: str
    racks: int
    points: tuple[CurvePoint, ...]


@dataclass(frozen=True)
class SourcingStageResult:
    """The plan as specified, the plan shown (dual-source share relaxed if that blocked it),
    the cost-vs-floor curves and each generation's landed cost per rack."""

    policy: str
    first: SourcingResult
    plan: SourcingResult
    relaxed_dual: bool
    curve: tuple[FloorCurve, ...]
    landed_per_rack_usd: Mapping[str, float]
    plan_options: SolveOptions
    curve_options: SolveOptions
    duties: PlanDuties  # the plan's duties by rule, scenario, premium offset, Mexico racks

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "policy": self.policy,
            "explanation": [
                {
                    "kind": v.kind.value,
                    "period": v.period,
                    "item": v.item,
                    "amount": v.amount,
                    "unit": v.unit,
                    "message": v.message,
                }
                for v in self.first.violations
            ],
            "dual_share_relaxed": self.relaxed_dual,
            "plan": {k: v for k, v in self.plan.to_dict().items() if k != "orders"},
            "cost_curve": [dataclasses.asdict(c) for c in self.curve],
            "landed_per_rack_usd": dict(self.landed_per_rack_usd),
            "duties": self.duties.to_json(),
        }


def _parts_by_rack(boms: BomStageResult) -> dict[str, tuple[PartDemand, ...]]:
    return {g.rack: g.parts for g in boms.generations}


def _problem(
    inputs: PlanInputs,
    scenario: Scenario,
    parts: Mapping[str, Sequence[PartDemand]],
    floor: float | None,
    relax_dual: bool,
) -> SourcingProblem:
    problem = problem_from_scenario(
        scenario,
        inputs.catalog,
        inputs.supply,
        tariffs=inputs.tariffs,
        tariff_policy=POLICY,
        logistics=inputs.logistics,
        domestic_floor=floor,
        parts_by_rack=parts,
    )
    return _without_dual_share(problem) if relax_dual else problem


def _without_dual_share(problem: SourcingProblem) -> SourcingProblem:
    return dataclasses.replace(
        problem, policy=dataclasses.replace(problem.policy, dual_source_min_share=0.0)
    )


def floor_curves(
    inputs: PlanInputs, parts: Mapping[str, Sequence[PartDemand]], relax_dual: bool
) -> tuple[FloorCurve, ...]:
    """Landed cost per rack of each generation's builds at each hard domestic floor."""
    curves: list[FloorCurve] = []
    for gen in inputs.scenario.generations:
        builds = [b for b in inputs.scenario.builds if b.rack == gen.rack]
        if not builds:
            continue
        racks = sum(b.racks for b in builds)
        sub = inputs.scenario.model_copy(update={"builds": builds})
        points: list[CurvePoint] = []
        for floor in FLOORS:
            problem = _problem(inputs, sub, parts, floor, relax_dual)
            res = solve_sourcing(problem, CURVE_OPTIONS, explain=False)
            points.append(
                CurvePoint(
                    floor=floor,
                    status=res.status.value,
                    cost_per_rack_usd=res.objective_usd / racks if res.has_plan else None,
                    gap=res.mip_gap if res.has_plan else None,
                )
            )
        curves.append(FloorCurve(gen.rack, racks, tuple(points)))
    return tuple(curves)


def landed_per_rack(
    plan: SourcingResult, parts: Mapping[str, Sequence[PartDemand]]
) -> dict[str, float]:
    """Each generation's landed cost per rack: every part at the plan's average landed unit cost.

    A part shared by generations is priced the same in each; a part the plan did not buy (no
    plan) leaves the generation out.
    """
    if not plan.has_plan:
        return {}
    spend: dict[str, float] = defaultdict(float)
    qty: dict[str, float] = defaultdict(float)
    for order in plan.orders:
        spend[order.part_id] += order.landed_usd
        qty[order.part_id] += order.qty
    unit = {p: spend[p] / qty[p] for p in spend if qty[p] > 0}
    return {
        rack: sum(unit[row.part_id] * row.qty_per_rack for row in rows)
        for rack, rows in parts.items()
        if all(row.part_id in unit for row in rows)
    }


def duties_of(
    inputs: PlanInputs,
    problem: SourcingProblem,
    plan: SourcingResult,
    parts: Mapping[str, Sequence[PartDemand]],
) -> PlanDuties:
    """The plan's duties (``rackwright.tariffs.plan_duties``) under the stage's tariff scenario."""
    racks = [
        RackParts(
            rack=rack,
            qty_per_rack={row.part_id: row.qty_per_rack for row in rows},
            periods=tuple(b.period for b in inputs.scenario.builds if b.rack == rack),
        )
        for rack, rows in parts.items()
    ]
    return plan_duties(
        inputs.tariffs,
        plan.orders,
        problem.offers,
        {p.part_id: p.category for p in problem.parts},
        problem.periods,
        racks,
    )


def run(inputs: PlanInputs, upstream: Upstream) -> SourcingStageResult:
    """Plan the scenario's sourcing and price each domestic-content floor per generation."""
    parts = _parts_by_rack(upstream.of(BOM))
    problem = _problem(inputs, inputs.scenario, parts, None, relax_dual=False)
    first = solve_sourcing(problem, PLAN_OPTIONS)
    result, relaxed = first, False
    if not first.has_plan and any(
        v.kind is ViolationKind.DUAL_SOURCE_SHARE for v in first.violations
    ):
        result, relaxed = solve_sourcing(_without_dual_share(problem), PLAN_OPTIONS), True
    return SourcingStageResult(
        policy=POLICY,
        first=first,
        plan=result,
        relaxed_dual=relaxed,
        curve=floor_curves(inputs, parts, relaxed),
        landed_per_rack_usd=landed_per_rack(result, parts),
        plan_options=PLAN_OPTIONS,
        curve_options=CURVE_OPTIONS,
        duties=duties_of(inputs, problem, result, parts),
    )


SOURCING = Stage(
    "sourcing",
    "Sourcing: landed cost, domestic content and capacity gaps",
    ("bom",),
    run,
    SourcingStageResult,
)
