"""The risk stage: what a disruption costs the plan, from the BOM and sourcing of the same run.

It builds the plan's supply network (``network_from_plan``: the window's rates, sites the plan
buys from and qualified, integration lines, stock in hand and in transit), then evaluates every
scenario the network carries (each site-part, the named policy shocks, each country, region and
multi-part site) for loss over its TTR, REI and TTS; the loss of each country's sites of one
subsystem failing together (the exposure heat map); seeded Monte Carlo trials; and the buffer or
second source that clears each red flag. Then it solves the domestic-leaning plan (every
period's floor raised, ``risk.domestic``), builds and assesses its network the same way with the
same seed, and compares the two (``risk.compare``): how much exposure the extra cost removes.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rackwright.bom.stage import BOM
from rackwright.chain.inputs import PlanInputs
from rackwright.chain.stage import Stage, Upstream
from rackwright.demand.stage import with_build_plan
from rackwright.explore.executors import Executor, make_executor
from rackwright.risk.analysis import analyze
from rackwright.risk.compare import PlanComparison, compare_plans
from rackwright.risk.domestic import domestic_plan, domestic_uplifts
from rackwright.risk.mitigation import MitigationPlan, size_mitigations
from rackwright.risk.montecarlo import MonteCarloResult, simulate
from rackwright.risk.network_from_plan import (
    NodeRole,
    NoNetworkError,
    PlanNetwork,
    network_from_plan,
)
from rackwright.risk.results import RiskAnalysis
from rackwright.risk.scenarios import Scenario, ScenarioKind, network_scenarios
from rackwright.sourcing.stage import SOURCING, SourcingStageResult, parts_by_rack

DEFAULT_TRIALS = 50_000
"""Monte Carlo trials of a plan (``[scenario.risk] trials`` overrides): about 1.7 s for the whole
stage on the default plan's network on the shared 2-core machine, beside ~50 s of sourcing
(BENCHMARKS.md); the 99 % tail rests on 500 trials."""

CELL_PREFIX = "cell:"
RELATIVE_GAP = 1e-9


@dataclass(frozen=True)
class HeatCell:
    """Every site of one subsystem in one country down together, for their longest TTR."""

    country: str
    subsystem: str
    nodes: int
    ttr: float
    loss: float
    tts: float

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class Shortfall:
    """A part whose sources cannot ship the window's rate: stock carries the plan for a while."""

    part: str
    need_per_week: float
    capacity_per_week: float
    inventory: float

    @property
    def weeks_covered(self) -> float:
        """Weeks the part's stock bridges the gap at the window's rate."""
        return self.inventory / (self.need_per_week - self.capacity_per_week)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {**self.__dict__, "weeks_covered": self.weeks_covered}


@dataclass(frozen=True)
class Baseline:
    """The undisrupted network at the window's rate: how long it lasts, and what it loses over
    each scenario TTR anyway (a scenario's own share of its loss is its loss less this)."""

    tts: float
    loss_by_ttr: Mapping[float, float]
    shortfalls: tuple[Shortfall, ...]

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "tts": self.tts,
            "loss_by_ttr": [{"ttr": t, "loss": v} for t, v in sorted(self.loss_by_ttr.items())],
            "shortfalls": [s.to_json() for s in self.shortfalls],
        }


@dataclass(frozen=True)
class RiskAssessment:
    """The plan's network, its scenarios' TTR/TTS, exposure cells, Monte Carlo, mitigations."""

    plan_network: PlanNetwork
    analysis: RiskAnalysis
    baseline: Baseline
    heat: tuple[HeatCell, ...]
    montecarlo: MonteCarloResult
    mitigations: MitigationPlan
    executor: str
    comparison: PlanComparison | None = None
    comparison_skipped: str = ""  # why there is no comparison ("" when there is)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "network": self.plan_network.to_json(),
            "analysis": self.analysis.to_json(),
            "ranking": [s.id for s in self.analysis.ranking()],
            "baseline": self.baseline.to_json(),
            "heat": [c.to_json() for c in self.heat],
            "montecarlo": self.montecarlo.to_json(),
            "mitigations": self.mitigations.to_json(),
            "executor": self.executor,
            "domestic_comparison": (
                self.comparison.to_json()
                if self.comparison is not None
                else {"skipped": self.comparison_skipped}
            ),
        }


def heat_scenarios(plan: PlanNetwork) -> tuple[Scenario, ...]:
    """One scenario per (country, subsystem): its failing sites down together."""
    net = plan.network
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    for info in plan.nodes:
        if info.role in (NodeRole.SUPPLIER, NodeRole.INTEGRATION) and net.node(info.id).ttr:
            cells[(info.country, info.subsystem)].append(info.id)
    return tuple(
        Scenario(
            f"{CELL_PREFIX}{country}/{subsystem}",
            ScenarioKind.GROUP,
            tuple(ids),
            max(net.node(n).ttr or 0.0 for n in ids),
        )
        for (country, subsystem), ids in sorted(cells.items())
    )


def _heat(plan: PlanNetwork, executor: Executor) -> tuple[HeatCell, ...]:
    scenarios = heat_scenarios(plan)
    if not scenarios:
        return ()
    cells = analyze(plan.network, scenarios, executor=executor)
    return tuple(
        HeatCell(
            country=s.id.removeprefix(CELL_PREFIX).split("/")[0],
            subsystem=s.id.split("/")[1],
            nodes=len(s.disrupted),
            ttr=s.ttr,
            loss=s.loss,
            tts=s.tts,
        )
        for s in cells.scenarios
    )


