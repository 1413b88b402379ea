"""``rackwright tco [SCENARIO]``: what each rack design costs to own, and the purchase decision.

Rack capex is the BOM stage's price of each scenario generation (its first year, cheapest
offers at its peak quarterly build); energy, facility and staff come from the scenario's facility,
the network share from the fabric sizing, the rest from the sourced finance defaults. With a
[purchase_option] the decision memo values exercising it against the best alternative;
``--evaluation`` counts an evaluation program's measured/predicted throughput.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from rackwright.chain import PlanInputs
from rackwright.cli.common import CatalogFiles, JsonFlag, console, console_err, print_json
from rackwright.cli.engine_inputs import (
    generation_tco_inputs,
    run_evaluation,
    throughput_evidence,
    upstream,
)
from rackwright.cli.inputs import (
    BomFilesOpt,
    CalibrationFileOpt,
    ScenarioFileArg,
    scenario_request,
)
from rackwright.errors import InputError
from rackwright.finance import FacilityEconomics, TcoStudy, load_finance_defaults, tco_study
from rackwright.finance.adapters import alternative_racks, decision_inputs
from rackwright.plan import prepare


def tco(
    file: ScenarioFileArg = None,
    catalog: CatalogFiles = None,
    bom: BomFilesOpt = None,
    calibration: CalibrationFileOpt = None,
    evaluation: Annotated[
        Path | None,
        typer.Option(
            "--evaluation", help="Evaluation program whose throughput the decision counts."
        ),
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """TCO per rack-year and GPU-hour, cost per token and per run, tornado, decision memo."""
    inputs = prepare(scenario_request(file, catalog, bom, calibration))
    with console_err.status("tco: rack, bom and workloads stages, then the decision ..."):
        study, problems, report = build_study(inputs, evaluation)
    if json_out:
        data = study.to_json()
        data["problems"] = list(problems)
        data["evaluation"] = report
        print_json(data)
        return
    print_study(study, problems)


def build_study(
    inputs: PlanInputs, evaluation: Path | None
) -> tuple[TcoStudy, tuple[str, ...], dict[str, Any] | None]:
    """Upstream results, evaluation evidence and decision inputs, then the study."""
    scenario, cat = inputs.scenario, inputs.catalog
    defaults = load_finance_defaults(cat)
    option = scenario.purchase_option
    extra = [*alternative_racks(scenario, cat), *([option.rack] if option else [])]
    up = upstream(inputs, extra)
    racks = [g.rack for g in scenario.generations]
    throughput, report = (1.0, "model prediction (no evaluation)"), None
    if evaluation is not None:
        evaluated, _ = run_evaluation(evaluation)
        _same_system(inputs, evaluated.system, evaluation)
        throughput, report = throughput_evidence(evaluated, evaluation), evaluated.to_json()
    decision = None
    if option is not None:
        decision = decision_inputs(scenario, cat, defaults, up.rates, up.analyses, throughput)
    facility = FacilityEconomics.of(cat.facility(scenario.facility))
    rack_specs = generation_tco_inputs(inputs, up, defaults.assumptions.cluster_gpus)
    own_rates = [r for r in up.rates if r.rack in racks]
    return tco_study(rack_specs, own_rates, facility, defaults, decision), up.problems, report


def _same_system(inputs: PlanInputs, system: str, program: Path) -> None:
    option = inputs.scenario.purchase_option
    if option is None:
        raise InputError(
            "--evaluation needs a scenario with a [purchase_option]",
            field="--evaluation",
            value=str(program),
        )
    expected = inputs.catalog.rack(option.rack).system
    if system != expected:
        raise InputError(
            f"the evaluation program evaluates {system}, the option is for {option.rack} "
            f"(system {expected})",
            field="--evaluation",
            value=str(program),
        )


def _table(title: str, columns: list[str], left: set[str]) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="left" if column in left else "right")
    return table


RACK_COLUMNS = ["rack", "capex", "of which rack", "capex source", "energy kWh/yr", "opex/yr",
                "TCO/rack-yr", "TCO/GPU-h"]  # fmt: skip
WORK_COLUMNS = ["workload", "rack", "USD per M tokens", "run cost (USD)", "tokens/s per kW",
                "tokens per USD"]  # fmt: skip


def print_study(study: TcoStudy, problems: tuple[str, ...]) -> None:
    """TCO per rack, cost of work, tornado tops and the decision memo."""
    f = study.facility
    console.print(
        f"facility {f.facility_id}: PUE {f.pue_ratio:g}, {f.electricity_usd_per_kwh * 100:.2f} "
        f"cents/kWh, build {f.build_cost_usd_per_w:g} USD/W; rack life "
        f"{study.assumptions.rack_life_years:g} years at {study.assumptions.cost_of_capital:.0%}",
        markup=False,
    )
    console.print(_rack_table(study))
    console.print(_work_table(study))
    for t in study.tornados[: len(study.racks)]:
        top = ", ".join(
            f"{b.label} {b.result_at_low:,.0f}..{b.result_at_high:,.0f}" for b in t.bars[:3]
        )
        console.print(f"tornado {t.subject} ({t.metric} {t.base:,.0f}): {top}", markup=False)
    for line in problems:
        console.print(f"cannot run: {line}", markup=False)
    if study.decision is not None:
        console.print("[bold]purchase decision[/]")
        for line in study.decision.memo():
            console.print(f"- {line}", markup=False)


def _rack_table(study: TcoStudy) -> Table:
    table = _table("TCO per rack (USD)", RACK_COLUMNS, {"rack", "capex source"})
    for r in study.racks:
        table.add_row(
            r.rack, f"{r.capex_usd:,.0f}", f"{r.rack_capex_usd:,.0f}", r.capex_detail,
            f"{r.energy_kwh_per_year:,.0f}", f"{r.opex_usd_per_year:,.0f}",
            f"{r.tco_usd_per_rack_year:,.0f}", f"{r.tco_usd_per_gpu_hour:.2f}",
        )  # fmt: skip
    return table


def _work_table(study: TcoStudy) -> Table:
    table = _table("cost of work", WORK_COLUMNS, {"workload", "rack"})
    for w in study.workloads:
        run = f"{w.run_cost_usd:,.0f}" if w.run_racks else "-"
        table.add_row(
            w.workload, w.rack, f"{w.usd_per_million_tokens:.4f}", run,
            f"{w.tokens_per_s_per_kw:,.0f}", f"{w.tokens_per_usd:,.0f}",
        )  # fmt: skip
    return table
