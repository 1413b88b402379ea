"""The workloads stage: every scenario workload on every rack generation, priced from the BOM."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rackwright.bom.stage import BOM
from rackwright.chain.inputs import PlanInputs
from rackwright.chain.stage import Stage, Upstream
from rackwright.explore.economics import DEFAULT_LIFE_YEARS, Economics
from rackwright.explore.workloads import (
    RackOffer,
    ServingOutcome,
    TrainingOutcome,
    serve_outcome,
    train_outcome,
)
from rackwright.rack.stage import RACK


@dataclass(frozen=True)
class WorkloadsResult:
    """Training and serving outcomes per workload and generation, and the cost basis used."""

    training: tuple[TrainingOutcome, ...]
    inference: tuple[ServingOutcome, ...]
    price_basis: dict[str, str]
    life_years: float
    pue_ratio: float
    electricity_usd_per_kwh: float
    facility: str

    @property
    def configs_evaluated(self) -> int:
        """Training configurations the search evaluated, over every workload and generation."""
        return sum(o.configs_evaluated for o in self.training)

    @property
    def search_seconds(self) -> float:
        """Seconds the training search took."""
        return sum(o.seconds for o in self.training)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "training": [o.to_json() for o in self.training],
            "inference": [o.to_json() for o in self.inference],
            "configs_evaluated": self.configs_evaluated,
            "seconds": self.search_seconds,
            "price_basis": self.price_basis,
            "life_years": self.life_years,
        }


def rack_offers(inputs: PlanInputs, upstream: Upstream) -> list[RackOffer]:
    """Each generation's GPUs per rack and economics: BOM cost and engineered typical power."""
    racks, boms = upstream.of(RACK), upstream.of(BOM)
    facility = inputs.catalog.facility(inputs.scenario.facility)
    offers = []
    for gen in inputs.scenario.generations:
        analysis = racks.analysis(gen.rack)
        economics = Economics.of_rack(analysis, boms.price(gen.rack).usd, facility)
        offers.append(RackOffer(gen.rack, analysis.system_gpus_count, economics))
    return offers


def run(inputs: PlanInputs, upstream: Upstream) -> WorkloadsResult:
    """Search each training workload and size each inference fleet on every generation."""
    scenario, catalog, eff = inputs.scenario, inputs.catalog, inputs.efficiency
    offers = rack_offers(inputs, upstream)
    training = tuple(
        train_outcome(w, inputs.model(w.model), offer, catalog, scenario.facility, eff)
        for w in scenario.training()
        for offer in offers
    )
    inference = tuple(
        serve_outcome(w, inputs.model(w.model), offer, catalog, eff)
        for w in scenario.inference()
        for offer in offers
    )
    facility = catalog.facility(scenario.facility)
    boms = upstream.of(BOM)
    return WorkloadsResult(
        training=training,
        inference=inference,
        price_basis={o.rack: boms.price(o.rack).basis for o in offers},
        life_years=DEFAULT_LIFE_YEARS,
        pue_ratio=facility.pue_ratio,
        electricity_usd_per_kwh=facility.electricity_usd_per_kwh,
        facility=facility.id,
    )


WORKLOADS = Stage("workloads", "Workloads", ("rack", "bom"), run, WorkloadsResult)