def shortfalls(plan: PlanNetwork) -> tuple[Shortfall, ...]:
    """Parts whose sources ship less than the products need at the window's rate."""
    net = plan.network
    need: dict[str, float] = defaultdict(float)
    counted: set[tuple[str, str]] = set()
    for edge in net.edges:
        material = net.node(edge.supplier).material
        if (material, edge.customer) not in counted:  # the same ratio from every source
            counted.add((material, edge.customer))
            need[material] += net.node(edge.customer).demand * edge.ratio
    capacity: dict[str, float] = defaultdict(float)
    stock: dict[str, float] = defaultdict(float)
    for node in net.nodes:
        capacity[node.material] += node.capacity if node.capacity is not None else math.inf
        stock[node.material] += node.inventory
    gap = RELATIVE_GAP
    return tuple(
        Shortfall(part, rate, capacity[part], stock[part])
        for part, rate in sorted(need.items())
        if capacity[part] < rate * (1.0 - gap)
    )


def _baseline(plan: PlanNetwork, analysis: RiskAnalysis, executor: Executor) -> Baseline:
    """The undisrupted network's loss over each TTR the scenarios use."""
    ttrs = sorted({s.ttr for s in analysis.scenarios})
    nothing = tuple(Scenario(f"baseline-{t:g}", ScenarioKind.GROUP, (), t) for t in ttrs)
    losses = analyze(plan.network, nothing, executor=executor) if nothing else None
    return Baseline(
        tts=analysis.baseline_tts,
        loss_by_ttr={s.ttr: s.loss for s in (losses.scenarios if losses else ())},
        shortfalls=shortfalls(plan),
    )


@dataclass(frozen=True)
class RiskStageResult:
    """The stage's assessment, or why there is none (no generation built in the window could
    be priced by the BOM stage: no network to analyse)."""

    assessment: RiskAssessment | None
    skipped: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON form: the assessment's, and ``skipped`` ("" when it ran)."""
        body = self.assessment.to_json() if self.assessment is not None else {}
        return {**body, "skipped": self.skipped}


def assess(plan: PlanNetwork, *, trials: int, seed: int, executor: str) -> RiskAssessment:
    """Every analysis of the stage on an already-built plan network."""
    runner = make_executor(executor)
    try:
        analysis = analyze(plan.network, network_scenarios(plan.network), executor=runner)
        baseline = _baseline(plan, analysis, runner)
        heat = _heat(plan, runner)
        montecarlo = simulate(plan.network, trials=trials, seed=seed, executor=runner)
    finally:
        runner.close()
    return RiskAssessment(
        plan_network=plan,
        analysis=analysis,
        baseline=baseline,
        heat=heat,
        montecarlo=montecarlo,
        mitigations=size_mitigations(plan.network, analysis),
        executor=executor,
    )


def run(inputs: PlanInputs, upstream: Upstream) -> RiskStageResult:
    """The plan's network from the BOM and sourcing results, and every analysis of it."""
    inputs = with_build_plan(inputs, upstream)  # the [[build]] lots, or the demand's racks
    try:
        plan = network_from_plan(inputs, upstream.of(BOM), upstream.of(SOURCING).plan)
    except NoNetworkError as exc:
        return RiskStageResult(None, exc.one_line())
    assessment = _assess(inputs, plan)
    return RiskStageResult(with_domestic_comparison(inputs, upstream, assessment))


def _assess(inputs: PlanInputs, plan: PlanNetwork) -> RiskAssessment:
    """``assess`` with the scenario's trials and the run's seed and executor."""
    return assess(
        plan,
        trials=inputs.scenario.risk.trials or DEFAULT_TRIALS,
        seed=inputs.settings.seed,
        executor=inputs.settings.executor,
    )


def with_domestic_comparison(
    inputs: PlanInputs, upstream: Upstream, assessment: RiskAssessment
) -> RiskAssessment:
    """The assessment with the domestic-leaning plan's network assessed the same way beside it
    (or why not: the plan has no sourcing solve, or no raised floor has a plan)."""
    sourcing: SourcingStageResult = upstream.of(SOURCING)
    if not sourcing.plan.has_plan:
        why = "no comparison with a domestic-leaning plan: the sourcing stage found no plan"
        return dataclasses.replace(assessment, comparison_skipped=why)
    if inputs.settings.status is not None:
        inputs.settings.status("risk: the domestic-leaning plan at a raised floor")
    bom = upstream.of(BOM)
    uplifts = domestic_uplifts(inputs.scenario)
    leaning = domestic_plan(
        inputs, parts_by_rack(bom), relax_dual=sourcing.relaxed_dual, uplifts=uplifts
    )
    if leaning is None:
        raises = ", ".join(f"+{u:.0%}" for u in uplifts)
        basis = (
            "scenario risk.domestic_uplifts" if inputs.scenario.risk.domestic_uplifts else "ARISK10"
        )
        why = f"no domestic-leaning plan: no plan with every floor raised by {raises} ({basis})"
        return dataclasses.replace(assessment, comparison_skipped=why)
    other = _assess(inputs, network_from_plan(inputs, bom, leaning.result))
    comparison = compare_plans(
        leaning,
        (sourcing.plan, assessment.analysis, assessment.montecarlo, assessment.plan_network.shocks),
        (other.analysis, other.montecarlo, other.plan_network.shocks),
        racks=sum(b.racks for b in inputs.scenario.builds),
    )
    return dataclasses.replace(assessment, comparison=comparison)


RISK = Stage(
    "risk",
    "Supply-disruption risk: time to recover, time to survive, exposure",
    ("bom", "sourcing", "demand"),
    run,
    RiskStageResult,
)
