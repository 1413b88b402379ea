"""The sourcing stage: the least landed-cost supplier plan for the scenario's builds, and what
each domestic-content floor costs, from the BOM stage's BOMs (never expanded again).

The build plan is sourced under the scenario's tariff policy and domestic targets. An
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
from rackwright.demand.stage import with_build_plan
from rackwright.optim import SolveOptions, SolveProgress
from rackwright.scenario import Scenario
from rackwright.sourcing.curve import FLOORS, FloorCurve, floor_curves, generation_tasks
from rackwright.sourcing.engine import solve_sourcing
from rackwright.sourcing.from_bom import problem_from_scenario
from rackwright.sourcing.problem import SourcingProblem
from rackwright.sourcing.result import SourcingResult, ViolationKind
from rackwright.tariffs.plan_duties import PlanDuties, RackParts, plan_duties

# deterministic: one thread and a proven gap; the wall-clock limit is only a safety net, and a
# plan it stopped says so (stopped_by) in the report
PLAN_OPTIONS = SolveOptions(mip_rel_gap=1e-3, threads=1, time_limit_s=300.0)
CURVE_OPTIONS = SolveOptions(mip_rel_gap=1e-3, threads=1, time_limit_s=120.0)


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
            "explanation": [dataclasses.asdict(v) for v in self.first.violations],
            "dual_share_relaxed": self.relaxed_dual,
            "plan": {k: v for k, v in self.plan.to_json().items() if k != "orders"},
            "cost_curve": [_curve_json(c) for c in self.curve],
            "landed_per_rack_usd": dict(self.landed_per_rack_usd),
            "duties": self.duties.to_json(),
        }


def _curve_json(curve: FloorCurve) -> dict[str, Any]:
    """One generation's curve: cost per rack at each floor (null where no plan)."""
    return {
        "rack": curve.label,
        "racks": curve.units,
        "points": [
            {
                **p.to_json(),
                "cost_per_rack_usd": p.cost_usd / curve.units if p.has_plan else None,
            }
            for p in curve.points
        ],
    }


def parts_by_rack(boms: BomStageResult) -> dict[str, tuple[PartDemand, ...]]:
    """The BOM stage's flattened BOM of each rack generation, as ``scenario_problem`` takes it."""
    return {g.rack: g.parts for g in boms.generations}


def scenario_problem(
    inputs: PlanInputs,
    scenario: Scenario | None = None,
    parts: Mapping[str, Sequence[PartDemand]] | None = None,
    floor: float | None = None,
    relax_dual: bool = False,
) -> SourcingProblem:
    """The sourcing problem of ``scenario``'s builds (default: the inputs' scenario) under the
    inputs' tariffs, logistics and sourcing rules; ``parts`` are the BOM stage's flattened BOMs
    (racks missing from it are expanded here); ``floor`` replaces the domestic targets."""
    rules = inputs.sourcing_rules
    if relax_dual:
        rules = rules.with_dual_source(min_share=0.0)
    return problem_from_scenario(
        scenario or inputs.scenario,
        inputs.catalog,
        inputs.supply,
        tariffs=inputs.tariffs,
        tariff_policy=(scenario or inputs.scenario).tariff_policy,
        logistics=inputs.logistics,
        domestic_floor=floor,
        rules=rules,
        parts_by_rack=parts,
    )


def generation_curves(
    inputs: PlanInputs, parts: Mapping[str, Sequence[PartDemand]], relax_dual: bool
) -> tuple[FloorCurve, ...]:
    """Landed cost of each generation's builds at each hard domestic floor."""
    tasks = generation_tasks(
        inputs.scenario,
        lambda sub: scenario_problem(inputs, sub, parts, 0.0, relax_dual),
        floors=FLOORS,
        options=CURVE_OPTIONS,
    )
    return floor_curves(tasks)


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
        policy=inputs.scenario.tariff_policy,
    )


def _watched(inputs: PlanInputs, step: str) -> SolveOptions:
    """The plan's solver options, reporting the search's state to the run's status line."""
    status = inputs.settings.status
    if status is None:
        return PLAN_OPTIONS

    def report(p: SolveProgress) -> None:
        found = f"plan {p.incumbent / 1e9:,.2f} BUSD, gap {p.gap:.1e}" if p.has_plan else "no plan"
        status(f"{step}: {p.phase or 'search'}, {found}, {p.elapsed_s:.0f} s")

    return dataclasses.replace(PLAN_OPTIONS, progress=report)


def run(inputs: PlanInputs, upstream: Upstream) -> SourcingStageResult:
    """Plan the scenario's sourcing and price each domestic-content floor per generation."""
    inputs = with_build_plan(inputs, upstream)  # the [[build]] lots, or the demand's racks
    parts = parts_by_rack(upstream.of(BOM))
    problem = scenario_problem(inputs, inputs.scenario, parts, None, relax_dual=False)
    first = solve_sourcing(problem, _watched(inputs, "plan"))
    result, relaxed = first, False
    if not first.has_plan and any(
        v.kind is ViolationKind.DUAL_SOURCE_SHARE for v in first.violations
    ):
        relaxed_problem = scenario_problem(inputs, inputs.scenario, parts, None, relax_dual=True)
        result, relaxed = solve_sourcing(relaxed_problem, _watched(inputs, "re-plan")), True
    if inputs.settings.status is not None:
        inputs.settings.status(f"cost-vs-floor curves: {len(FLOORS)} floors per generation")
    return SourcingStageResult(
        policy=inputs.scenario.tariff_policy,
        first=first,
        plan=result,
        relaxed_dual=relaxed,
        curve=generation_curves(inputs, parts, relaxed),
        landed_per_rack_usd=landed_per_rack(result, parts),
        plan_options=PLAN_OPTIONS,
        curve_options=CURVE_OPTIONS,
        duties=duties_of(inputs, problem, result, parts),
    )


SOURCING = Stage(
    "sourcing",
    "Sourcing: landed cost, domestic content and capacity gaps",
    ("bom", "demand"),
    run,
    SourcingStageResult,
)
