"""``rackwright source``: least landed-cost supplier plan for the scenario's build plan."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from rackwright.cli.common import CatalogFiles, JsonFlag, console, print_json, spinner
from rackwright.cli.inputs import TariffsFileOpt
from rackwright.errors import InputError
from rackwright.optim import SolveOptions
from rackwright.plan import InputRequest, prepare
from rackwright.sourcing.engine import solve_sourcing
from rackwright.sourcing.from_bom import problem_from_scenario
from rackwright.sourcing.result import SourcingResult


def source(
    file: Annotated[
        Path | None,
        typer.Argument(help="Scenario TOML; the embedded default scenario when omitted."),
    ] = None,
    domestic_floor: Annotated[
        float | None,
        typer.Option(
            "--domestic-floor",
            help="U.S. share of spend per quarter (0-1); default: the scenario's domestic targets.",
        ),
    ] = None,
    tariffs: TariffsFileOpt = None,
    policy: Annotated[
        str, typer.Option("--policy", help="Tariff scenario: current, or one in scenarios.toml.")
    ] = "current",
    soft_floor: Annotated[
        bool,
        typer.Option("--soft-floor", help="Allow a priced shortfall below the domestic floor."),
    ] = False,
    dual_share: Annotated[
        float,
        typer.Option(
            "--dual-share",
            help="Least share of a critical part's units each of its two sites must take.",
        ),
    ] = 0.2,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Solver time limit in seconds.")
    ] = 60.0,
    gap: Annotated[float, typer.Option("--gap", help="Relative MIP gap to stop at.")] = 1e-4,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Plan orders per part, site and quarter at least landed cost; explain an infeasible plan.

    Exit code 0 with a plan, 1 when no plan exists (the explanation says which rules to relax),
    2 for bad input.
    """
    if domestic_floor is not None and not 0.0 <= domestic_floor <= 1.0:
        raise InputError(
            "--domestic-floor must be a share between 0 and 1",
            field="domestic-floor",
            value=domestic_floor,
        )
    if not 0.0 <= dual_share <= 0.5:
        raise InputError(
            "--dual-share must be between 0 and 0.5", field="dual-share", value=dual_share
        )
    if not time_limit > 0 or not math.isfinite(time_limit):
        raise InputError(
            "--time-limit must be a positive number of seconds",
            field="time-limit",
            value=time_limit,
        )
    if not 0.0 <= gap < 1.0:
        raise InputError("--gap must be in [0, 1)", field="gap", value=gap)
    context = prepare(InputRequest(scenario=file, catalog=tuple(catalog or ()), tariffs=tariffs))
    problem = problem_from_scenario(
        context.scenario,
        context.catalog,
        context.supply,
        tariffs=context.tariffs,
        tariff_policy=policy,
        logistics=context.logistics,
        domestic_floor=domestic_floor,
        soft_domestic_floor=soft_floor,
    )
    problem = dataclasses.replace(
        problem, policy=dataclasses.replace(problem.policy, dual_source_min_share=dual_share)
    )
    options = SolveOptions(mip_rel_gap=gap, time_limit_s=time_limit)
    with spinner(
        f"solving {len(problem.parts)} parts x {len(problem.offers)} offers x "
        f"{len(problem.periods)} quarters ..."
    ):
        result = solve_sourcing(problem, options)
    if json_out:
        print_json({"scenario": context.scenario_file, "policy": policy, **result.to_dict()})
    else:
        _print(result)
    if not result.has_plan:
        raise typer.Exit(1)


def _print(result: SourcingResult) -> None:
    status = result.status.value
    if not result.has_plan:
        console.print(f"no sourcing plan: {status}", markup=False)
        for v in result.violations:
            console.print(f"  - {v.message}", markup=False, soft_wrap=True)
        return
    console.print(
        f"sourcing plan: {status}, landed cost ${result.objective_usd / 1e9:,.3f}B "
        f"(gap {result.mip_gap:.2e}; build {result.build_seconds:.2f} s, "
        f"solve {result.solve_seconds:.1f} s)",
        markup=False,
        soft_wrap=True,
    )
    costs = Table(title="Landed cost")
    costs.add_column("component")
    costs.add_column("USD", justify="right")
    for name, value in result.costs.to_dict().items():
        costs.add_row(name.removesuffix("_usd"), f"{value:,.0f}")
    console.print(costs)
    periods = Table(title="Domestic share by quarter")
    for column in ("quarter", "spend MUSD", "U.S. share", "floor", "shortfall"):
        periods.add_column(column, justify="right")
    for p in result.periods:
        periods.add_row(
            p.period,
            f"{p.spend_usd / 1e6:,.1f}",
            f"{p.domestic_share:.1%}",
            f"{p.floor:.0%}",
            f"{p.shortfall_share:.1%}" if p.shortfall_share > 0 else "",
        )
    console.print(periods)
    if result.binding:
        console.print(f"{len(result.binding)} offer-quarters ship at full capacity:", markup=False)
        for b in result.binding[:10]:
            console.print(
                f"  {b.period} {b.part_id} @ {b.site_id}: {b.capacity_units:,.0f} units",
                markup=False,
            )
