"""Report section ``sourcing``: the least landed-cost supplier plan and what domestic content costs.

The scenario's build plan is sourced under the default tariff policy and the scenario's domestic
targets. An infeasible plan is explained (which rule, where, by how much) and, when dual-sourcing
shares are what blocks it, re-planned with second sources qualified but free to take any share.
Each generation's builds are then solved at several hard domestic floors: the cost-vs-share
curve. Binding capacities show where supply is the limit.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from rackwright.errors import RackwrightError
from rackwright.optim import SolveOptions
from rackwright.report.charts import bar, line
from rackwright.report.section import Figure, PlanContext, Section, Table
from rackwright.scenario import Scenario
from rackwright.sourcing.engine import solve_sourcing
from rackwright.sourcing.from_bom import problem_for_plan
from rackwright.sourcing.problem import SourcingProblem
from rackwright.sourcing.result import SourcingResult, ViolationKind
from rackwright.sourcing.tariffs import Logistics, TariffTable, load_logistics, load_tariffs

KEY = "sourcing"
TITLE = "Sourcing: landed cost, domestic content and capacity gaps"
POLICY = "current"
FLOORS = (0.0, 0.2, 0.4, 0.6, 0.8)
PLAN_OPTIONS = SolveOptions(mip_rel_gap=1e-3, time_limit_s=20.0)
CURVE_OPTIONS = SolveOptions(mip_rel_gap=1e-3, time_limit_s=4.0)


def build(ctx: PlanContext) -> Section:
    """Plan the scenario's sourcing and price each domestic-content floor per generation."""
    notes = [
        f"Tariff policy '{POLICY}' (sourcing/data/tariffs.toml: Nov-2025 rates, confidence E); "
        "freight and qualification costs are labelled assumptions (sourcing/data/logistics.toml).",
        "Domestic share = U.S. share of purchase spend (before tariff and freight) of the parts "
        "arriving in each quarter; orders may be placed up to four quarters before the first.",
        f"Solved with HiGHS to a {PLAN_OPTIONS.mip_rel_gap:.0e} relative gap (plan) and "
        f"{CURVE_OPTIONS.mip_rel_gap:.0e} (curve), within time limits; the gap reached is shown.",
    ]
    try:
        tariffs, logistics = load_tariffs(), load_logistics()
        problem = _problem(ctx.scenario, ctx, tariffs, logistics, None)
    except RackwrightError as exc:
        return Section(KEY, TITLE, [f"sourcing not planned: {exc.one_line()}"], {}, notes=notes)

    first = solve_sourcing(problem, PLAN_OPTIONS)
    result, relaxed_dual = first, False
    if not first.has_plan and any(
        v.kind is ViolationKind.DUAL_SOURCE_SHARE for v in first.violations
    ):
        problem = _without_dual_share(problem)
        result, relaxed_dual = solve_sourcing(problem, PLAN_OPTIONS), True
        notes.append(
            "The dual-source share (each of two sites >= 20 % of a critical part) cannot be met "
            "(see the explanation table); the plan below qualifies two sites per critical part "
            "but lets the second take any share."
        )
    curve = _curve(ctx, tariffs, logistics, relaxed_dual)
    summary = _summary(first, result, curve)
    data: dict[str, Any] = {
        "policy": POLICY,
        "explanation": [
            {
                "kind": v.kind.value,
                "period": v.period,
                "item": v.item,
                "amount": v.amount,
                "unit": v.unit,
                "message": v.message,
            }
            for v in first.violations
        ],
        "dual_share_relaxed": relaxed_dual,
        "plan": {k: v for k, v in result.to_dict().items() if k != "orders"},
        "cost_curve": curve,
    }
    return Section(
        key=KEY,
        title=TITLE,
        summary=summary,
        data=data,
        tables=_tables(first, result),
        figures=_figures(result, curve),
        notes=notes,
    )


def _problem(
    scenario: Scenario,
    ctx: PlanContext,
    tariffs: TariffTable,
    logistics: Logistics,
    floor: float | None,
) -> SourcingProblem:
    return problem_for_plan(
        scenario,
        ctx.catalog,
        tariffs=tariffs,
        tariff_policy=POLICY,
        logistics=logistics,
        domestic_floor=floor,
    )


def _without_dual_share(problem: SourcingProblem) -> SourcingProblem:
    return dataclasses.replace(
        problem, policy=dataclasses.replace(problem.policy, dual_source_min_share=0.0)
    )


def _curve(
    ctx: PlanContext, tariffs: TariffTable, logistics: Logistics, relaxed_dual: bool
) -> list[dict[str, Any]]:
    """Landed cost per rack of each generation's builds at each hard domestic floor."""
    rows: list[dict[str, Any]] = []
    for gen in ctx.scenario.generations:
        builds = [b for b in ctx.scenario.builds if b.rack == gen.rack]
        racks = sum(b.racks for b in builds)
        if not builds:
            continue
        sub = ctx.scenario.model_copy(update={"builds": builds})
        points: list[dict[str, Any]] = []
        for floor in FLOORS:
            problem = _problem(sub, ctx, tariffs, logistics, floor)
            if relaxed_dual:
                problem = _without_dual_share(problem)
            res = solve_sourcing(problem, CURVE_OPTIONS, explain=False)
            points.append(
                {
                    "floor": floor,
                    "status": res.status.value,
                    "cost_per_rack_usd": res.objective_usd / racks if res.has_plan else None,
                    "gap": res.mip_gap if res.has_plan else None,
                }
            )
        rows.append({"rack": gen.rack, "racks": racks, "points": points})
    return rows


