"""Plan functions for the web pages' tests: the real ``execute_plan`` hook with quick stages whose
data has the shapes of the real BOM and sourcing stages (a BOM tree, a cost-vs-floor curve,
binding capacities, an infeasibility explanation), plus a quick stand-in for the ``risk`` stage
that the pages must show generically. The sourcing plan is infeasible when the scenario's highest
domestic target is above ``INFEASIBLE_ABOVE``.

They run in the run's child process, which imports this module by name (``web_plans:...``).
"""

from __future__ import annotations

from typing import Any

import plan_fakes
from plan_fakes import SITE_CAPACITY, SUPPLIER_PRICE
from rackwright.chain import ChainRun, PlanInputs, Stage, Upstream
from rackwright.chain.runner import order_stages
from rackwright.plan import PlanPart, plan_parts
from rackwright.report.charts import bar, line
from rackwright.report.section import Figure, Section, Table
from rackwright.store.runs import PlanOutcome, PlanRunInputs, Progress, execute_plan

FLOORS = (0.0, 0.2, 0.4, 0.6, 0.8)
INFEASIBLE_ABOVE = 0.8
SUBSYSTEMS = ("compute", "networking", "cooling")


def _part(node_id: str, subsystem: str, cost: float, country: str, site: str) -> dict[str, Any]:
    return {
        "id": node_id, "name": node_id.replace("-", " "), "level": "part", "qty": 2.0,
        "attrition_pct": 0.0, "qty_per_rack": 2.0, "extended_cost_usd": cost,
        "countries": [country], "subsystem": subsystem, "unit_cost_usd": cost / 2,
        "offers": [f"of-{node_id}"], "sites": [site],
    }  # fmt: skip


def _tree(rack: str) -> dict[str, Any]:
    gpu = _part("gpu-board", "compute", 2.0e6, "TW", "tw-hsinchu")
    nic = _part("nic-800g", "networking", 1.0e5, "US", "us-austin")
    cold = _part("cold-plate", "cooling", SUPPLIER_PRICE, "MX", "mx-juarez")
    tray = {
        "id": "compute-tray", "name": "compute tray", "level": "component", "qty": 18.0,
        "attrition_pct": 0.0, "qty_per_rack": 18.0, "subsystem": "compute",
        "extended_cost_usd": 2.1e6, "countries": ["TW", "US"], "children": [gpu, nic],
    }  # fmt: skip
    return {
        "id": rack, "name": f"{rack} rack", "level": "rack", "qty": 1.0, "attrition_pct": 0.0,
        "qty_per_rack": 1.0, "extended_cost_usd": 2.1e6 + SUPPLIER_PRICE,
        "countries": ["MX", "TW", "US"], "children": [tray, cold],
    }  # fmt: skip


def _domestic(share: float) -> dict[str, Any]:
    return {
        "share": share, "threshold": 0.65, "passes": share >= 0.4,
        "final_assembly": {"countries": ["US"], "passes": True},
        "by_subsystem": [
            {"subsystem": s, "share": share / (i + 1), "target": 0.4, "passes": True}
            for i, s in enumerate(SUBSYSTEMS)
        ],
    }  # fmt: skip


def bom_data(inputs: PlanInputs) -> dict[str, Any]:
    """Per generation: costs by subsystem, domestic shares, the BOM tree (like the real stage)."""
    generations = []
    for g in inputs.scenario.generations:
        costs = {"compute": 2.1e6, "networking": 1.0e5, "cooling": SUPPLIER_PRICE}
        generations.append(
            {
                "rack": g.rack, "year": g.first_year, "racks_per_quarter": 100.0, "target": 0.4,
                "baseline": {"total_cost_usd": sum(costs.values()), "by_subsystem_usd": costs},
                "domestic_policy": {"total_cost_usd": 3.5e6, "by_subsystem_usd": costs},
                "baseline_domestic": _domestic(0.3), "domestic": _domestic(0.45),
                "top_foreign": [{"part": "gpu-board", "unit_cost_usd": SUPPLIER_PRICE}],
                "tree": _tree(g.rack),
            }
        )  # fmt: skip
    return {"rules": "buy-american", "generations": generations, "trajectory": {}}


