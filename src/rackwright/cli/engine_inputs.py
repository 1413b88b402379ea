"""Glue the demand and tco commands use: the chain's upstream results as the engines' inputs.

Both commands load the plan's inputs once (``plan.prepare``) and run the stages they read
(rack, bom, workloads) through the chain runner; these helpers turn those typed results into
the demand and finance engines' inputs: work rates from the workloads stage, GPUs and typical
power from the rack stage, capex from the BOM stage's price. Alternatives outside the scenario's
generations (the purchase decision's) are analysed and rated here with the same engines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rackwright.bom.stage import BOM, BomStageResult
from rackwright.catalog import Catalog, load_catalog
from rackwright.chain import PlanInputs, run_chain
from rackwright.demand import DemandResult, WorkRate, demand_inputs, explicit_builds, project
from rackwright.demand.rates import offer_rates, rates_from
from rackwright.evaluation import EvaluationReport, evaluate, load_program_results, read_program
from rackwright.evaluation.loader import check_program
from rackwright.explore.economics import Economics
from rackwright.explore.stage import WORKLOADS, WorkloadsResult
from rackwright.explore.workloads import RackOffer
from rackwright.finance.adapters import capex_from_price, market_capex, rack_inputs
from rackwright.finance.tco import RackTcoInputs
from rackwright.perf.efficiency import load_efficiency
from rackwright.rack import RackAnalysis, analyze
from rackwright.rack.stage import RACK, RackStageResult


@dataclass(frozen=True)
class Upstream:
    """What the demand and finance engines read from the chain (and from extra racks)."""

    analyses: dict[str, RackAnalysis]
    boms: BomStageResult
    rates: tuple[WorkRate, ...]
    problems: tuple[str, ...]


def upstream(inputs: PlanInputs, extra_racks: Sequence[str] = ()) -> Upstream:
    """Run rack, bom and workloads; analyse and rate ``extra_racks`` outside the scenario."""
    run = run_chain(inputs, [RACK, BOM, WORKLOADS])
    racks: RackStageResult = run.result(RACK)
    work: WorkloadsResult = run.result(WORKLOADS)
    analyses = {g.rack: racks.analysis(g.rack) for g in inputs.scenario.generations}
    rates, problems = rates_from(work.training, work.inference)
    facility = inputs.catalog.facility(inputs.scenario.facility)
    for rack_id in (r for r in extra_racks if r not in analyses):
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
    return Upstream(analyses, run.result(BOM), rates, problems)


def demand_result(inputs: PlanInputs, up: Upstream) -> DemandResult:
    """The scenario's demand cases projected into racks per generation per quarter."""
    scenario = inputs.scenario
    racks = [g.rack for g in scenario.generations]
    gpus = {r: up.analyses[r].gpus_count for r in racks}
    power = {r: up.analyses[r].power_typical_w for r in racks}
    pue = inputs.catalog.facility(scenario.facility).pue_ratio
    own = [r for r in up.rates if r.rack in racks]
    specs = demand_inputs(scenario, own, gpus, power, pue, inputs.scenario_file)
    build_case = scenario.demand.build_case if scenario.demand else None
    return project(specs, explicit_builds(scenario), build_case)


def generation_tco_inputs(
    inputs: PlanInputs, up: Upstream, cluster_gpus: int
) -> list[RackTcoInputs]:
    """TCO inputs of every scenario generation: capex from the BOM stage, power from the rack's."""
    return [
        rack_inputs(
            inputs.catalog,
            up.analyses[g.rack],
            capex_from_price(up.boms.price(g.rack)),
            cluster_gpus,
        )
        for g in inputs.scenario.generations
    ]


def run_evaluation(
    path: Path, extra_catalog: Sequence[Path] = ()
) -> tuple[EvaluationReport, Catalog]:
    """Read an evaluation program, the catalog it names, its results; predict and judge them.

    Catalog files merge in order: the default, the program's ``catalog_files`` (relative to the
    program file), then ``extra_catalog``.
    """
    program, text = read_program(path)
    files = [*(path.parent / f for f in program.program.catalog_files), *extra_catalog]
    catalog = load_catalog(files)
    check_program(program, catalog, text, str(path))
    loaded, _ = load_program_results(program, path.parent, catalog)
    return evaluate(program, loaded, catalog, load_efficiency()), catalog


def throughput_evidence(report: EvaluationReport, file: Path) -> tuple[float, str]:
    """(delivered / predicted throughput, where it comes from) for the purchase decision."""
    ratio = report.throughput_ratio
    if ratio is None:
        return 1.0, f"evaluation {file} has no predictable result on {report.system}"
    runs = sum(1 for r in report.records if r.throughput_ratio is not None)
    return ratio, f"mean of {runs} benchmarks in evaluation program {report.program} ({file})"
