"""Plan section: what each scenario workload needs on each rack generation.

Training: the design-space search (``rackwright.explore``) runs over GPU counts in whole racks up
to the workload's ``max_gpus``; the configuration shown is the cheapest that meets the deadline,
else the fastest. Inference: the serving layout with the most output tokens/s per GPU within the
latency limits, and the fleet the daily volume needs. GPUs, racks, days, MW and cost are
estimates from perf's model and the catalog's prices and power (cost model in
``rackwright.explore.economics``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from rackwright.catalog.catalog import Catalog
from rackwright.errors import InfeasibleError, RackwrightError, ScenarioError
from rackwright.explore.economics import DEFAULT_LIFE_YEARS, Economics
from rackwright.explore.search import (
    Candidate,
    ExploreResult,
    explore,
    make_job,
    pick_for_deadline,
    rack_choices,
)
from rackwright.explore.serving import ServingDemand, ServingPlan, best_serving
from rackwright.perf.hardware import hardware_view
from rackwright.perf.models import resolve_model
from rackwright.report.charts import bar, scatter
from rackwright.report.section import Figure, PlanContext, Section, Table
from rackwright.scenario import InferenceWorkload, TrainingWorkload

GPU_COUNT_POINTS = 40


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
    reason: str = ""

    @property
    def racks(self) -> int:
        """Whole racks the chosen configuration occupies."""
        return math.ceil(self.choice.gpus / self.rack_gpus) if self.choice else 0

    def to_dict(self) -> dict[str, Any]:
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

    def to_dict(self) -> dict[str, Any]:
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


def _rack_setup(catalog: Catalog, rack_id: str, facility_id: str) -> tuple[Economics, int, str]:
    rack = catalog.rack(rack_id)
    system = catalog.system(rack.system)
    economics = Economics.of(system, catalog.facility(facility_id))
    return economics, rack.systems_count * system.gpus_count, system.id


def train_outcome(
    workload: TrainingWorkload, rack_id: str, catalog: Catalog, facility_id: str
) -> tuple[TrainingOutcome, ExploreResult | None]:
    """Search one training workload on one rack generation."""
    model = resolve_model(workload.model)
    _, rack_gpus, _ = _rack_setup(catalog, rack_id, facility_id)
    low = min(rack_gpus, workload.max_gpus)
    (choice,) = rack_choices(
        catalog, [rack_id], facility_id, low, workload.max_gpus, max_points=GPU_COUNT_POINTS
    )
    job = make_job(
        model, workload.tokens, workload.precision, workload.seq_len, workload.global_batch_tokens
    )
    deadline_s = workload.deadline_days * 86400.0
    try:
        result = explore(model, [choice], job, objective="cost", top=3)
    except InfeasibleError as exc:
        return TrainingOutcome(
            workload.id, rack_id, rack_gpus, workload.deadline_days, None, False, (), 0, exc.message
        ), None
    picked, meets = pick_for_deadline(result.pareto, deadline_s)
    outcome = TrainingOutcome(
        workload=workload.id,
        rack=rack_id,
        rack_gpus=rack_gpus,
        deadline_days=workload.deadline_days,
        choice=picked,
        meets_deadline=meets,
        front=result.pareto,
        configs_evaluated=result.configs_evaluated,
    )
    return outcome, result


def serve_outcome(
    workload: InferenceWorkload, rack_id: str, catalog: Catalog, facility_id: str
) -> ServingOutcome:
    """Size one inference workload's fleet on one rack generation."""
    model = resolve_model(workload.model)
    economics, rack_gpus, system_id = _rack_setup(catalog, rack_id, facility_id)
    demand = ServingDemand(
        daily_output_tokens=workload.daily_output_tokens,
        isl=workload.isl,
        osl=workload.osl,
        ttft_limit_s=workload.ttft_limit_s,
        tpot_limit_s=workload.tpot_limit_s,
        precision=workload.precision,
    )
    try:
        plan = best_serving(model, hardware_view(system_id, catalog), economics, demand)
    except InfeasibleError as exc:
        return ServingOutcome(workload.id, rack_id, rack_gpus, None, exc.message)
    return ServingOutcome(workload.id, rack_id, rack_gpus, plan)


def _racks(n: int) -> str:
    return f"{n:,} rack" if n == 1 else f"{n:,} racks"


def _train_line(o: TrainingOutcome) -> str:
    if o.choice is None:
        return f"{o.workload} on {o.rack}: no configuration fits ({o.reason})"
    c = o.choice
    verdict = "meets" if o.meets_deadline else "misses"
    return (
        f"{o.workload} on {o.rack}: {c.gpus:,} GPUs ({_racks(o.racks)}), {c.days:,.0f} days "
        f"({verdict} the {o.deadline_days:g}-day deadline), {c.power_w / 1e6:,.1f} MW, "
        f"~${c.cost_usd / 1e6:,.0f}M est.; tp{c.tp} pp{c.pp} cp{c.cp} ep{c.ep} dp{c.dp}, "
        f"MFU {c.mfu:.0%}"
    )


def _serve_line(o: ServingOutcome) -> str:
    if o.plan is None:
        return f"{o.workload} on {o.rack}: cannot be served ({o.reason})"
    p = o.plan
    return (
        f"{o.workload} on {o.rack}: {p.gpus:,} GPUs ({_racks(o.racks)}) at "
        f"{p.tokens_per_s_per_gpu:,.0f} output tokens/s per GPU, {p.layout()}, "
        f"{p.power_w / 1e6:,.1f} MW, ~${p.cost_usd_per_day / 1e3:,.0f}k per day est."
    )