def sourcing_data(inputs: PlanInputs) -> dict[str, Any]:
    """A plan, or none with its explanation, and a five-floor cost curve per generation."""
    highest = max((t.share for t in inputs.scenario.domestic_targets), default=0.0)
    feasible = highest <= INFEASIBLE_ABOVE
    periods = sorted({b.period for b in inputs.scenario.builds})
    curve = [
        {
            "rack": g.rack,
            "racks": sum(b.racks for b in inputs.scenario.builds if b.rack == g.rack),
            "points": [
                {
                    "floor": f,
                    "status": "optimal" if f <= 0.6 else "infeasible",
                    "cost_per_rack_usd": 3.4e6 * (1 + f * f) if f <= 0.6 else None,
                    "gap": 1e-4 if f <= 0.6 else None,
                }
                for f in FLOORS
            ],
        }
        for g in inputs.scenario.generations
    ]
    plan = {
        "status": "optimal" if feasible else "infeasible",
        "has_plan": feasible,
        "costs": {"price_usd": 1.2e9, "tariff_usd": 4.5e7, "total_usd": 1.25e9},
        "periods": [
            {"period": p, "spend_usd": 6.0e8, "domestic_usd": 2.7e8, "domestic_share": 0.45,
             "floor": 0.4}
            for p in periods
        ] if feasible else [],
        "binding_capacities": [
            {"offer_id": "of-cold-plate", "part_id": "cold-plate", "site_id": "mx-juarez",
             "period": periods[0], "capacity_units": SITE_CAPACITY}
        ] if feasible else [],
    }  # fmt: skip
    explanation = (
        []
        if feasible
        else [
            {
                "kind": "domestic_floor", "period": periods[-1], "item": "domestic share",
                "amount": round(highest - 0.6, 4), "unit": "share",
                "message": f"the U.S. share reaches 60% at most; the target asks {highest:.0%}",
            }
        ]
    )  # fmt: skip
    return {"policy": "nov-2025", "explanation": explanation, "plan": plan, "cost_curve": curve}


def risk_data(inputs: PlanInputs) -> dict[str, Any]:
    """A stand-in for the risk stage: exposure by country and subsystem."""
    return {
        "exposure": [
            {"country": "TW", "subsystem": "compute", "index": 0.72},
            {"country": "MX", "subsystem": "cooling", "index": 0.31},
        ]
    }


def _present_bom(data: dict[str, Any]) -> tuple[list[Table], list[Figure]]:
    rows = data["generations"]
    table = Table(
        "Rack cost by subsystem (USD)",
        ["rack", *SUBSYSTEMS],
        [[r["rack"], *(r["baseline"]["by_subsystem_usd"][s] for s in SUBSYSTEMS)] for r in rows],
    )
    chart = bar(
        "Rack cost by subsystem per generation",
        [r["rack"] for r in rows],
        {s: [r["baseline"]["by_subsystem_usd"][s] / 1e6 for r in rows] for s in SUBSYSTEMS},
        x_title="rack generation",
        y_title="rack cost (M USD per rack)",
        stacked=True,
    )
    return [table], [chart]


def _present_sourcing(data: dict[str, Any]) -> tuple[list[Table], list[Figure]]:
    curve = data["cost_curve"]
    chart = line(
        "Landed cost per rack vs domestic-content floor",
        list(FLOORS),
        {c["rack"]: [p["cost_per_rack_usd"] for p in c["points"]] for c in curve},
        x_title="hard domestic floor",
        y_title="landed cost (USD per rack)",
        x_percent=True,
    )
    return [], [chart]


def _present_risk(data: dict[str, Any]) -> tuple[list[Table], list[Figure]]:
    rows = data["exposure"]
    table = Table(
        "Exposure by country and subsystem",
        ["country", "subsystem", "index"],
        [[r["country"], r["subsystem"], r["index"]] for r in rows],
    )
    chart = bar(
        "Risk exposure index",
        [f"{r['country']} {r['subsystem']}" for r in rows],
        {"exposure": [r["index"] for r in rows]},
        x_title="country and subsystem",
        y_title="exposure index (0-1)",
    )
    return [table], [chart]


class FakeResult(plan_fakes.FakeResult):
    """A result whose data is its JSON."""


def _rich_part(key: str, title: str, make: Any, present: Any) -> PlanPart:
    def run(inputs: PlanInputs, upstream: Upstream) -> FakeResult:
        return FakeResult((f"{title}: quick test stage",), make(inputs))

    stage = Stage(key, title, (), run, FakeResult)

    def section(inputs: PlanInputs, chain: ChainRun) -> Section:
        result: FakeResult = chain.result(stage)
        tables, figures = present(result.data)
        return Section(key, title, list(result.summary), result.data, tables, figures)

    return PlanPart(stage, section)


PARTS = [
    plan_fakes.PARTS[0],  # workloads (the lab's)
    plan_fakes.PARTS[1],  # rack (shared)
    _rich_part("bom", "Bill of materials and domestic content", bom_data, _present_bom),
    _rich_part("sourcing", "Sourcing", sourcing_data, _present_sourcing),
    _rich_part("risk", "Supply risk", risk_data, _present_risk),
]


def quick_plan(inputs: PlanRunInputs, progress: Progress | None = None) -> PlanOutcome:
    """The real hook with the quick stages above."""
    return execute_plan(inputs, progress, parts=PARTS)


def real_bom_plan(inputs: PlanRunInputs, progress: Progress | None = None) -> PlanOutcome:
    """The real hook with the real BOM stage only (about a second on the default scenario)."""
    parts = [p for p in plan_parts() if p.stage.key == "bom"]
    return execute_plan(inputs, progress, parts=parts)


def real_finance_plan(inputs: PlanRunInputs, progress: Progress | None = None) -> PlanOutcome:
    """The real hook with the real tco and decision stages and what they need (a few seconds)."""
    everything = plan_parts()
    needed = {s.key for s in order_stages([p.stage for p in everything], ("tco", "decision"))}
    return execute_plan(inputs, progress, parts=[p for p in everything if p.stage.key in needed])
