"""The finance stages: each rack design's TCO (``tco``) and the purchase decision (``decision``).

``tco``: rack capex is the BOM stage's price of each scenario generation (never the list price),
rack power the rack stage's, rates the workloads stage's; facility economics from the scenario's
facility; the rest from the sourced finance defaults loaded with the plan's inputs.

``decision``: the [purchase_option] against the best alternative bought on the market, on the
TCO stage's facility and assumptions; alternatives outside the scenario's generations are
analysed and rated here with the same engines; an early-access evaluation program (loaded with the
inputs) sets the delivered / predicted throughput; the demand stage says how many racks of the
optioned design the build case needs by the deadline.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from rackwright.bom.stage import BOM
from rackwright.chain.inputs import PlanInputs
from rackwright.chain.stage import Stage, Upstream
from rackwright.demand.rates import WorkRate, offer_rates, rates_from
from rackwright.demand.stage import DEMAND, DemandStageResult
from rackwright.evaluation import EvaluationReport, evaluate
from rackwright.explore.economics import Economics
from rackwright.explore.stage import WORKLOADS
from rackwright.explore.workloads import RackOffer
from rackwright.finance.adapters import (
    alternative_racks,
    capex_from_price,
    decision_inputs,
    market_capex,
    rack_inputs,
)
from rackwright.finance.memo import PurchaseDecision, decide
from rackwright.finance.study import TcoStudy, tco_study
from rackwright.finance.tco import FacilityEconomics, RackTcoInputs
from rackwright.rack import RackAnalysis, analyze
from rackwright.rack.stage import RACK

NO_EVALUATION = (1.0, "model prediction (no evaluation)")


@dataclass(frozen=True)
class TcoStageResult:
    """The TCO study of every scenario generation, the inputs it priced, and what cannot run."""

    study: TcoStudy
    racks: tuple[RackTcoInputs, ...]
    problems: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The ``tco --json`` document without the decision (the decision stage's)."""
        data = self.study.to_json()
        data.pop("decision")
        return {**data, "problems": list(self.problems)}


def generation_tco_inputs(
    inputs: PlanInputs, upstream: Upstream, cluster_gpus: int
) -> tuple[RackTcoInputs, ...]:
    """TCO inputs of every scenario generation: capex from the BOM stage, power from the rack's."""
    racks, boms = upstream.of(RACK), upstream.of(BOM)
    return tuple(
        rack_inputs(
            inputs.catalog,
            racks.analysis(g.rack),
            capex_from_price(boms.price(g.rack)),
            cluster_gpus,
        )
        for g in inputs.scenario.generations
    )


def run_tco(inputs: PlanInputs, upstream: Upstream) -> TcoStageResult:
    """TCO per rack-year and GPU-hour, cost of each workload's work, and the tornados."""
    work = upstream.of(WORKLOADS)
    rates, problems = rates_from(work.training, work.inference)
    defaults = inputs.finance
    specs = generation_tco_inputs(inputs, upstream, defaults.assumptions.cluster_gpus)
    facility = FacilityEconomics.of(inputs.catalog.facility(inputs.scenario.facility))
    return TcoStageResult(tco_study(specs, rates, facility, defaults), specs, problems)


TCO = Stage("tco", "Total cost of ownership", ("rack", "bom", "workloads"), run_tco, TcoStageResult)


@dataclass(frozen=True)
class DemandCheck:
    """Racks of the optioned design the build plan and the demand's build case need by the
    deadline's quarter, beside the racks the option covers."""

    rack: str
    deadline_period: str
    option_racks: int
    plan_racks: int
    build_case: str | None
    demand_racks: int | None

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return dataclasses.asdict(self)

    def line(self) -> str:
        """One memo line."""
        plan = (
            f"the build plan builds {self.plan_racks:,} {self.rack} racks by {self.deadline_period}"
        )
        if self.demand_racks is None:
            need = "the scenario has no [demand] block to check it against"
        else:
            need = f"the {self.build_case} demand case needs {self.demand_racks:,}"
        return f"Demand: {plan}, {need}; the option covers {self.option_racks:,}."


