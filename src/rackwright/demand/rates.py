"""Work rates: what one GPU of a rack delivers on each workload, from the workloads engine.

The workloads stage (``explore.workloads``) already searches every training workload and sizes
every inference fleet on every scenario generation; ``rates_from`` reads its outcomes (the
training layout kept: cheapest that meets the deadline, else the fastest; the serving layout
with the most tokens/s per GPU within the latency limits). ``offer_rates`` runs the same engine
for a rack outside the scenario's generations (an alternative the lab could buy instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from rackwright.catalog.catalog import Catalog
from rackwright.errors import InputError
from rackwright.explore.workloads import (
    RackOffer,
    ServingOutcome,
    TrainingOutcome,
    serve_outcome,
    train_outcome,
)
from rackwright.perf.efficiency import Efficiency
from rackwright.perf.models import ModelArch
from rackwright.scenario import Scenario, TrainingWorkload

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


def training_rate(outcome: TrainingOutcome) -> WorkRate | None:
    """The rate of a searched training workload (None when no layout fits)."""
    c = outcome.choice
    if c is None:
        return None
    verdict = "meets" if outcome.meets_deadline else "misses"
    return WorkRate(
        workload=outcome.workload,
        kind="train",
        rack=outcome.rack,
        tokens_per_s_per_gpu=c.tokens_per_s_per_gpu,
        basis=(
            f"perf training model, cheapest searched layout that {verdict} the "
            f"{outcome.deadline_days:g}-day deadline: {c.gpus:,} GPUs, tp{c.tp} pp{c.pp} "
            f"ep{c.ep} dp{c.dp}"
        ),
        run_gpus=c.gpus,
        run_days=c.days,
    )


def serving_rate(outcome: ServingOutcome) -> WorkRate | None:
    """The rate of a sized inference workload (None when it cannot be served)."""
    plan = outcome.plan
    if plan is None:
        return None
    return WorkRate(
        workload=outcome.workload,
        kind="infer",
        rack=outcome.rack,
        tokens_per_s_per_gpu=plan.tokens_per_s_per_gpu,
        basis=f"perf serving model at the TTFT/TPOT limits, {plan.layout()}",
    )


def rates_from(
    training: Iterable[TrainingOutcome], inference: Iterable[ServingOutcome]
) -> tuple[tuple[WorkRate, ...], tuple[str, ...]]:
    """Every outcome's rate, and one line per (workload, rack) that cannot run, with why."""
    rates: list[WorkRate] = []
    problems: list[str] = []
    pairs = [(training_rate(t), t.workload, t.rack, t.reason) for t in training]
    pairs += [(serving_rate(s), s.workload, s.rack, s.reason) for s in inference]
    for rate, workload, rack, reason in pairs:
        if rate is None:
            problems.append(f"{workload} on {rack}: {reason}")
        else:
            rates.append(rate)
    return tuple(rates), tuple(problems)


def offer_rates(
    scenario: Scenario,
    models: Mapping[str, ModelArch],
    offer: RackOffer,
    catalog: Catalog,
    efficiency: Efficiency,
) -> tuple[tuple[WorkRate, ...], tuple[str, ...]]:
    """Every scenario workload's rate on ``offer`` (a rack outside the scenario's generations)."""
    training = [
        train_outcome(w, models[w.model], offer, catalog, scenario.facility, efficiency)
        for w in scenario.workloads
        if isinstance(w, TrainingWorkload)
    ]
    inference = [
        serve_outcome(w, models[w.model], offer, catalog, efficiency) for w in scenario.inference()
    ]
    return rates_from(training, inference)
