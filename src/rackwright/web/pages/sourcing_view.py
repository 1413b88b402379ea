"""The sourcing page's model, from the sourcing stage's data as the person may see it.

In full (the manufacturer, or the run's owner): the plan's status and landed cost, the
explanation when the plan as specified is infeasible, the cost-vs-domestic-floor curve, the
domestic share per quarter and the binding capacities. As an aggregate (the lab on the
manufacturer's shared run): status, the curve and the share per quarter only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rackwright.report.charts import line
from rackwright.report.section import Figure, Table
from rackwright.web.sections import SectionView

CURVE_TITLE = "Landed cost per rack vs domestic-content floor"


@dataclass(frozen=True)
class SourcingView:
    """What the sourcing page shows."""

    status: str | None
    has_plan: bool | None
    full: bool
    explanation: Table | None
    curve: Table | None
    periods: Table | None
    binding: Table | None
    costs: Table | None
    figures: list[Figure] = field(default_factory=list)


def curve_table(curve: list[dict[str, Any]]) -> Table:
    """Every point of every generation's curve: its floor, solve status and cost per rack."""
    return Table(
        title="Cost per rack at each hard domestic floor",
        columns=["rack", "floor", "status", "landed cost per rack (USD)"],
        rows=[
            [c.get("rack"), f"{p.get('floor', 0):.0%}", p.get("status"), p.get("cost_per_rack_usd")]
            for c in curve
            for p in c.get("points", [])
        ],
        group_columns=1,
    )


def curve_figure(curve: list[dict[str, Any]]) -> Figure | None:
    """Landed cost per rack (M USD) against the floor, one line per generation."""
    floors = sorted({p["floor"] for c in curve for p in c.get("points", []) if "floor" in p})
    if not floors:
        return None
    series = {}
    for c in curve:
        by_floor = {p.get("floor"): p.get("cost_per_rack_usd") for p in c.get("points", [])}
        series[str(c.get("rack"))] = [
            None if by_floor.get(f) is None else by_floor[f] / 1e6 for f in floors
        ]
    return line(
        CURVE_TITLE,
        floors,
        series,
        x_title="hard domestic floor (U.S. share of purchase spend)",
        y_title="landed cost (M USD per rack)",
        x_percent=True,
        note="A line stops where no plan meets a higher floor.",
    )


def periods_view(periods: list[dict[str, Any]], full: bool) -> tuple[Table, Figure]:
    """The U.S. share of purchase spend per quarter against its floor: table and chart."""
    columns = ["quarter", *(["spend USD"] if full else []), "U.S. share", "floor"]
    rows: list[list[str | float | int | None]] = [
        [
            p.get("period"),
            *([p.get("spend_usd")] if full else []),
            f"{p.get('domestic_share', 0):.1%}",
            f"{p.get('floor', 0):.1%}",
        ]
        for p in periods
    ]
    chart = line(
        "Domestic share vs floor by quarter",
        [str(p.get("period")) for p in periods],
        {
            "U.S. share": [p.get("domestic_share") for p in periods],
            "floor": [p.get("floor") for p in periods],
        },
        x_title="arrival quarter",
        y_title="U.S. share of purchase spend",
        y_percent=True,
    )
    return Table("Domestic share by quarter", columns, rows), chart


def _binding(plan: dict[str, Any]) -> Table:
    items = plan.get("binding_capacities", [])
    return Table(
        title="Binding capacities: offers shipping at full capacity",
        columns=["offer", "part", "site", "quarter", "capacity (units)"],
        rows=[
            [
                b.get("offer_id"),
                b.get("part_id"),
                b.get("site_id"),
                b.get("period"),
                b.get("capacity_units"),
            ]
            for b in items
        ],
        note="Adding capacity here lowers cost or makes a higher domestic floor reachable.",
    )


def _explanation(items: list[dict[str, Any]]) -> Table | None:
    if not items:
        return None
    return Table(
        title="Why the plan as specified is infeasible (smallest relaxation)",
        columns=["rule", "quarter", "item", "amount", "unit", "explanation"],
        rows=[
            [
                v.get("kind"),
                v.get("period"),
                v.get("item"),
                v.get("amount"),
                v.get("unit"),
                v.get("message"),
            ]
            for v in items
        ],
    )


def _costs(plan: dict[str, Any]) -> Table | None:
    costs = plan.get("costs") or {}
    if not plan.get("has_plan") or not costs:
        return None
    return Table(
        title="Landed cost by component",
        columns=["component", "USD"],
        rows=[[k.removesuffix("_usd"), v] for k, v in costs.items()],
    )


def sourcing_view(section: SectionView) -> SourcingView:
    """The page's model of the sourcing stage ``section``."""
    data = section.data
    full = section.access == "full"
    plan = data.get("plan", {}) if full else data
    curve = data.get("cost_curve", [])
    periods = plan.get("periods", [])
    figures: list[Figure] = []
    chart = curve_figure(curve)
    if chart is not None:
        figures.append(chart)
    period_table = None
    if periods:
        period_table, period_chart = periods_view(periods, full)
        figures.append(period_chart)
    return SourcingView(
        status=plan.get("status"),
        has_plan=plan.get("has_plan"),
        full=full,
        explanation=_explanation(data.get("explanation", [])) if full else None,
        curve=curve_table(curve) if curve else None,
        periods=period_table,
        binding=_binding(plan) if full else None,
        costs=_costs(plan) if full else None,
        figures=figures,
    )
