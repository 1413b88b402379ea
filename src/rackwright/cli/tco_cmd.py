"""``rackwright tco [SCENARIO]``: what each rack design costs to own, and the purchase decision.

Rack capex is the BOM roll-up of each scenario generation in its first year at its peak
quarterly build (``--policy``); energy, facility and staff come from the scenario's facility,
the network share from the fabric sizing, the rest from the sourced finance defaults. With a
[purchase_option] the decision memo values exercising it against the best alternative;
``--evaluation`` counts an evaluation program's measured/predicted throughput.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from rackwright.bom import Policy, load_supply_data
from rackwright.cli.common import CatalogFiles, JsonFlag, console, print_json, progress_bar
from rackwright.cli.engine_inputs import generation_tco_inputs, run_evaluation, throughput_evidence
from rackwright.demand import scenario_rates
from rackwright.errors import InputError
from rackwright.finance import FacilityEconomics, TcoStudy, load_finance_defaults, tco_study
from rackwright.finance.adapters import alternative_racks, decision_inputs
from rackwright.plan import prepare
from rackwright.report.section import PlanContext


def tco(
    file: Annotated[
        Path | None,
        typer.Argument(help="Scenario TOML; the embedded default scenario when omitted."),
    ] = None,
    catalog: CatalogFiles = None,
    bom: Annotated[
        list[Path] | None, typer.Option("--bom", help="Extra BOM supply TOML files.")
    ] = None,
    policy: Annotated[
        Policy, typer.Option("--policy", help="BOM offer policy for the rack capex.")
    ] = Policy.CHEAPEST,
    evaluation: Annotated[
        Path | None,
        typer.Option(
            "--evaluation", help="Evaluation program whose throughput the decision counts."
        ),
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """TCO per rack-year and GPU-hour, cost per token and per run, tornado, decision memo."""
    ctx = prepare(file, catalog)
    progress = progress_bar("tco", 12)
    with progress:
        task = progress.add_task("perf rates", total=4)

        def advance(label: str) -> None:
            progress.update(task, advance=1, description=label)

        study, problems, report = _study(ctx, bom or [], policy, evaluation, advance)
    if json_out:
        data = study.to_json()
        data["problems"] = list(problems)
        data["evaluation"] = report
        print_json(data)
        return
    print_study(study, problems)


def _study(
    ctx: PlanContext,
    bom: list[Path],
    policy: Policy,
    evaluation: Path | None,
    advance: Callable[[str], None],
) -> tuple[TcoStudy, tuple[str, ...], dict[str, Any] | None]:
    """Rates, BOM capex, evaluation evidence and decision inputs, then the study."""
    scenario, cat = ctx.scenario, ctx.catalog
    defaults = load_finance_defaults(cat)
    racks = [g.rack for g in scenario.generations]
    extra = [r for r in alternative_racks(scenario, cat) if r not in racks]
    option = scenario.purchase_option
    if option is not None and option.rack not in racks:
        extra.append(option.rack)
    rates, problems = scenario_rates(scenario, cat, [*racks, *extra])
    advance("BOM roll-ups")
    supply = load_supply_data(cat, bom)
    inputs = generation_tco_inputs(ctx, supply, policy, defaults.assumptions.cluster_gpus)
    advance("evaluation")
    throughput, report = (1.0, "model prediction (no evaluation)"), None
    if evaluation is not None:
        evaluated, _ = run_evaluation(evaluation)
        _same_system(ctx, evaluated.system, evaluation)
        throughput, report = throughput_evidence(evaluated, evaluation), evaluated.to_json()
    advance("decision")
    decision = (
        decision_inputs(scenario, cat, defaults, rates, throughput) if option is not None else None
    )
    facility = FacilityEconomics.of(cat.facility(scenario.facility))
    own_rates = [r for r in rates if r.rack in racks]
    study = tco_study(inputs, own_rates, facility, defaults, decision)
    advance("done")
    return study, problems, report


def _same_system(ctx: PlanContext, system: str, program: Path) -> None:
    option = ctx.scenario.purchase_option
    if option is None:
        raise InputError(
            "--evaluation needs a scenario with a [purchase_option]",
            field="--evaluation",
            value=str(program),
        )
    expected = ctx.catalog.rack(option.rack).system
    if system != expected:
        raise InputError(
            f"the evaluation program evaluates {system}, the option is for {option.rack} "
            f"(system {expected})",
            field="--evaluation",
            value=str(program),
        )


def print_study(study: TcoStudy, problems: tuple[str, ...]) -> None:
    """TCO per rack, cost of work, tornado tops and the decision memo."""
    f = study.facility
    console.print(
        f"facility {f.facility_id}: PUE {f.pue_ratio:g}, {f.electricity_usd_per_kwh * 100:.2f} "
        f"cents/kWh, build {f.build_cost_usd_per_w:g} USD/W; rack life "
        f"{study.assumptions.rack_life_years:g} years at {study.assumptions.cost_of_capital:.0%}",
        markup=False,
    )
    racks = Table(title="TCO per rack (USD)")
    for column in (
        "rack",
        "capex",
        "of which rack",
        "capex source",
        "energy kWh/yr",
        "opex/yr",
        "TCO/rack-yr",
        "TCO/GPU-h",
    ):
        racks.add_column(column, justify="left" if column in {"rack", "capex source"} else "right")
    for r in study.racks:
        racks.add_row(
            r.rack,
            f"{r.capex_usd:,.0f}",
            f"{r.rack_capex_usd:,.0f}",
            r.capex_detail,
            f"{r.energy_kwh_per_year:,.0f}",
            f"{r.opex_usd_per_year:,.0f}",
            f"{r.tco_usd_per_rack_year:,.0f}",
            f"{r.tco_usd_per_gpu_hour:.2f}",
        )
    console.print(racks)
    work = Table(title="cost of work")
    for column in (
        "workload",
        "rack",
        "USD per M tokens",
        "run cost (USD)",
        "tokens/s per kW",
        "tokens per USD",
    ):
        work.add_column(column, justify="left" if column in {"workload", "rack"} else "right")
    for w in study.workloads:
        run = f"{w.run_cost_usd:,.0f}" if w.run_racks else "-"
        work.add_row(
            w.workload,
            w.rack,
            f"{w.usd_per_million_tokens:.4f}",
            run,
            f"{w.tokens_per_s_per_kw:,.0f}",
            f"{w.tokens_per_usd:,.0f}",
        )
    console.print(work)
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
