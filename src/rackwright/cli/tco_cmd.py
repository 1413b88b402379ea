"""``rackwright tco [SCENARIO]``: what each rack design costs to own, and the purchase decision.

Rack capex is the BOM stage's price of each scenario generation (its first year, cheapest
offers at its peak quarterly build); energy, facility and staff come from the scenario's facility,
the network share from the fabric sizing, the rest from the sourced finance defaults. With a
[purchase_option] the decision memo values exercising it against the best alternative;
``--evaluation`` counts an evaluation program's measured/predicted throughput. The figures are
the plan's: the command runs the plan's tco and decision stages (and what they need).
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from rackwright.cli.common import CatalogFiles, JsonFlag, console, console_err, print_json
from rackwright.cli.inputs import (
    BomFilesOpt,
    CalibrationFileOpt,
    EvaluationFileOpt,
    FinanceFileOpt,
    ScenarioFileArg,
    input_request,
)
from rackwright.finance import TcoStudy
from rackwright.finance.stage import DECISION, TCO, DecisionStageResult, TcoStageResult
from rackwright.plan import prepare, run_only


def tco(
    file: ScenarioFileArg = None,
    catalog: CatalogFiles = None,
    bom: BomFilesOpt = None,
    calibration: CalibrationFileOpt = None,
    finance: FinanceFileOpt = None,
    evaluation: EvaluationFileOpt = None,
    json_out: JsonFlag = False,
) -> None:
    """TCO per rack-year and GPU-hour, cost per token and per run, tornado, decision memo."""
    inputs = prepare(
        input_request(
            file,
            catalog=catalog,
            bom=bom,
            calibration=calibration,
            finance=finance,
            evaluation=evaluation,
        )
    )
    with console_err.status("tco: rack, bom, workloads, demand and tco stages, the decision ..."):
        run = run_only(inputs, TCO.key, DECISION.key)
    result, decision = run.result(TCO), run.result(DECISION)
    if json_out:
        print_json(tco_json(result, decision))
        return
    print_study(result.study, (*result.problems, *decision.problems))
    if decision.decision is not None:
        console.print("[bold]purchase decision[/]")
        for line in decision.memo():
            console.print(f"- {line}", markup=False)


def tco_json(result: TcoStageResult, decision: DecisionStageResult) -> dict[str, Any]:
    """The ``tco --json`` document: the plan's tco section data with the decision's beside it."""
    extra = decision.to_json()
    return {
        **result.to_json(),
        "decision": extra["decision"],
        "evaluation": extra["evaluation"],
        "demand_check": extra["demand_check"],
        "problems": [*result.problems, *decision.problems],
    }


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
    """TCO per rack, cost of work and the tornado tops."""
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