def _summary(
    first: SourcingResult, result: SourcingResult, curve: list[dict[str, Any]]
) -> list[str]:
    lines: list[str] = []
    if not first.has_plan:
        lines.append(
            f"as specified the plan is {first.status.value}: "
            + (first.violations[0].message if first.violations else "no explanation found")
        )
    if result.has_plan:
        lines.append(
            f"landed cost {result.objective_usd / 1e9:,.2f} BUSD ({result.status.value}, gap "
            f"{result.mip_gap:.1e}): tariffs {result.costs.tariff_usd / 1e9:,.2f} BUSD, freight "
            f"{result.costs.freight_usd / 1e6:,.0f} MUSD"
        )
        lines.append(f"{len(result.binding)} offer-quarters ship at full capacity")
    for gen in curve:
        priced = [p for p in gen["points"] if p["cost_per_rack_usd"] is not None]
        if priced:
            low, high = priced[0], priced[-1]
            lines.append(
                f"{gen['rack']}: {low['cost_per_rack_usd'] / 1e6:,.2f} MUSD/rack at "
                f"{low['floor']:.0%} domestic, {high['cost_per_rack_usd'] / 1e6:,.2f} at "
                f"{high['floor']:.0%} (highest floor with a plan)"
            )
        else:
            lines.append(f"{gen['rack']}: no floor in {FLOORS} has a plan")
    return lines


def _tables(first: SourcingResult, result: SourcingResult) -> list[Table]:
    tables: list[Table] = []
    if first.violations:
        tables.append(
            Table(
                title="Why the plan as specified is infeasible (smallest relaxation)",
                columns=["rule", "quarter", "item", "amount", "unit", "explanation"],
                rows=[
                    [v.kind.value, v.period, v.item, round(v.amount, 4), v.unit, v.message]
                    for v in first.violations
                ],
            )
        )
    if not result.has_plan:
        return tables
    tables.append(
        Table(
            title="Landed cost by component",
            columns=["component", "USD"],
            rows=[[k.removesuffix("_usd"), round(v)] for k, v in result.costs.to_dict().items()],
        )
    )
    tables.append(
        Table(
            title="Domestic share by quarter",
            columns=["quarter", "spend USD", "U.S. share", "floor"],
            rows=[
                [p.period, round(p.spend_usd), round(p.domestic_share, 4), p.floor]
                for p in result.periods
            ],
        )
    )
    gaps = Counter((b.part_id, b.site_id) for b in result.binding)
    tables.append(
        Table(
            title="Capacity gaps: offers shipping at full capacity",
            columns=["part", "site", "quarters at capacity"],
            rows=[[part, site, n] for (part, site), n in gaps.most_common(25)],
            note="Adding capacity here lowers cost or makes a higher domestic floor reachable.",
        )
    )
    spend: dict[tuple[str, str], float] = {}
    for o in result.orders:
        key = (o.part_id, f"{o.site_id} ({o.country})")
        spend[key] = spend.get(key, 0.0) + o.landed_usd
    tables.append(
        Table(
            title="Chosen sources: landed spend by part and site",
            columns=["part", "site", "landed USD"],
            rows=[[p, s, round(v)] for (p, s), v in sorted(spend.items())],
        )
    )
    return tables


def _figures(result: SourcingResult, curve: list[dict[str, Any]]) -> list[Figure]:
    figures: list[Figure] = []
    if curve:
        figures.append(
            line(
                "Landed cost per rack vs domestic-content floor",
                [f"{f:.0%}" for f in FLOORS],
                {
                    gen["rack"]: [
                        None if p["cost_per_rack_usd"] is None else p["cost_per_rack_usd"] / 1e6
                        for p in gen["points"]
                    ]
                    for gen in curve
                },
                x_title="domestic floor (U.S. share of spend)",
                y_title="MUSD per rack (gap = no plan)",
            )
        )
    if result.has_plan:
        periods = [p.period for p in result.periods]
        figures.append(
            line(
                "Domestic share vs floor by quarter",
                periods,
                {
                    "U.S. share": [p.domestic_share for p in result.periods],
                    "floor": [p.floor for p in result.periods],
                },
                x_title="quarter",
                y_title="share of spend",
            )
        )
        by_period: dict[str, dict[str, float]] = {p: {} for p in periods}
        for o in result.orders:
            row = by_period[o.arrival_period]
            row[o.country] = row.get(o.country, 0.0) + o.qty * o.unit_cost_usd / 1e6
        countries = sorted({c for row in by_period.values() for c in row})
        figures.append(
            bar(
                "Purchase spend by origin country and quarter",
                periods,
                {c: [by_period[p].get(c, 0.0) for p in periods] for c in countries},
                x_title="arrival quarter",
                y_title="MUSD",
                stacked=True,
            )
        )
    return figures
