"""The demand stage: the scenario's demand cases as racks, GPUs and MW per generation per quarter,
and the build plan every later stage plans (the explicit ``[[build]]`` lots, or with
``build = "from-demand"`` the racks the build case implies).

Rates come from the workloads stage (tokens/s per GPU of each workload on each generation), GPUs
per rack and typical power from the rack stage, PUE from the scenario's facility. A scenario
without a [demand] block has no projection; its build plan is the explicit one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from rackwright.chain.inputs import PlanInputs
from rackwright.chain.stage import Stage, Upstream
from rackwright.demand.fleet import project
from rackwright.demand.inputs import demand_inputs, explicit_builds, plan_builds
from rackwright.demand.models import DemandResult
from rackwright.demand.rates import WorkRate, rates_from
from rackwright.errors import ScenarioError
from rackwright.explore.stage import WORKLOADS
from rackwright.rack.stage import RACK
from rackwright.scenario import BuildLot


@dataclass(frozen=True)
class DemandStageResult:
    """The projection (None without a [demand] block), the rates it used, and the build plan."""

    build: str  # the scenario's build mode: "explicit" or "from-demand"
    builds: tuple[BuildLot, ...]  # what the factory and sourcing stages plan
    rates: tuple[WorkRate, ...]
    problems: tuple[str, ...]
    projection: DemandResult | None

    @property
    def from_demand(self) -> bool:
        """Whether the build plan is the demand's (not the scenario's [[build]] lots)."""
        return self.build == "from-demand"

    def to_json(self) -> dict[str, Any]:
        """The ``demand --json`` document: the projection's fields, the rates, the build plan."""
        projection: dict[str, Any] = (
            self.projection.to_json()
            if self.projection is not None
            else {"build_case": None, "cases": [], "gap": []}
        )
        return {
            **projection,
            "build": self.build,
            "plan_builds": [lot.model_dump(mode="json") for lot in self.builds],
            "rates": [r.to_json() for r in self.rates],
            "problems": list(self.problems),
        }


def projection(inputs: PlanInputs, upstream: Upstream, rates: tuple[WorkRate, ...]) -> DemandResult:
    """Every demand case projected into racks per generation per quarter."""
    scenario = inputs.scenario
    racks = upstream.of(RACK)
    ids = [g.rack for g in scenario.generations]
    gpus = {r: racks.analysis(r).gpus_count for r in ids}
    power = {r: racks.analysis(r).power_typical_w for r in ids}
    pue = inputs.catalog.facility(scenario.facility).pue_ratio
    specs = demand_inputs(scenario, rates, gpus, power, pue, inputs.scenario_file)
    build_case = scenario.demand.build_case if scenario.demand else None
    return project(specs, explicit_builds(scenario), build_case)


def _builds(inputs: PlanInputs, result: DemandResult | None) -> tuple[BuildLot, ...]:
    try:
        return plan_builds(inputs.scenario, result)
    except ValidationError as exc:  # a lot over BuildLot's limit (a million racks a quarter)
        raise ScenarioError(
            f"the demand implies a build lot the plan cannot take: {exc.errors()[0]['msg']}",
            file=inputs.scenario_file,
            field="demand.build_case",
            value=result.build_case if result else None,
        ) from None


def run(inputs: PlanInputs, upstream: Upstream) -> DemandStageResult:
    """Project the scenario's demand cases and settle the build plan downstream stages plan."""
    work = upstream.of(WORKLOADS)
    rates, problems = rates_from(work.training, work.inference)
    result = projection(inputs, upstream, rates) if inputs.scenario.demand is not None else None
    return DemandStageResult(
        build=inputs.scenario.build,
        builds=_builds(inputs, result),
        rates=rates,
        problems=problems,
        projection=result,
    )


DEMAND = Stage(
    "demand", "Demand: GPUs, racks and MW per generation", ("rack", "workloads"), run,
    DemandStageResult,
)  # fmt: skip


def with_build_plan(inputs: PlanInputs, upstream: Upstream) -> PlanInputs:
    """``inputs`` whose scenario builds the demand stage's build plan (unchanged when explicit).

    The factory and sourcing stages plan ``inputs.scenario.builds``; with ``build =
    "from-demand"`` these are the racks the demand's build case implies, from this run.
    """
    demand = upstream.of(DEMAND)
    if not demand.from_demand:
        return inputs
    scenario = inputs.scenario.model_copy(update={"builds": list(demand.builds)})
    return dataclasses.replace(inputs, scenario=scenario)
