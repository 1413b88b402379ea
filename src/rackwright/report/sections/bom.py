"""Report section ``bom``: cost by subsystem per generation, domestic content against targets.

For each scenario generation the BOM is priced in its first year two ways: the cheapest offer
per part (the baseline) and the cheapest domestic offer where one can ship (what U.S. sourcing
can reach). Domestic shares follow the FAR 25.101 preset and are compared with the scenario's
own targets (``[[domestic_target]]``).
"""

from __future__ import annotations

from typing import Any

from rackwright.bom import (
    DomesticResult,
    Policy,
    Rollup,
    Subsystem,
    SupplyData,
    domestic_content,
    expand_bom,
    load_supply_data,
    read_rules,
    rollup,
)
from rackwright.bom.views import domestic_json, line_json
from rackwright.errors import RackwrightError
from rackwright.report.charts import bar, line
from rackwright.report.section import Figure, PlanContext, Section, Table

KEY = "bom"
TITLE = "Bill of materials and domestic content"


def build(ctx: PlanContext) -> Section:
    """Price every scenario generation's BOM and check its domestic content."""
    rules = read_rules()
    notes: list[str] = [
        f"Domestic content by {rules.citation or rules.name}: value counted at BOM leaves, each "
        "at its maker site's country; assembly labour decides final assembly only.",
        "'baseline' = cheapest offers first; 'reachable' = U.S. offers first; each part's need "
        "at the scenario's peak quarterly build of that rack in that year (or its peak in any "
        "year) is filled up to each offer's capacity. Supplier capacities are labelled "
        "estimates (ABOM05); the sourcing section plans the real multi-period split.",
    ]
    try:
        supply = load_supply_data(ctx.catalog)
    except RackwrightError as exc:
        return Section(KEY, TITLE, [f"BOM not built: {exc.one_line()}"], {}, notes=notes)

    rows: list[dict[str, Any]] = []
    for gen in sorted(ctx.scenario.generations, key=lambda g: (g.first_year, g.rack)):
        try:
            rows.append(_generation(ctx, supply, gen.rack, gen.first_year, rules))
        except RackwrightError as exc:
            notes.append(f"{gen.rack}: {exc.one_line()}")

    years = list(range(ctx.scenario.horizon.start_year, ctx.scenario.horizon.end_year + 1))
    trajectory = _trajectory(ctx, supply, rules, years)
    summary = [
        f"{r['rack']} ({r['year']}): {r['baseline']['total_cost_usd'] / 1e6:,.2f} MUSD; domestic "
        f"{r['baseline_domestic']['share']:.0%} baseline, {r['domestic']['share']:.0%} reachable "
        f"vs target {r['target']:.0%}"
        for r in rows
    ]
    return Section(
        key=KEY,
        title=TITLE,
        summary=summary or ["no generation could be priced"],
        data={"rules": rules.name, "generations": rows, "trajectory": trajectory},
        tables=_tables(rows),
        figures=_figures(rows, trajectory, years),
        notes=notes,
    )


def _generation(
    ctx: PlanContext, supply: SupplyData, rack_id: str, year: int, rules: Any
) -> dict[str, Any]:
    design = ctx.catalog.rack(rack_id)
    bom = expand_bom(design, ctx.catalog, supply)
    rate = build_rate(ctx, rack_id, year)
    base = rollup(bom, supply, year=year, policy=Policy.CHEAPEST, racks_per_quarter=rate)
    best = rollup(bom, supply, year=year, policy=Policy.DOMESTIC, racks_per_quarter=rate)
    base_verdict = domestic_content(base, rules)
    best_verdict = domestic_content(best, rules)
    return {
        "rack": rack_id,
        "year": year,
        "racks_per_quarter": rate,
        "target": ctx.scenario.domestic_target(year),
        "weight_kg": base.weight_kg,
        "power_max_w": base.power_max_w,
        "baseline": _cost(base),
        "domestic_policy": _cost(best),
        "baseline_domestic": domestic_json(base_verdict),
        "domestic": domestic_json(best_verdict),
        "top_foreign": [line_json(x) for x in _top_foreign(base_verdict)],
    }


def build_rate(ctx: PlanContext, rack_id: str, year: int) -> float | None:
    """Peak quarterly build of ``rack_id`` in ``year``, else its peak in any year, else None."""
    lots = [b for b in ctx.scenario.builds if b.rack == rack_id]
    in_year = [b.racks for b in lots if b.year == year]
    if in_year:
        return float(max(in_year))
    return float(max(b.racks for b in lots)) if lots else None


def _cost(result: Rollup) -> dict[str, Any]:
    return {
        "total_cost_usd": result.total_cost_usd,
        "by_subsystem_usd": {k.value: v for k, v in result.cost_by_subsystem().items()},
    }


