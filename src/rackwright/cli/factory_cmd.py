"""``rackwright factory``: simulate the U.S. rack lines and plan their ramp for a scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from rackwright.bom.stage import BOM
from rackwright.chain import Upstream, run_chain
from rackwright.cli.common import (
    CatalogFiles,
    JsonFlag,
    console,
    print_json,
    progress_bar,
    spinner,
)
from rackwright.errors import InputError
from rackwright.explore.executors import make_executor
from rackwright.factory import (
    FactoryInputs,
    FactorySimulation,
    RampPlan,
    RampRequest,
    SimulationRequest,
    plan_ramp,
    simulate_factory,
)
from rackwright.factory.buildplan import period_index, period_name
from rackwright.factory.results import StationResult
from rackwright.factory.stage import FACTORY, factory_inputs
from rackwright.factory.stats import Estimate
from rackwright.plan import InputRequest, prepare
from rackwright.rack.stage import RACK

app = typer.Typer(no_args_is_help=True, help="U.S. rack factories: line simulation and ramp plan.")

ScenarioArg = Annotated[
    Path | None, typer.Argument(help="Scenario TOML; the embedded default scenario when omitted.")
]
FactoryFile = Annotated[
    Path | None, typer.Option("--factory", help="Factory TOML replacing the packaged line data.")
]


def _inputs(
    file: Path | None, catalog: list[Path] | None, factory: Path | None
) -> tuple[str, int, FactoryInputs]:
    """The factory engines' inputs exactly as the plan's factory stage builds them (the rack and
    BOM stages run first, so power and cost come from where they do in a plan); and the seed."""
    context = prepare(InputRequest(scenario=file, catalog=tuple(catalog or ()), factory=factory))
    run = run_chain(context, [RACK, BOM])
    inputs = factory_inputs(context, Upstream(FACTORY.key, run.results))
    return context.scenario_file, context.settings.seed, inputs


def _ci(e: Estimate, digits: int = 1) -> str:
    return f"{e.mean:,.{digits}f}±{e.half_width:,.{digits}f}"


def _short(site_ids: list[str]) -> dict[str, str]:
    """Site ids without the prefix they all share ('foxconn-houston-tx' -> 'houston-tx')."""
    if len(site_ids) < 2:
        return {s: s for s in site_ids}
    prefix = site_ids[0]
    for s in site_ids[1:]:
        while not s.startswith(prefix):
            prefix = prefix[:-1]
    cut = prefix.rfind("-") + 1
    return {s: s[cut:] or s for s in site_ids}


@app.command("simulate")
def simulate(
    file: ScenarioArg = None,
    weeks: Annotated[int, typer.Option("--weeks", help="Weeks to simulate.")] = 52,
    replications: Annotated[
        int, typer.Option("--replications", help="Independent replications (for the 95 % CIs).")
    ] = 5,
    start: Annotated[
        str | None,
        typer.Option("--start", help="First quarter, e.g. 2027Q1 (default: the plan's)."),
    ] = None,
    warmup_weeks: Annotated[
        int, typer.Option("--warmup-weeks", help="Weeks left out of the averages (empty start).")
    ] = 2,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="Seed of every random stream (default: the scenario's)."),
    ] = None,
    executor: Annotated[str, typer.Option("--executor", help="local or ray.")] = "local",
    workers: Annotated[
        int, typer.Option("--workers", help="Processes (local) or CPUs (new Ray cluster).")
    ] = 1,
    factory: FactoryFile = None,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Simulate the scenario's build plan on every U.S. site's lines (SimPy, replicated)."""
    scenario_file, plan_seed, inputs = _inputs(file, catalog, factory)
    first = period_name(min(period_index(b.period) for b in inputs.builds))
    request = SimulationRequest(
        factory=inputs.factory,
        products=inputs.products,
        builds=inputs.builds,
        shares=inputs.shares,
        start_period=period_name(period_index(start)) if start else first,
        weeks=weeks,
        warmup_weeks=warmup_weeks,
        replications=replications,
        seed=plan_seed if seed is None else seed,
    )
    runner = make_executor(executor, workers=workers)
    progress = progress_bar("factory", 0)
    try:
        with progress:
            task = progress.add_task("", total=None)

            def done(finished: int, total: int) -> None:
                progress.update(task, completed=finished, total=total)

            result = simulate_factory(request, runner, done)
    finally:
        runner.close()
    if json_out:
        print_json({"scenario": scenario_file, "executor": runner.name, **result.to_json()})
        return
    _print_simulation(result)


def _print_simulation(result: FactorySimulation) -> None:
    console.print(
        f"{result.weeks} weeks from {result.start_period}, {result.replications} replications "
        f"(seed {result.seed}), first {result.warmup_weeks} weeks left out: "
        f"{_ci(result.throughput_per_week)} racks a week shipped against "
        f"{result.planned_throughput_per_week:,.1f} planned",
        markup=False,
        soft_wrap=True,
    )
    names = _short([s.site_id for s in result.sites])
    sites = Table(title="Sites (racks a week, 95 % CI)")
    for column in (
        "site",
        "lines",
        "shifts",
        "planned",
        "shipped",
        "capacity",
        "WIP",
        "bottleneck",
    ):
        sites.add_column(column, justify="left" if column in ("site", "bottleneck") else "right")
    for s in result.sites:
        sites.add_row(
            names[s.site_id],
            str(s.lines),
            str(s.shifts_per_day),
            f"{s.planned_throughput_per_week:,.1f}",
            _ci(s.throughput_per_week),
            f"{s.capacity_per_week:,.1f}",
            _ci(s.wip),
            s.bottleneck,
        )
    console.print(sites)
    for s in result.sites:
        if s.bottleneck != s.analytic_bottleneck:
            console.print(
                f"{names[s.site_id]}: the capacity model's bottleneck at the planned mix is "
                f"{s.analytic_bottleneck} (simulated: {s.bottleneck})",
                markup=False,
            )
    _print_stations(result)
    _print_queues(result)
    for skipped in result.skipped_sites:
        console.print(
            f"{skipped}: no lines installed or nothing planned, not simulated", markup=False
        )


