"""Report section ``bom``: cost by subsystem per generation, domestic content against targets.

Presents the BOM stage (``rackwright.bom.stage``): each generation priced in its first year with
the cheapest offers (the baseline: the rack's cost everywhere in the plan) and with U.S. offers
first (what domestic sourcing can reach), against the scenario's ``[[domestic_target]]``.
"""

from __future__ import annotations

from typing import Any

from rackwright.bom import Subsystem
from rackwright.bom.stage import BOM, BomStageResult
from rackwright.chain import ChainRun, PlanInputs
from rackwright.report.charts import bar, line
from rackwright.report.section import Figure, Section, Table


def _notes(result: BomStageResult) -> list[str]:
    rules = result.rules
    return [
        f"Domestic content by {rules.citation or rules.name}: value counted at BOM leaves, each "
        "at its maker site's country; assembly labour decides final assembly only.",
        "'baseline' = cheapest offers first; 'reachable' = U.S. offers first; each part's need "
        "at the scenario's peak quarterly build of that rack in that year (or its peak in any "
        "year) is filled up to each offer's capacity. Supplier capacities are labelled "
        "estimates (ABOM05); the sourcing section plans the real multi-period split.",
        *result.failures,
    ]


def present(inputs: PlanInputs, run: ChainRun) -> Section:
    """Every generation's BOM cost and domestic content."""
    result: BomStageResult = run.result(BOM)
    data = result.to_json()
    rows: list[dict[str, Any]] = data["generations"]
    years = list(result.years)
    trajectory = {k: list(v) for k, v in result.trajectory.items()}
    summary = [
        f"{r['rack']} ({r['year']}): {r['baseline']['total_cost_usd'] / 1e6:,.2f} MUSD; "
        f"domestic content by component value {r['baseline_domestic']['share']:.0%} baseline, "
        f"{r['domestic']['share']:.0%} reachable vs target {r['target']:.0%}"
        for r in rows
    ]
    return Section(
        key=BOM.key,
        title=BOM.title,
        summary=summary or ["no generation could be priced"],
        data=data,
        tables=_tables(rows),
        figures=_figures(rows, trajectory, years),
        notes=_notes(result),
    )


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
        {
            s.value: [r["baseline"]["by_subsystem_usd"][s.value] / 1e6 for r in rows]
            for s in Subsystem
        },
        x_title="rack generation (first year)",
        y_title="rack cost (M USD per rack)",
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
        x_title="rack generation (first year)",
        y_title="domestic share of value",
        percent=True,
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
        x_title="rack generation (first year)",
        y_title="reachable domestic share",
        percent=True,
    )
    over_time = line(
        "Reachable domestic share by year vs scenario target",
        years,
        trajectory,
        x_title="year",
        y_title="reachable domestic share",
        y_percent=True,
    )
    return [cost, share, by_subsystem, over_time]