def _top_foreign(verdict: DomesticResult) -> list[Any]:
    return list(verdict.top_foreign[:8])


def _trajectory(
    ctx: PlanContext, supply: SupplyData, rules: Any, years: list[int]
) -> dict[str, list[float | None]]:
    """Reachable domestic share per generation and year (None before the generation exists)."""
    out: dict[str, list[float | None]] = {}
    for gen in ctx.scenario.generations:
        try:
            bom = expand_bom(ctx.catalog.rack(gen.rack), ctx.catalog, supply)
        except RackwrightError:
            continue
        shares: list[float | None] = []
        for year in years:
            if year < gen.first_year:
                shares.append(None)
                continue
            try:
                rate = build_rate(ctx, gen.rack, year)
                result = rollup(
                    bom, supply, year=year, policy=Policy.DOMESTIC, racks_per_quarter=rate
                )
                shares.append(domestic_content(result, rules).share)
            except RackwrightError:
                shares.append(None)
        out[gen.rack] = shares
    out["target"] = [ctx.scenario.domestic_target(y) for y in years]
    return out


def _tables(rows: list[dict[str, Any]]) -> list[Table]:
    subsystems = [s.value for s in Subsystem]
    cost = Table(
        title="Rack cost by subsystem (baseline offers, thousand USD)",
        columns=["rack", "year", *subsystems, "total"],
        rows=[
            [
                r["rack"],
                r["year"],
                *(round(r["baseline"]["by_subsystem_usd"][s] / 1e3) for s in subsystems),
                round(r["baseline"]["total_cost_usd"] / 1e3),
            ]
            for r in rows
        ],
    )
    shares = Table(
        title="Domestic share of component value (baseline / reachable with U.S. offers)",
        columns=[
            "rack",
            "year",
            *subsystems[:-1],
            "total",
            "threshold",
            "target",
            "final assembly",
        ],
        rows=[
            [
                r["rack"],
                r["year"],
                *(
                    f"{base['share']:.0%} / {best['share']:.0%}"
                    for base, best in zip(
                        r["baseline_domestic"]["by_subsystem"][:-1],
                        r["domestic"]["by_subsystem"][:-1],
                        strict=True,
                    )
                ),
                f"{r['baseline_domestic']['share']:.0%} / {r['domestic']['share']:.0%}",
                f"{r['domestic']['threshold']:.0%}",
                f"{r['target']:.0%}",
                "/".join(r["domestic"]["final_assembly"]["countries"]) or "none",
            ]
            for r in rows
        ],
        note="Integration labour is not a component, so it has no value share here.",
    )
    foreign = Table(
        title="Largest foreign-origin parts per rack (where domestic content is lost)",
        columns=["rack", "part", "subsystem", "extended USD", "country", "site"],
        rows=[
            [
                r["rack"],
                x["part"],
                x["subsystem"],
                round(x["extended_cost_usd"]),
                x["country"],
                x["site"],
            ]
            for r in rows
            for x in r["top_foreign"]
        ],
    )
    return [cost, shares, foreign]


def _figures(
    rows: list[dict[str, Any]], trajectory: dict[str, list[float | None]], years: list[int]
) -> list[Figure]:
    if not rows:
        return []
    racks = [f"{r['rack']} ({r['year']})" for r in rows]
    cost = bar(
        "Rack cost by subsystem per generation",
        racks,
        {s.value: [r["baseline"]["by_subsystem_usd"][s.value] for r in rows] for s in Subsystem},
        y_title="USD per rack",
        stacked=True,
    )
    share = bar(
        "Domestic share of component value per generation",
        racks,
        {
            "baseline": [r["baseline_domestic"]["share"] for r in rows],
            "with U.S. offers": [r["domestic"]["share"] for r in rows],
            "scenario target": [r["target"] for r in rows],
            "FAR threshold": [r["domestic"]["threshold"] for r in rows],
        },
        y_title="share",
    )
    parts = [s.value for s in Subsystem if s is not Subsystem.INTEGRATION]
    by_subsystem = bar(
        "Reachable domestic share by subsystem vs scenario target",
        racks,
        {
            **{
                name: [
                    next(
                        x["share"] for x in r["domestic"]["by_subsystem"] if x["subsystem"] == name
                    )
                    for r in rows
                ]
                for name in parts
            },
            "scenario target": [r["target"] for r in rows],
        },
        y_title="share",
    )
    over_time = line(
        "Reachable domestic share by year vs scenario target",
        years,
        trajectory,
        x_title="year",
        y_title="share",
    )
    return [cost, share, by_subsystem, over_time]
