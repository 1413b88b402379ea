"""Report section ``sourcing``: the least landed-cost supplier plan and what domestic content costs.

Presents the sourcing stage (``rackwright.sourcing.stage``): the plan under the scenario's targets
(explained when infeasible), the cost-vs-domestic-floor curve per generation, capacity gaps.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from rackwright.chain import ChainRun, PlanInputs
from rackwright.report.charts import bar, line
from rackwright.report.section import Figure, Section, Table
from rackwright.sourcing.result import SourcingResult
from rackwright.sourcing.stage import FLOORS, SOURCING, SourcingStageResult


def _notes(result: SourcingStageResult) -> list[str]:
    notes = [
        f"Tariff policy '{result.policy}' (sourcing/data/tariffs.toml: Nov-2025 rates, confidence "
        "E); freight and qualification costs are labelled assumptions "
        "(sourcing/data/logistics.toml).",
        "Domestic share = U.S. share of purchase spend (before tariff and freight) of the parts "
        "arriving in each quarter; orders may be placed up to four quarters before the first.",
        f"Solved with HiGHS to a {result.plan_options.mip_rel_gap:.0e} relative gap (plan) and "
        f"{result.curve_options.mip_rel_gap:.0e} (curve), within time limits; the gap reached is "
        "shown.",
    ]
    if result.relaxed_dual:
        notes.append(
            "The dual-source share (each of two sites >= 20 % of a critical part) cannot be met "
            "(see the explanation table); the plan below qualifies two sites per critical part "
            "but lets the second take any share."
        )
    return notes


def present(inputs: PlanInputs, run: ChainRun) -> Section:
    """The sourcing plan, its explanation when infeasible, and the cost-vs-floor curves."""
    result: SourcingStageResult = run.result(SOURCING)
    data = result.to_json()
    curve: list[dict[str, Any]] = data["cost_curve"]
    return Section(
        key=SOURCING.key,
        title=SOURCING.title,
        summary=_summary(result.first, result.plan, curve),
        data=data,
        tables=_tables(result.first, result.plan),
        figures=_figures(result.plan, curve),
        notes=_notes(result),
    )


def _summary(
    first: SourcingResult, result: SourcingResult, curve: list[dict[str, Any]]
) -> list[str]:
    """The plan's outcome and each generation's cost at the lowest and highest floor."""
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
