"""``rackwright source``: least landed-cost supplier plan for the scenario's build plan."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from rackwright.cli.common import CatalogFiles, JsonFlag, console, console_err, print_json
from rackwright.cli.inputs import PolicyOpt, SourcingRulesFileOpt, TariffsFileOpt
from rackwright.errors import InputError
from rackwright.optim import SolveOptions, SolveProgress
from rackwright.plan import InputRequest, prepare
from rackwright.sourcing.engine import solve_sourcing
from rackwright.sourcing.from_bom import problem_from_scenario
from rackwright.sourcing.problem import SourcingProblem
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
    policy: PolicyOpt = None,
    rules: SourcingRulesFileOpt = None,
    soft_floor: Annotated[
        bool,
        typer.Option("--soft-floor", help="Allow a priced shortfall below the domestic floor."),
    ] = False,
    dual_share: Annotated[
        float | None,
        typer.Option(
            "--dual-share",
            help="Least share of a critical part's units each qualified site must take, in the "
            "quarters the dual-source rule applies (default: the rules file, 0.2).",
        ),
    ] = None,
    dual_sites: Annotated[
        int | None,
        typer.Option(
            "--dual-sites",
            help="Qualified sites a critical part needs (default: the rules file, 2; 1 = off).",
        ),
    ] = None,
    gap: Annotated[
        float, typer.Option("--gap", help="Proven relative gap to the cheapest plan to stop at.")
    ] = 1e-4,
    max_nodes: Annotated[
        int | None,
        typer.Option(
            "--max-nodes",
            help="Branch-and-bound node limit of the last step (a work limit: same result on "
            "every run).",
        ),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            help="Wall-clock safety net in seconds (a plan it stops may differ between runs).",
        ),
    ] = None,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Plan orders per part, site and quarter at least landed cost; explain an infeasible plan.

    The plan comes with a proven lower bound: it is at most the printed gap above the cheapest
    plan that meets the same rules. Exit code 0 with a plan, 1 when no plan exists (the
    explanation says which rules to relax and how), 2 for bad input.
    """
    _check_options(domestic_floor, dual_share, dual_sites, gap, max_nodes, time_limit)
    context = prepare(
        InputRequest(
            scenario=file,
            catalog=tuple(catalog or ()),
            tariffs=tariffs,
            sourcing_rules=rules,
            tariff_policy=policy,
        )
    )
    problem = problem_from_scenario(
        context.scenario,
        context.catalog,
        context.supply,
        tariffs=context.tariffs,
        tariff_policy=context.scenario.tariff_policy,
        logistics=context.logistics,
        domestic_floor=domestic_floor,
        soft_domestic_floor=soft_floor,
        rules=context.sourcing_rules.with_dual_source(min_sites=dual_sites, min_share=dual_share),
    )
    options = SolveOptions(mip_rel_gap=gap, time_limit_s=time_limit, max_nodes=max_nodes)
    label = (
        f"{len(problem.parts)} parts x {len(problem.offers)} offers x "
        f"{len(problem.periods)} quarters"
    )
    result = _solve_with_progress(problem, options, label)
    if json_out:
        print_json(
            {
                "scenario": context.scenario_file,
                "policy": context.scenario.tariff_policy,
                **result.to_json(),
            }
        )
    else:
        _print(result, soft_floor)
    if not result.has_plan:
        raise typer.Exit(1)


def _check_options(
    domestic_floor: float | None,
    dual_share: float | None,
    dual_sites: int | None,
    gap: float,
    max_nodes: int | None,
    time_limit: float | None,
) -> None:
    """One-line errors naming the option and its value."""
    if domestic_floor is not None and not 0.0 <= domestic_floor <= 1.0:
        raise InputError(
            "--domestic-floor must be a share between 0 and 1",
            field="domestic-floor",
            value=domestic_floor,
        )
    if dual_share is not None and not 0.0 <= dual_share <= 0.5:
        raise InputError(
            "--dual-share must be between 0 and 0.5", field="dual-share", value=dual_share
        )
    if dual_sites is not None and not 1 <= dual_sites <= 5:
        raise InputError("--dual-sites must be 1 to 5", field="dual-sites", value=dual_sites)
    if not (math.isfinite(gap) and 0.0 <= gap < 1.0):
        raise InputError("--gap must be in [0, 1)", field="gap", value=gap)
    if max_nodes is not None and max_nodes < 1:
        raise InputError("--max-nodes must be at least 1", field="max-nodes", value=max_nodes)
    if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
        raise InputError("--time-limit must be positive", field="time-limit", value=time_limit)


def _solve_with_progress(
    problem: SourcingProblem, options: SolveOptions, label: str
) -> SourcingResult:
    """Solve under a status line showing the step, elapsed time, plan, bound and gap."""
    bar = Progress(
        SpinnerColumn(),
        TextColumn(f"[bold]source[/bold] {label}: {{task.description}}"),
        TimeElapsedColumn(),
        console=console_err,
        transient=True,
        disable=not console_err.is_terminal,
    )
    with bar:
        task = bar.add_task("relaxation", total=None)

        def show(p: SolveProgress) -> None:
            bar.update(task, description=progress_line(p))

        return solve_sourcing(problem, dataclasses.replace(options, progress=show))


def progress_line(p: SolveProgress) -> str:
    """``bound by part 20/53 · plan 113.035 BUSD · bound 112.981 BUSD · gap 4.8e-04``."""
    parts = [p.phase]
    if math.isfinite(p.incumbent):
        parts.append(f"plan {p.incumbent / 1e9:,.3f} BUSD")
    if math.isfinite(p.bound):
        parts.append(f"bound {p.bound / 1e9:,.3f} BUSD")
    if math.isfinite(p.gap):
        parts.append(f"gap {p.gap:.1e}")
    return " · ".join(parts)


def _print(result: SourcingResult, soft_floor: bool) -> None:
    status = result.status.value
    if not result.has_plan:
        console.print(f"no sourcing plan: {status}", markup=False)
        for v in result.violations:
            console.print(f"  - {v.message}", markup=False, soft_wrap=True)
            console.print(f"    relax: {v.relax}", markup=False, soft_wrap=True)
        if soft_floor and result.violations:
            console.print(
                "  (--soft-floor relaxes only the domestic floor; the rules above still bind)",
                markup=False,
            )
        return
    console.print(
        f"sourcing plan: landed cost ${result.objective_usd / 1e9:,.3f}B; "
        f"{result.optimality_note()} (build {result.build_seconds:.2f} s, "
        f"solve {result.solve_seconds:.1f} s)",
        markup=False,
        soft_wrap=True,
    )
    for note in result.policy_notes:
        console.print(f"  {note}", markup=False, soft_wrap=True)
    _print_tables(result)


def _print_tables(result: SourcingResult) -> None:
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
    dual = Table(title="Dual sourcing of critical parts")
    for column in ("part", "applies", "quarters / why not", "sites (share)"):
        dual.add_column(column)
    for d in result.dual_source:
        where = f"{d.quarters[0]}..{d.quarters[-1]}" if d.quarters else d.reason
        shares = ", ".join(f"{site} {share:.0%}" for site, share in d.shares)
        dual.add_row(d.part_id, "yes" if d.applies else "no", where, shares)
    if result.dual_source:
        console.print(dual)
    if result.binding:
        console.print(f"{len(result.binding)} offer-quarters ship at full capacity:", markup=False)
        for b in result.binding[:10]:
            console.print(
                f"  {b.period} {b.part_id} @ {b.site_id}: {b.capacity_units:,.0f} units",
                markup=False,
            )
