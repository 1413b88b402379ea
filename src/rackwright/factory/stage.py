"""The factory stage: the plan's racks through the U.S. lines (simulated) and the ramp that builds
them (lines, shifts, people per site and quarter), from the rack and BOM stages' figures.

The simulation covers the first year of the build plan; the ramp covers every quarter of it and
stops at a stated relative gap, never on the clock, so the same inputs give the same plan.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from rackwright.bom.stage import BOM
from rackwright.chain.inputs import PlanInputs
from rackwright.chain.stage import Stage, Upstream
from rackwright.errors import InputError
from rackwright.explore.executors import make_executor
from rackwright.factory.buildplan import (
    builds_from_scenario,
    period_index,
    period_name,
    shares_from_scenario,
)
from rackwright.factory.engine import simulate_factory
from rackwright.factory.inputs import FactoryInputs
from rackwright.factory.products import rack_products
from rackwright.factory.ramp import plan_ramp
from rackwright.factory.ramp_data import RampRequest
from rackwright.factory.ramp_result import RampPlan
from rackwright.factory.results import FactorySimulation
from rackwright.factory.site_model import SimulationRequest
from rackwright.rack.stage import RACK

SIMULATED_WEEKS = 52
REPLICATIONS = 5
# The ramp MILP stops at this proven gap (about 3 s for the default plan on 2 cores); the time
# limit is only a guard, and a plan that stops on it says so.
RAMP_GAP = 0.05
RAMP_TIME_LIMIT_S = 300.0


@dataclass(frozen=True)
class FactoryStageResult:
    """The simulated first year of the build plan and the capacity and ramp plan."""

    simulation: FactorySimulation
    ramp: RampPlan

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"simulation": self.simulation.to_json(), "ramp": self.ramp.to_json()}


def factory_inputs(inputs: PlanInputs, upstream: Upstream) -> FactoryInputs:
    """The factory engines' inputs: the scenario's builds and sites, each rack's engineered
    figures (rack stage) and cost (BOM stage)."""
    builds = builds_from_scenario(inputs.scenario)
    if not builds:
        raise InputError("the scenario has no [[build]] plan", file=inputs.scenario_file)
    racks, boms = upstream.of(RACK), upstream.of(BOM)
    ids = list(dict.fromkeys(b.rack_id for b in builds))
    products = rack_products(
        inputs.catalog,
        {r: racks.analysis(r) for r in ids},
        {r: boms.price(r).usd for r in ids},
    )
    return FactoryInputs(inputs.factory, products, builds, shares_from_scenario(inputs.scenario))


def first_period(factory: FactoryInputs) -> str:
    """The build plan's first quarter."""
    return period_name(min(period_index(b.period) for b in factory.builds))


def run(inputs: PlanInputs, upstream: Upstream) -> FactoryStageResult:
    """Simulate the plan's first year on every site and plan the ramp for all of it."""
    fi = factory_inputs(inputs, upstream)
    fields = {f.name: getattr(fi, f.name) for f in dataclasses.fields(fi)}
    request = SimulationRequest(
        **fields,
        start_period=first_period(fi),
        weeks=SIMULATED_WEEKS,
        replications=REPLICATIONS,
        seed=inputs.settings.seed,
    )
    executor = make_executor(inputs.settings.executor)
    try:
        simulation = simulate_factory(request, executor)
    finally:
        executor.close()
    ramp = plan_ramp(RampRequest(**fields, time_limit_s=RAMP_TIME_LIMIT_S, mip_rel_gap=RAMP_GAP))
    return FactoryStageResult(simulation, ramp)


FACTORY = Stage(
    "factory", "U.S. factories: lines, bottlenecks and ramp", ("rack", "bom"), run,
    FactoryStageResult,
)  # fmt: skip