@dataclass(frozen=True)
class DecisionStageResult:
    """The purchase decision (None without a [purchase_option]), its evidence and demand check."""

    decision: PurchaseDecision | None
    evaluation: EvaluationReport | None
    demand: DemandCheck | None
    problems: tuple[str, ...]

    def memo(self) -> list[str]:
        """The one-page memo: the decision's paragraphs, then the demand check."""
        if self.decision is None:
            return []
        extra = [self.demand.line()] if self.demand is not None else []
        return [*self.decision.memo(), *extra]

    def to_json(self) -> dict[str, Any]:
        """JSON form: the decision's (memo with the demand line), evaluation, demand check."""
        decision = None
        if self.decision is not None:
            decision = {**self.decision.to_json(), "memo": self.memo()}
        return {
            "decision": decision,
            "evaluation": self.evaluation.to_json() if self.evaluation is not None else None,
            "demand_check": self.demand.to_json() if self.demand is not None else None,
            "problems": list(self.problems),
        }


def _quarter(iso_date: str) -> str:
    month = int(iso_date[5:7])
    return f"{iso_date[:4]}Q{(month - 1) // 3 + 1}"


def demand_check(inputs: PlanInputs, demand: DemandStageResult) -> DemandCheck | None:
    """The optioned design's racks by the deadline: in the build plan and in the build case."""
    option = inputs.scenario.purchase_option
    if option is None:
        return None
    by = _quarter(option.deadline.isoformat())
    plan = sum(b.racks for b in demand.builds if b.rack == option.rack and b.period <= by)
    projection, case, needed = demand.projection, None, None
    if projection is not None:
        case = projection.build_case
        needed = sum(
            n for rack, period, n in projection.case(case).builds()
            if rack == option.rack and period <= by
        )  # fmt: skip
    return DemandCheck(option.rack, by, option.racks, plan, case, needed)


def _market_offers(
    inputs: PlanInputs, rack_ids: list[str], analyses: dict[str, RackAnalysis]
) -> tuple[tuple[WorkRate, ...], tuple[str, ...]]:
    """Analyse and rate each rack outside the scenario's generations (at its market price)."""
    rates: tuple[WorkRate, ...] = ()
    problems: tuple[str, ...] = ()
    facility = inputs.catalog.facility(inputs.scenario.facility)
    for rack_id in (r for r in rack_ids if r not in analyses):
        analysis = analyze(inputs.catalog.rack(rack_id), inputs.catalog)
        analyses[rack_id] = analysis
        price = market_capex(inputs.catalog, rack_id).usd
        offer = RackOffer(
            rack_id, analysis.system_gpus_count, Economics.of_rack(analysis, price, facility)
        )
        more, why = offer_rates(
            inputs.scenario, inputs.models, offer, inputs.catalog, inputs.efficiency
        )
        rates, problems = rates + more, problems + why
    return rates, problems


def throughput_evidence(report: EvaluationReport, file: str) -> tuple[float, str]:
    """(delivered / predicted throughput, where it comes from) for the purchase decision."""
    ratio = report.throughput_ratio
    if ratio is None:
        return 1.0, f"evaluation {file} has no predictable result on {report.system}"
    runs = sum(1 for r in report.records if r.throughput_ratio is not None)
    return ratio, f"mean of {runs} benchmarks in evaluation program {report.program} ({file})"


def run_evaluation(inputs: PlanInputs) -> EvaluationReport | None:
    """The early-access program's records and verdicts (None when the plan has none)."""
    ev = inputs.evaluation
    if ev is None:
        return None
    return evaluate(ev.program, ev.results, ev.catalog, inputs.efficiency)


def run_decision(inputs: PlanInputs, upstream: Upstream) -> DecisionStageResult:
    """Value exercising the purchase option, waiting, or buying the best alternative."""
    scenario, option = inputs.scenario, inputs.scenario.purchase_option
    demand = upstream.of(DEMAND)
    if option is None:
        return DecisionStageResult(None, None, None, ())
    tco, racks = upstream.of(TCO), upstream.of(RACK)
    analyses = {g.rack: racks.analysis(g.rack) for g in scenario.generations}
    wanted = [*alternative_racks(scenario, inputs.catalog), option.rack]
    more, problems = _market_offers(inputs, wanted, analyses)
    report = run_evaluation(inputs)
    throughput = NO_EVALUATION
    if report is not None and inputs.evaluation is not None:
        throughput = throughput_evidence(report, inputs.evaluation.file)
    specs = decision_inputs(
        scenario, inputs.catalog, inputs.finance, demand.rates + more, analyses, throughput
    )
    # one source: the facility and TCO terms the TCO stage priced every rack with
    specs = dataclasses.replace(
        specs, facility=tco.study.facility, assumptions=tco.study.assumptions
    )
    decision = decide(specs, inputs.finance.ranges)
    return DecisionStageResult(decision, report, demand_check(inputs, demand), problems)


DECISION = Stage(
    "decision", "Purchase decision", ("rack", "tco", "demand"), run_decision, DecisionStageResult
)
