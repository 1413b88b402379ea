"""``rackwright demand [SCENARIO]``: the scenario's demand cases as racks, GPUs and MW.

Each case's training-compute and inference-token growth goes through the performance model
(tokens/s per GPU of each workload on each generation) into racks installed and built per
generation per quarter (mix rule and service life from the scenario's [demand] block), and the
build case is set against the explicit [[build]] plan.
"""

from __future__ import annotations

from rich.table import Table

from rackwright.cli.common import CatalogFiles, JsonFlag, console, console_err, print_json
from rackwright.cli.engine_inputs import demand_result, upstream
from rackwright.cli.inputs import (
    BomFilesOpt,
    CalibrationFileOpt,
    ScenarioFileArg,
    scenario_request,
)
from rackwright.demand import CaseResult, DemandResult
from rackwright.plan import prepare


def demand(
    file: ScenarioFileArg = None,
    catalog: CatalogFiles = None,
    bom: BomFilesOpt = None,
    calibration: CalibrationFileOpt = None,
    json_out: JsonFlag = False,
) -> None:
    """Turn the scenario's demand cases into GPUs, racks and MW per generation per quarter."""
    inputs = prepare(scenario_request(file, catalog, bom, calibration))
    with console_err.status("demand: rack, bom and workloads stages ..."):
        up = upstream(inputs)
        result = demand_result(inputs, up)
    own = [r for r in up.rates if r.rack in {g.rack for g in inputs.scenario.generations}]
    if json_out:
        print_json(
            {**result.to_json(), "rates": [r.to_json() for r in own], "problems": list(up.problems)}
        )
        return
    for line in up.problems:
        console.print(f"cannot run: {line}", markup=False)
    print_demand(result)


def _year_ends(case: CaseResult) -> list[str]:
    periods = list(dict.fromkeys(g.period for g in case.generations))
    return [p for p in periods if p.endswith("Q4")] or periods[-1:]


def print_demand(result: DemandResult) -> None:
    """One table per case (year-end quarters), then the build case's gap to the explicit plan."""
    console.print(
        f"mix rule: {result.mix.value} (ramp {result.ramp_quarters} quarters); racks serve "
        f"{result.service_life_quarters} quarters; MW = racks x typical rack power x PUE "
        f"{result.pue_ratio:g}"
    )
    for case in result.cases:
        c = case.case
        table = Table(
            title=f"case {c.name}: training {c.training_growth_per_year:+.0%}/yr, "
            f"inference {c.inference_growth_per_year:+.0%}/yr"
        )
        for column in ("quarter", "rack", "racks", "built in quarter", "GPUs", "MW"):
            table.add_column(column, justify="left" if column in {"quarter", "rack"} else "right")
        for period in _year_ends(case):
            for g in (g for g in case.generations if g.period == period and g.racks_installed):
                table.add_row(
                    period,
                    g.rack,
                    f"{g.racks_installed:,}",
                    f"{g.racks_built:,}",
                    f"{g.gpus:,}",
                    f"{g.power_mw:,.1f}",
                )
            table.add_row(
                period,
                "[bold]all[/]",
                f"{case.total(period, 'racks_installed'):,.0f}",
                f"{case.total(period, 'racks_built'):,.0f}",
                f"{case.total(period, 'gpus'):,.0f}",
                f"{case.total(period, 'power_mw'):,.1f}",
            )
        console.print(table)
    explicit = sum(g.explicit_racks for g in result.gap)
    implied = sum(g.from_demand_racks for g in result.gap)
    console.print(
        f"build case {result.build_case}: the explicit plan builds {explicit:,} racks, demand "
        f"implies {implied:,} ({explicit - implied:+,})"
    )
