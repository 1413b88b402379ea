"""What each scenario workload needs on each rack generation: the workloads stage's engine.

Training: the design-space search runs over GPU counts in whole racks up to the workload's
``max_gpus``; the configuration kept is the cheapest that meets the deadline, else the fastest.
Inference: the serving layout with the most output tokens/s per GPU within the latency limits,
and the fleet the daily volume needs. Cost is priced from the rack's BOM cost and engineered
power (``Economics.of_rack``), never a list price.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from rackwright.catalog.catalog import Catalog
from rackwright.errors import InfeasibleError
from rackwright.explore.economics import Economics
from rackwright.explore.search import (
    Candidate,
    ExploreResult,
    explore,
    make_job,
    pick_for_deadline,
    rack_choices,
)
from rackwright.explore.serving import ServingDemand, ServingPlan, best_serving
from rackwright.perf.efficiency import Efficiency
from rackwright.perf.hardware import hardware_view
from rackwright.perf.models import ModelArch
from rackwright.scenario import InferenceWorkload, TrainingWorkload

GPU_COUNT_POINTS = 40


@dataclass(frozen=True)
class RackOffer:
    """One rack generation as the workloads see it: its id, GPUs per rack and economics."""

    rack: str
    rack_gpus: int
    economics: Economics


@dataclass(frozen=True)
class TrainingOutcome:
    """One training workload on one generation: the chosen configuration, or why there is none."""

    workload: str
    rack: str
    rack_gpus: int
    deadline_days: float
    choice: Candidate | None
    meets_deadline: bool
    front: tuple[Candidate, ...]
    configs_evaluated: int
    seconds: float = 0.0
    reason: str = ""

    @property
    def racks(self) -> int:
        """Whole racks the chosen configuration occupies."""
        return math.ceil(self.choice.gpus / self.rack_gpus) if self.choice else 0

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "workload": self.workload,
            "rack": self.rack,
            "deadline_days": self.deadline_days,
            "meets_deadline": self.meets_deadline,
            "racks": self.racks,
            "configs_evaluated": self.configs_evaluated,
            "choice": self.choice.to_dict() if self.choice else None,
            "pareto": [c.to_dict() for c in self.front],
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ServingOutcome:
    """One inference workload on one generation."""

    workload: str
    rack: str
    rack_gpus: int
    plan: ServingPlan | None
    reason: str = ""

    @property
    def racks(self) -> int:
        """Whole racks the fleet occupies."""
        return math.ceil(self.plan.gpus / self.rack_gpus) if self.plan else 0

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        plan = None
        if self.plan is not None:
            plan = {**self.plan.__dict__, "layout": self.plan.layout()}
        return {
            "workload": self.workload,
            "rack": self.rack,
            "racks": self.racks,
            "plan": plan,
            "reason": self.reason,
        }


def train_outcome(
    workload: TrainingWorkload,
    model: ModelArch,
    offer: RackOffer,
    catalog: Catalog,
    facility_id: str,
    efficiency: Efficiency,
) -> TrainingOutcome:
    """Search one training workload on one rack generation."""
    low = min(offer.rack_gpus, workload.max_gpus)
    (choice,) = rack_choices(
        catalog,
        [offer.rack],
        facility_id,
        low,
        workload.max_gpus,
        max_points=GPU_COUNT_POINTS,
        economics={offer.rack: offer.economics},
    )
    job = make_job(
        model, workload.tokens, workload.precision, workload.seq_len, workload.global_batch_tokens
    )
    try:
        result: ExploreResult = explore(
            model, [choice], job, objective="cost", top=3, efficiency=efficiency
        )
    except InfeasibleError as exc:
        return TrainingOutcome(
            workload.id, offer.rack, offer.rack_gpus, workload.deadline_days, None, False, (), 0,
            reason=exc.message,
        )  # fmt: skip
    picked, meets = pick_for_deadline(result.pareto, workload.deadline_days * 86400.0)
    return TrainingOutcome(
        workload=workload.id,
        rack=offer.rack,
        rack_gpus=offer.rack_gpus,
        deadline_days=workload.deadline_days,
        choice=picked,
        meets_deadline=meets,
        front=result.pareto,
        configs_evaluated=result.configs_evaluated,
        seconds=result.seconds,
    )


def serve_outcome(
    workload: InferenceWorkload,
    model: ModelArch,
    offer: RackOffer,
    catalog: Catalog,
    efficiency: Efficiency,
) -> ServingOutcome:
    """Size one inference workload's fleet on one rack generation."""
    demand = ServingDemand(
        daily_output_tokens=workload.daily_output_tokens,
        isl=workload.isl,
        osl=workload.osl,
        ttft_limit_s=workload.ttft_limit_s,
        tpot_limit_s=workload.tpot_limit_s,
        precision=workload.precision,
    )
    hardware = hardware_view(offer.economics.system_id, catalog)
    try:
        plan = best_serving(model, hardware, offer.economics, demand, efficiency)
    except InfeasibleError as exc:
        return ServingOutcome(workload.id, offer.rack, offer.rack_gpus, None, exc.message)
    return ServingOutcome(workload.id, offer.rack, offer.rack_gpus, plan)
