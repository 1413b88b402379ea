"""Report section ``sourcing``: the least landed-cost supplier plan and what domestic content costs.

Presents the sourcing stage (``rackwright.sourcing.stage``): the plan under the scenario's targets
(explained when infeasible), the cost-vs-domestic-floor curve per generation, capacity gaps.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from rackwright.bom.expand import PartDemand
from rackwright.bom.stage import BOM, BomStageResult
from rackwright.chain import ChainRun, PlanInputs
from rackwright.report.charts import bar, line
from rackwright.report.section import Figure, Section, Table
from rackwright.report.sections.sourcing_duties import duty_figures, duty_summary, duty_tables
from rackwright.sourcing.curve import FLOORS
from rackwright.sourcing.result import SourcingResult
from rackwright.sourcing.stage import SOURCING, SourcingStageResult


def _notes(result: SourcingStageResult) -> list[str]:
    notes = [
        f"Tariff scenario '{result.policy}': dated duty rules by HTS line and origin "
        "(tariffs/data/rules.toml, each with its legal basis, source and confidence); freight "
        "and qualification costs are labelled assumptions (sourcing/data/logistics.toml).",
        "Domestic share = U.S. share of purchase spend (before tariff and freight) of the parts "
        "arriving in each quarter; orders may be placed up to four quarters before the first.",
        f"Plan: {result.plan.optimality_note()}. Curve points target a "
        f"{result.curve_options.mip_rel_gap:.0e} proven gap, each shown with the gap reached "
        "and what stopped it. One solver thread and deterministic work limits: the same inputs "
        "give the same plan.",
    ]
    if result.relaxed_dual:
        notes.append(
            "The dual-source share (each qualified site's least share of a critical part) cannot "
            "be met "
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
        summary=[*_summary(result.first, result.plan, curve), duty_summary(result.duties)],
        data=data,
        tables=[
            *_tables(result.first, result.plan),
            _two_measures(result.plan, run.result(BOM)),
            *_spend_tables(result.plan, _part_info(run)),
            *duty_tables(result.duties),
        ],
        figures=[*_figures(result.plan, curve), *duty_figures(result.duties)],
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
                [p.period, round(p.spend_usd), _pct(p.domestic_share), _pct(p.floor)]
                for p in result.periods
            ],
        )
    )
    gaps = Counter((b.part_id, b.site_id) for b in result.binding)
    tables.append(
        Table(
            title="Capacity gaps: offers shipping at full capacity",
            columns=["part", "site", "quarters at capacity"],
            rows=[[part, site, n] for (part, site), n in gaps.most_common()],
            note="Adding capacity here lowers cost or makes a higher domestic floor reachable.",
        )
    )
    return tables


def _two_measures(plan: SourcingResult, boms: BomStageResult) -> Table:
    """The scenario's domestic target against both measures of domestic content, per generation.

    The BOM stage measures the U.S. share of component value under its domestic rules (what a
    buy-American test counts); sourcing holds the U.S. share of purchase spend per quarter to the
    same target, because a spend share is linear in the orders and can be a MILP constraint.
    """
    rows: list[list[str | float | int | None]] = []
    for gen in boms.generations:
        quarters = [p for p in plan.periods if p.period.startswith(str(gen.year))]
        spend = sum(p.spend_usd for p in quarters)
        spend_share = sum(p.domestic_usd for p in quarters) / spend if spend > 0 else None
        rows.append(
            [
                gen.rack,
                gen.year,
                _pct(gen.target),
                _pct(gen.reachable_domestic.share),
                None if spend_share is None else _pct(spend_share),
            ]
        )
    return Table(
        title="Domestic content, two measures side by side",
        columns=[
            "rack",
            "year",
            "scenario target",
            f"component value ({boms.rules.name}, BOM section)",
            "purchase spend (this plan)",
        ],
        rows=rows,
        note=(
            "Component value: the U.S. share of the rack's counted component cost under the BOM's "
            "domestic rules, with every U.S. offer taken; it is the compliance measure. Purchase "
            "spend: the U.S. share of what this plan pays suppliers for parts arriving in that "
            "year (before tariff and freight), the floor the optimizer enforces. A plan can meet "
            "the target on spend and still miss it on component value; both are shown so neither "
            "is mistaken for the other."
        ),
    )


def _part_info(run: ChainRun) -> dict[str, PartDemand]:
    """Every part any generation's BOM needs, by id (for its subsystem)."""
    boms: BomStageResult = run.result(BOM)
    return {p.part_id: p for g in boms.generations for p in g.parts}


