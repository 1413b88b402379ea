"""Glue the demand, tco and evaluate commands use until the stage chain hands results over.

Each function builds one engine's typed inputs from what the CLI loaded: work rates from the
perf model (``demand.rates``), rack size and typical power from the rack analysis, rack capex
from a BOM roll-up (``finance.adapters``), the delivered/predicted throughput from an evaluation
program. Loading files happens here or in the loaders it calls; the engines see typed values.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rackwright.bom import Policy, SupplyData
from rackwright.catalog import Catalog, load_catalog
from rackwright.demand import DemandResult, WorkRate, demand_inputs, explicit_builds, project
from rackwright.evaluation import EvaluationReport, evaluate, load_program_results, read_program
from rackwright.evaluation.loader import check_program
from rackwright.finance.adapters import rack_bom_capex, rack_inputs
from rackwright.finance.tco import RackTcoInputs
from rackwright.perf.efficiency import load_efficiency
from rackwright.rack import analyze
from rackwright.report.section import PlanContext


def rack_figures(catalog: Catalog, racks: Sequence[str]) -> tuple[dict[str, int], dict[str, float]]:
    """GPUs per rack and typical power per rack, from the rack analysis."""
    analyses = {r: analyze(catalog.rack(r), catalog) for r in racks}
    return (
        {r: a.gpus_count for r, a in analyses.items()},
        {r: a.power_typical_w for r, a in analyses.items()},
    )


def demand_result(ctx: PlanContext, rates: Sequence[WorkRate]) -> DemandResult:
    """The scenario's demand cases projected into racks per generation per quarter."""
    scenario = ctx.scenario
    gpus, power = rack_figures(ctx.catalog, [g.rack for g in scenario.generations])
    pue = ctx.catalog.facility(scenario.facility).pue_ratio
    inputs = demand_inputs(scenario, rates, gpus, power, pue, ctx.scenario_file)
    build_case = scenario.demand.build_case if scenario.demand else None
    return project(inputs, explicit_builds(scenario), build_case)


def generation_tco_inputs(
    ctx: PlanContext, supply: SupplyData, policy: Policy, cluster_gpus: int
) -> list[RackTcoInputs]:
    """TCO inputs of every scenario generation, capex from its BOM roll-up."""
    return [
        rack_inputs(
            ctx.catalog,
            g.rack,
            rack_bom_capex(ctx.catalog, supply, ctx.scenario, g.rack, policy),
            cluster_gpus,
        )
        for g in ctx.scenario.generations
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