def _by_site(result: FactorySimulation, title: str) -> Table:
    """A table with a station column and one column per site."""
    names = _short([s.site_id for s in result.sites])
    table = Table(title=title)
    table.add_column("station")
    for s in result.sites:
        table.add_column(names[s.site_id], justify="right")
    return table


def _print_stations(result: FactorySimulation) -> None:
    table = _by_site(result, "Utilization by station (work + changeovers over staffed time)")
    for i, station in enumerate(result.sites[0].stations if result.sites else ()):
        cells = [_load(s.stations[i]) for s in result.sites]
        table.add_row(f"{station.level} {station.station_id}", *cells)
    console.print(table)


def _load(station: StationResult) -> str:
    text = f"{station.utilization.mean:.0%}"
    if station.facility_share.mean > 0:
        text += f" (power {station.facility_share.mean:.0%})"
    return text


def _print_queues(result: FactorySimulation) -> None:
    table = _by_site(result, "Failures a week -> repair; racks waiting for repair (mean, max)")
    for i, first in enumerate(result.sites[0].test_queues if result.sites else ()):
        cells = [
            f"{q.failures_per_week.mean:,.1f}; {q.waiting_for_repair.mean:.2f}, {q.max_waiting}"
            for q in (s.test_queues[i] for s in result.sites)
        ]
        table.add_row(f"{first.station_id} -> {first.repair_station_id}", *cells)
    console.print(table)
    names = _short([s.site_id for s in result.sites])
    racks = Table(title="Racks (cycle time release -> ship, hours)")
    for column in ("site", "rack", "planned/wk", "shipped/wk", "cycle h", "p90 h"):
        racks.add_column(column, justify="left" if column in ("site", "rack") else "right")
    for s in result.sites:
        for r in s.racks:
            racks.add_row(
                names[s.site_id],
                r.rack_id,
                f"{r.planned_per_week:,.1f}",
                _ci(r.shipped_per_week),
                _ci(r.cycle_time_h, 0),
                f"{r.cycle_time_p90_h:,.0f}",
            )
    console.print(racks)


@app.command("ramp")
def ramp(
    file: ScenarioArg = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Solver time limit in seconds.")
    ] = 30.0,
    gap: Annotated[float, typer.Option("--gap", help="Relative MIP gap to stop at.")] = 0.01,
    factory: FactoryFile = None,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Plan lines, shifts and hiring per site and quarter to build the scenario's plan.

    Exit code 0 when the plan is met, 1 when some quarter falls short (the shortfalls and the
    limits reached are reported), 2 for bad input.
    """
    if time_limit <= 0 or not 0.0 <= gap < 1.0:
        raise InputError(
            "--time-limit must be positive and --gap in [0, 1)", value=(time_limit, gap)
        )
    scenario_file, _, inputs = _inputs(file, catalog, factory)
    request = RampRequest(
        inputs.factory, inputs.products, inputs.builds, inputs.shares, time_limit, gap
    )
    with spinner("solving the ramp plan ..."):
        plan = plan_ramp(request)
    if json_out:
        print_json({"scenario": scenario_file, **plan.to_json()})
    else:
        _print_ramp(plan)
    if not plan.feasible:
        raise typer.Exit(1)


def _print_ramp(plan: RampPlan) -> None:
    console.print(
        f"ramp plan: {plan.status.value} (gap {plan.mip_gap:.2%}, {plan.seconds:.1f} s), cost "
        f"${plan.costs.total_usd / 1e6:,.1f}M; jobs created: "
        + ", ".join(f"{site} {jobs:,.0f}" for site, jobs in plan.jobs_by_site.items()),
        markup=False,
        soft_wrap=True,
    )
    names = _short(list(dict.fromkeys(row.site_id for row in plan.sites)))
    table = Table(title="Lines, shifts, people and racks per site and quarter")
    columns = ("site", "quarter", "lines", "staffed", "1/2/3 sh", "staff", "jobs", "racks", "bay")
    for column in columns:
        table.add_column(column, justify="left" if column in ("site", "quarter") else "right")
    for row in plan.sites:
        table.add_row(
            names[row.site_id],
            row.period,
            str(row.lines_built),
            str(row.lines_staffed),
            "/".join(str(n) for n in row.lines_by_shifts),
            f"{row.staff:,.0f}",
            f"{row.jobs_created:+,.0f}",
            f"{sum(row.output.values()):,.0f}",
            f"{row.test_bay_power_share:.0%}",
        )
    console.print(table)
    console.print(
        "lines: built; 1/2/3 sh: staffed lines on one, two, three shifts; jobs: staff change; "
        "bay: test-bay power in use, of its planning capacity",
        markup=False,
        soft_wrap=True,
    )
    if plan.feasible:
        console.print("every quarter's racks are built", markup=False)
    for short in plan.shortfalls:
        console.print(f"short: {short.message}", markup=False, soft_wrap=True)