def _spend_tables(result: SourcingResult, parts: dict[str, PartDemand]) -> list[Table]:
    """Where the money goes: landed spend per subsystem, then per part and site, largest first."""
    if not result.orders:
        return []
    by_site: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for o in result.orders:
        by_site[o.part_id][f"{o.site_id} ({o.country})"] += o.landed_usd
    part_total = {part: sum(sites.values()) for part, sites in by_site.items()}
    total = sum(part_total.values())

    def subsystem(part: str) -> str:
        info = parts.get(part)
        return info.subsystem.value if info is not None else "other"

    by_subsystem: dict[str, list[str]] = defaultdict(list)
    for part in sorted(part_total, key=lambda p: -part_total[p]):
        by_subsystem[subsystem(part)].append(part)
    subsystem_rows: list[list[str | float | int | None]] = [
        [
            name,
            round(sum(part_total[p] for p in members)),
            _pct(sum(part_total[p] for p in members) / total),
            len(members),
            members[0],
        ]
        for name, members in sorted(
            by_subsystem.items(), key=lambda kv: -sum(part_total[p] for p in kv[1])
        )
    ]
    part_rows: list[list[str | float | int | None]] = [
        [part, subsystem(part), site, round(usd), _pct(usd / part_total[part])]
        for part in sorted(part_total, key=lambda p: -part_total[p])
        for site, usd in sorted(by_site[part].items(), key=lambda kv: -kv[1])
    ]
    return [
        Table(
            title="Landed spend on parts by subsystem",
            columns=["subsystem", "landed USD", "share of spend", "parts", "largest part"],
            rows=subsystem_rows,
        ),
        Table(
            title="Chosen sources: landed spend by part and site, largest first",
            columns=["part", "subsystem", "site (country)", "landed USD", "share of the part"],
            rows=part_rows,
            note="Landed = price + tariff + freight of the orders placed over the horizon.",
            group_columns=2,
        ),
    ]


def _pct(share: float) -> str:
    return f"{share:.1%}"


def _figures(result: SourcingResult, curve: list[dict[str, Any]]) -> list[Figure]:
    figures: list[Figure] = []
    if curve:
        figures.append(
            line(
                "Landed cost per rack vs domestic-content floor",
                list(FLOORS),
                {
                    gen["rack"]: [
                        None if p["cost_per_rack_usd"] is None else p["cost_per_rack_usd"] / 1e6
                        for p in gen["points"]
                    ]
                    for gen in curve
                },
                x_title="hard domestic floor (U.S. share of purchase spend)",
                y_title="landed cost (M USD per rack)",
                x_percent=True,
                note="A line stops where no plan meets a higher floor.",
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
                x_title="arrival quarter",
                y_title="U.S. share of purchase spend",
                y_percent=True,
            )
        )
        by_period: dict[str, dict[str, float]] = {p: {} for p in periods}
        for o in result.orders:
            row = by_period[o.arrival_period]
            row[o.country] = row.get(o.country, 0.0) + o.qty * o.unit_cost_usd / 1e9
        countries = sorted({c for row in by_period.values() for c in row})
        figures.append(
            bar(
                "Purchase spend by origin country and quarter",
                periods,
                {c: [by_period[p].get(c, 0.0) for p in periods] for c in countries},
                x_title="arrival quarter",
                y_title="purchase spend (B USD per quarter)",
                stacked=True,
            )
        )
    return figures