def _train_table(outcomes: list[TrainingOutcome]) -> Table:
    rows: list[list[str | float | int | None]] = []
    for o in outcomes:
        c = o.choice
        if c is None:
            rows.append([o.workload, o.rack, None, None, None, None, None, None, None, o.reason])
            continue
        layout = f"tp{c.tp} pp{c.pp} vpp{c.vpp} cp{c.cp} ep{c.ep} dp{c.dp} zero{c.zero}"
        rows.append([
            o.workload, o.rack, c.gpus, o.racks, round(c.days, 1), o.deadline_days,
            round(c.power_w / 1e6, 2), round(c.cost_usd / 1e6, 1), round(c.mfu, 3),
            f"{layout} {c.recompute} mbs{c.mbs} gbs{c.gbs}",
        ])  # fmt: skip
    return Table(
        title="Training: best configuration per generation",
        columns=[
            "workload",
            "rack",
            "GPUs",
            "racks",
            "days",
            "deadline (days)",
            "MW",
            "cost (M USD, est.)",
            "MFU",
            "configuration",
        ],
        rows=rows,
        note="Cheapest configuration on the time/cost/MW Pareto front that meets the deadline; "
        "the fastest when none does. MW is facility power (systems x typical power x PUE).",
    )


def _serve_table(outcomes: list[ServingOutcome]) -> Table:
    rows: list[list[str | float | int | None]] = []
    for o in outcomes:
        p = o.plan
        if p is None:
            rows.append([o.workload, o.rack, None, None, None, None, None, None, o.reason])
            continue
        rows.append([
            o.workload, o.rack, p.gpus, o.racks, round(p.tokens_per_s_per_gpu),
            round(p.instance_tokens_per_s * p.instances), round(p.power_w / 1e6, 2),
            round(p.cost_usd_per_day / 1e3, 1), p.layout(),
        ])  # fmt: skip
    return Table(
        title="Inference: fleet per generation",
        columns=[
            "workload",
            "rack",
            "GPUs",
            "racks",
            "tokens/s per GPU",
            "fleet tokens/s",
            "MW",
            "cost (k USD/day, est.)",
            "layout",
        ],
        rows=rows,
        note="Server throughput at the workload's TTFT/TPOT limits from perf's inference model; "
        "demand assumed flat over the day (no peak headroom).",
    )


def _charts(train: list[TrainingOutcome]) -> list[Figure]:
    figures: list[Figure] = []
    for workload in dict.fromkeys(o.workload for o in train):
        mine = [o for o in train if o.workload == workload]
        racks = [o.rack for o in mine]
        figures.append(
            bar(
                f"{workload}: days to train per generation",
                racks,
                {
                    "days to train": [o.choice.days if o.choice else 0.0 for o in mine],
                    "deadline": [o.deadline_days for o in mine],
                },
                y_title="days",
            )
        )
        points = [(o.rack, c) for o in mine for c in o.front]
        if points:
            figures.append(
                scatter(
                    f"{workload}: Pareto front, days vs cost",
                    [c.days for _, c in points],
                    [c.cost_usd / 1e6 for _, c in points],
                    labels=[f"{c.gpus} GPUs, {c.power_w / 1e6:.1f} MW" for _, c in points],
                    groups=[rack for rack, _ in points],
                    x_title="days to train",
                    y_title="cost (M USD, est.)",
                    log_x=True,
                )
            )
    return figures


def check_models(ctx: PlanContext) -> None:
    """Every workload names a model perf knows; else a ScenarioError naming the workload."""
    for i, workload in enumerate(ctx.scenario.workloads):
        try:
            resolve_model(workload.model)
        except RackwrightError as exc:
            raise ScenarioError(
                exc.message,
                file=ctx.scenario_file,
                field=f"workload[{i}].model",
                value=workload.model,
            ) from None


def build(ctx: PlanContext) -> Section:
    """The workloads section: best configuration of each workload on each generation."""
    check_models(ctx)
    scenario, catalog = ctx.scenario, ctx.catalog
    racks = [g.rack for g in scenario.generations]
    train: list[TrainingOutcome] = []
    evaluated = 0
    seconds = 0.0
    for workload in scenario.training():
        for rack in racks:
            outcome, result = train_outcome(workload, rack, catalog, scenario.facility)
            train.append(outcome)
            if result is not None:
                evaluated += result.configs_evaluated
                seconds += result.seconds
    serve = [
        serve_outcome(w, rack, catalog, scenario.facility)
        for w in scenario.inference()
        for rack in racks
    ]
    facility = catalog.facility(scenario.facility)
    assumptions = [
        f"Cost = systems x hours x (price amortised over {DEFAULT_LIFE_YEARS:g} years + typical "
        f"power x PUE {facility.pue_ratio:g} x {facility.electricity_usd_per_kwh * 100:.2f} "
        f"cents/kWh at {facility.id}); networking, storage and building are not included.",
        "Training searches tp, pp, vpp, cp, ep, dp, ZeRO stage, recompute and micro-batch with "
        "sequence parallelism, flash attention and overlap on; tensor parallelism stays inside "
        "one scale-up domain.",
        "All figures are model estimates (perf's calibrated model; catalog prices and power).",
    ]
    return Section(
        key="workloads",
        title="Workloads",
        summary=[*(_train_line(o) for o in train), *(_serve_line(o) for o in serve)],
        data={
            "training": [o.to_dict() for o in train],
            "inference": [o.to_dict() for o in serve],
            "configs_evaluated": evaluated,
            "seconds": seconds,
            "assumptions": assumptions,
        },
        tables=[_train_table(train), _serve_table(serve)],
        figures=_charts(train),
        notes=[
            *assumptions,
            f"The search evaluated {evaluated:,} training configurations in {seconds:.1f} s.",
        ],
    )
