"""What one rack of a generation does for each scenario workload, from the performance model.

Training: the design-space search (``rackwright.explore``) over GPU counts in whole racks up to
the workload's ``max_gpus``; the configuration kept is the cheapest that meets the deadline, else
the fastest, and its tokens/s per GPU, GPUs and days are the rate. Inference: the serving layout
with the most output tokens/s per GPU within the latency limits (``explore.serving``). Demand and
TCO both read these rates; the chain's workloads stage will hand them over instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from rackwright.catalog.catalog import Catalog
from rackwright.errors import InfeasibleError, InputError
from rackwright.explore.economics import Economics
from rackwright.explore.search import explore, make_job, pick_for_deadline, rack_choices
from rackwright.explore.serving import ServingDemand, best_serving
from rackwright.perf.efficiency import Efficiency
from rackwright.perf.hardware import hardware_view
from rackwright.perf.models import resolve_model
from rackwright.scenario import InferenceWorkload, Scenario, TrainingWorkload

GPU_COUNT_POINTS = 40
WorkKind = Literal["train", "infer"]


@dataclass(frozen=True)
class WorkRate:
    """Tokens per second one GPU of ``rack`` delivers on ``workload`` (a model estimate).

    Training rates also carry the run the search chose (GPUs, days); ``basis`` says how the rate
    was obtained, for the report.
    """

    workload: str
    kind: WorkKind
    rack: str
    tokens_per_s_per_gpu: float
    basis: str
    run_gpus: int = 0
    run_days: float = 0.0

    def __post_init__(self) -> None:
        if not self.tokens_per_s_per_gpu > 0:
            raise InputError(
                "a work rate must be positive",
                field=f"{self.workload}.tokens_per_s_per_gpu",
                value=self.tokens_per_s_per_gpu,
            )

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "workload": self.workload,
            "kind": self.kind,
            "rack": self.rack,
            "tokens_per_s_per_gpu": self.tokens_per_s_per_gpu,
            "basis": self.basis,
            "run_gpus": self.run_gpus,
            "run_days": self.run_days,
        }


def training_rate(
    workload: TrainingWorkload,
    rack_id: str,
    catalog: Catalog,
    facility_id: str,
    efficiency: Efficiency | None = None,
) -> WorkRate:
    """The training rate of ``workload`` on ``rack_id`` (InfeasibleError when nothing fits)."""
    model = resolve_model(workload.model)
    rack = catalog.rack(rack_id)
    rack_gpus = rack.systems_count * catalog.system(rack.system).gpus_count
    low = min(rack_gpus, workload.max_gpus)
    choices = rack_choices(
        catalog, [rack_id], facility_id, low, workload.max_gpus, max_points=GPU_COUNT_POINTS
    )
    job = make_job(
        model, workload.tokens, workload.precision, workload.seq_len, workload.global_batch_tokens
    )
    result = explore(model, choices, job, objective="cost", top=3, efficiency=efficiency)
    picked, meets = pick_for_deadline(result.pareto, workload.deadline_days * 86400.0)
    verdict = "meets" if meets else "misses"
    return WorkRate(
        workload=workload.id,
        kind="train",
        rack=rack_id,
        tokens_per_s_per_gpu=picked.tokens_per_s_per_gpu,
        basis=(
            f"perf training model, cheapest searched layout that {verdict} the "
            f"{workload.deadline_days:g}-day deadline: {picked.gpus:,} GPUs, tp{picked.tp} "
            f"pp{picked.pp} ep{picked.ep} dp{picked.dp}"
        ),
        run_gpus=picked.gpus,
        run_days=picked.days,
    )


def serving_rate(
    workload: InferenceWorkload,
    rack_id: str,
    catalog: Catalog,
    facility_id: str,
    efficiency: Efficiency | None = None,
) -> WorkRate:
    """The serving rate of ``workload`` on ``rack_id`` within its latency limits."""
    model = resolve_model(workload.model)
    rack = catalog.rack(rack_id)
    system = catalog.system(rack.system)
    demand = ServingDemand(
        daily_output_tokens=workload.daily_output_tokens,
        isl=workload.isl,
        osl=workload.osl,
        ttft_limit_s=workload.ttft_limit_s,
        tpot_limit_s=workload.tpot_limit_s,
        precision=workload.precision,
    )
    economics = Economics.of(system, catalog.facility(facility_id))
    plan = best_serving(model, hardware_view(system.id, catalog), economics, demand, efficiency)
    return WorkRate(
        workload=workload.id,
        kind="infer",
        rack=rack_id,
        tokens_per_s_per_gpu=plan.tokens_per_s_per_gpu,
        basis=f"perf serving model at the TTFT/TPOT limits, {plan.layout()}",
    )


def scenario_rates(
    scenario: Scenario,
    catalog: Catalog,
    racks: list[str] | None = None,
    efficiency: Efficiency | None = None,
) -> tuple[tuple[WorkRate, ...], tuple[str, ...]]:
    """Every workload's rate on every rack (the scenario's generations by default).

    Returns the rates and one line per (workload, rack) that cannot run, with the reason.
    """
    rates: list[WorkRate] = []
    problems: list[str] = []
    for rack_id in racks if racks is not None else [g.rack for g in scenario.generations]:
        for workload in scenario.workloads:
            try:
                if isinstance(workload, TrainingWorkload):
                    rate = training_rate(workload, rack_id, catalog, scenario.facility, efficiency)
                else:
                    rate = serving_rate(workload, rack_id, catalog, scenario.facility, efficiency)
            except InfeasibleError as exc:
                problems.append(f"{workload.id} on {rack_id}: {exc.message}")
                continue
            rates.append(rate)
    return tuple(rates), tuple(problems)
