"""Plan functions for the service's run tests: the real ``execute_plan`` hook with quick stages
(the real engines take about a minute), one that crashes, one that is slow.

They run in the run's child process, which imports this module by name (``plan_fakes:...``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rackwright.chain import ChainRun, PlanInputs, Stage, Upstream
from rackwright.plan import PlanPart
from rackwright.report.section import Section
from rackwright.store.runs import PlanOutcome, PlanRunInputs, Progress, execute_plan

SUPPLIER_PRICE = 123_456.789  # a figure only the manufacturer may see
SITE_CAPACITY = 4321.0


@dataclass(frozen=True)
class FakeResult:
    """A stage result that is just its report section's summary and data."""

    summary: tuple[str, ...]
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return self.data


def _part(
    key: str, title: str, make: Callable[[PlanInputs], tuple[list[str], dict[str, Any]]]
) -> PlanPart:
    """A stage that computes ``make(inputs)`` and a presenter that shows it unchanged."""

    def run(inputs: PlanInputs, upstream: Upstream) -> FakeResult:
        summary, data = make(inputs)
        return FakeResult(tuple(summary), data)

    stage = Stage(key, title, (), run, FakeResult)

    def present(inputs: PlanInputs, chain: ChainRun) -> Section:
        result: FakeResult = chain.result(stage)
        return Section(key, title, list(result.summary), result.data)

    return PlanPart(stage, present)


def workloads(inputs: PlanInputs) -> tuple[list[str], dict[str, Any]]:
    """A lab-party stage: the workload definitions."""
    ids = [w.id for w in inputs.scenario.workloads]
    return [f"workloads {', '.join(ids)}"], {"training": [{"workload": i} for i in ids]}


def bom(inputs: PlanInputs) -> tuple[list[str], dict[str, Any]]:
    """A manufacturer-party stage with a supplier price and the aggregate the lab may see."""
    rack = inputs.scenario.generations[0].rack
    generation = {
        "rack": rack,
        "year": inputs.scenario.horizon.start_year,
        "racks_per_quarter": 100.0,
        "target": 0.4,
        "domestic": {"share": 0.45, "passes": True, "top_foreign": [{"price": SUPPLIER_PRICE}]},
        "domestic_policy": {"total_cost_usd": 3.5e6, "by_subsystem_usd": {"compute": 2.0e6}},
        "baseline": {"total_cost_usd": 3.4e6},
        "top_foreign": [{"offer": "of-x", "unit_price_usd": SUPPLIER_PRICE}],
    }
    return [f"cheapest offer {SUPPLIER_PRICE} USD"], {
        "rules": "buy-american",
        "generations": [generation],
        "trajectory": {rack: [0.45]},
    }


def sourcing(inputs: PlanInputs) -> tuple[list[str], dict[str, Any]]:
    """A manufacturer-party stage with capacities and tariffs per offer."""
    return ["binding capacity"], {
        "plan": {
            "status": "optimal",
            "has_plan": True,
            "costs": {"tariff_usd": 99.0},
            "periods": [
                {
                    "period": "2026Q3",
                    "domestic_share": 0.45,
                    "floor": 0.4,
                    "spend_usd": SUPPLIER_PRICE,
                }
            ],
            "binding_capacities": [{"offer_id": "of-x", "capacity_units": SITE_CAPACITY}],
            "qualified_offers": ["of-x"],
        },
        "cost_curve": [
            {
                "rack": "r",
                "racks": 350,
                "points": [
                    {"floor": 0.0, "status": "optimal", "cost_per_rack_usd": 3.6e6, "gap": 0.001}
                ],
            }
        ],
        "explanation": [{"message": f"site short by {SITE_CAPACITY} units"}],
    }


def rack(inputs: PlanInputs) -> tuple[list[str], dict[str, Any]]:
    """A shared-party stage (rack engineering)."""
    return ["13 pass"], {"racks": [{"rack": g.rack} for g in inputs.scenario.generations]}


PARTS = [
    _part("workloads", "Workloads", workloads),
    _part("rack", "Rack", rack),
    _part("bom", "BOM", bom),
    _part("sourcing", "Sourcing", sourcing),
]


def quick_plan(inputs: PlanRunInputs, progress: Progress | None = None) -> PlanOutcome:
    """The real hook with the quick stages above."""
    return execute_plan(inputs, progress, parts=PARTS)


def crashing_plan(inputs: PlanRunInputs, progress: Progress | None = None) -> PlanOutcome:
    """Dies like a segfault or the OOM killer would, after reporting a first stage."""
    if progress is not None:
        progress("workloads", 0, 4)
    os._exit(9)


def slow_plan(inputs: PlanRunInputs, progress: Progress | None = None) -> PlanOutcome:
    """Reports progress for a long time (for tests that stop the server mid-run)."""
    for _ in range(600):
        if progress is not None:
            progress("workloads", 0, 4)
        time.sleep(0.1)
    return quick_plan(inputs, progress)
