"""``rackwright bench``: reference instances and closed forms against known answers.

``bench cflp`` solves OR-Library warehouse location; the risk and queue benches check
published supply-risk cases and textbook queues; ``bench option`` prices an option on
the purchase decision's lattice beside Black-Scholes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from rackwright.cli.common import JsonFlag, console, console_err, finite, print_json
from rackwright.cli.risk_cmd import ExecutorOption, WorkersOption, run_analysis
from rackwright.errors import InputError
from rackwright.explore.executors import make_executor
from rackwright.factory.queueing import (
    METRICS,
    BenchRun,
    QueueBenchResult,
    queue_system,
    run_queue_bench,
)
from rackwright.finance.option import (
    DEFAULT_STEPS,
    ExerciseStyle,
    OptionKind,
    OptionSpec,
    closed_form,
    lattice,
)
from rackwright.optim import SolveOptions
from rackwright.risk import load_network
from rackwright.sourcing.orlib import read_cflp, solve_cflp

app = typer.Typer(
    no_args_is_help=True,
    help="Reference checks: OR-Library instances, published supply-risk cases, textbook queues "
    "on the factory engine, option pricing.",
)


@app.command("cflp")
def cflp(
    file: Annotated[Path, typer.Argument(help="An OR-Library cap* warehouse-location file.")],
    capacity: Annotated[
        float | None,
        typer.Option(
            "--capacity",
            callback=finite,
            help="Capacity for warehouses the file lists as 'capacity'.",
        ),
    ] = None,
    uncapacitated: Annotated[
        bool, typer.Option("--uncapacitated", help="Drop the capacity constraints.")
    ] = False,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit", min=0.001, callback=finite, help="Stop after this many seconds."
        ),
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Solve a capacitated (or uncapacitated) warehouse-location instance to optimality."""
    if capacity is not None and capacity <= 0:
        raise InputError("--capacity must be positive", field="capacity", value=capacity)
    instance = read_cflp(file, capacity_override=capacity)
    if not json_out:
        console_err.print(
            f"solving {instance.name}: {instance.num_warehouses} warehouses, "
            f"{instance.num_customers} customers, "
            f"{'uncapacitated' if uncapacitated else 'capacitated'} ...",
            markup=False,
        )
    options = SolveOptions(mip_rel_gap=1e-10, mip_abs_gap=1e-4, time_limit_s=time_limit)
    result = solve_cflp(instance, capacitated=not uncapacitated, options=options)
    data = {
        "instance": instance.name,
        "capacitated": not uncapacitated,
        "objective": result.objective,
        "status": result.status.value,
        "seconds": round(result.seconds, 4),
        "mip_gap": result.mip_gap,
        "open_warehouses": [i + 1 for i in result.open_warehouses],
    }
    if json_out:
        print_json(data)
        return
    console.print(
        f"{instance.name}: {result.status.value}, objective {result.objective:,.3f}, "
        f"{len(result.open_warehouses)} warehouses open, {result.seconds:.2f} s",
        markup=False,
    )


@app.command("option")
def option(
    spot: Annotated[float, typer.Option("--spot", help="Value of the underlying today.")],
    strike: Annotated[float, typer.Option("--strike", help="Exercise price.")],
    rate: Annotated[float, typer.Option("--rate", help="Risk-free rate per year (0.05 = 5 %).")],
    vol: Annotated[float, typer.Option("--vol", help="Volatility per sqrt(year) (0.2 = 20 %).")],
    years: Annotated[float, typer.Option("--years", help="Time to expiry in years.")],
    steps: Annotated[int, typer.Option("--steps", help="Lattice steps.")] = DEFAULT_STEPS,
    american: Annotated[
        bool, typer.Option("--american", help="May be exercised any time before expiry.")
    ] = False,
    put: Annotated[
        bool, typer.Option("--put", help="A put (right to sell); default a call.")
    ] = False,
    dividend: Annotated[
        float, typer.Option("--dividend", help="Continuous dividend yield per year.")
    ] = 0.0,
    json_out: JsonFlag = False,
) -> None:
    """Price an option on the binomial lattice the purchase decision uses, beside Black-Scholes."""
    spec = OptionSpec(
        spot=spot,
        strike=strike,
        rate=rate,
        vol=vol,
        years=years,
        dividend=dividend,
        kind=OptionKind.PUT if put else OptionKind.CALL,
        style=ExerciseStyle.AMERICAN if american else ExerciseStyle.EUROPEAN,
    )
    value = lattice(spec, steps)
    exact = closed_form(spec)
    if json_out:
        print_json({"lattice": value.value, "closed_form": exact})
        return
    name = f"{spec.style.value} {spec.kind.value}"
    line = f"{name}: lattice {value.value:.6f} ({steps} steps)"
    if exact is None:
        line += "; no closed form (early exercise can pay)"
    else:
        line += f"; Black-Scholes {exact:.6f} (difference {value.value - exact:+.2e})"
    console.print(line, markup=False)


@app.command("queue")
def queue(
    kind: Annotated[str, typer.Option("--kind", help="mm1, mmc or tandem.")],
    arrival_rate: Annotated[
        float, typer.Option("--arrival-rate", help="lambda, jobs per unit time.")
    ],
    service_rate: Annotated[
        float, typer.Option("--service-rate", help="mu per server, jobs per unit time.")
    ],
    servers: Annotated[
        int, typer.Option("--servers", help="Servers per station (mmc, tandem).")
    ] = 1,
    stations: Annotated[int, typer.Option("--stations", help="Stations in tandem.")] = 1,
    replications: Annotated[int, typer.Option("--replications", help="Independent runs.")] = 10,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", help="Jobs measured per replication (default: planned for 1 %)."),
    ] = None,
    warmup: Annotated[
        float, typer.Option("--warmup", help="Share of each run left out as warm-up.")
    ] = 0.1,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random stream.")] = 0,
    workers: Annotated[int, typer.Option("--workers", help="Local processes.")] = 1,
    json_out: JsonFlag = False,
) -> None:
    """Run a textbook queue on the factory simulation engine and compare it with theory.

    Exit code 1 when a run breaks Little's law L = lambda W beyond its window-edge tolerance.
    """
    if jobs is not None and jobs < 100:
        raise InputError("--jobs must be at least 100", field="jobs", value=jobs)
    if seed < 0 or workers < 1:
        raise InputError("--seed must be >= 0 and --workers >= 1", field="seed", value=seed)
    system = queue_system(kind, arrival_rate, service_rate, servers, stations)
    how = BenchRun(
        replications=replications, jobs_per_replication=jobs, warmup_fraction=warmup, seed=seed
    )
    runner = make_executor("local", workers=workers)
    try:
        result = run_queue_bench(system, how, runner)
    finally:
        runner.close()
    if json_out:
        print_json(result.to_json())
    else:
        _print_queue(result)
    if not result.little_holds:
        console_err.print(
            f"error: Little's law L = lambda W fails: estimates off by {result.little_rel_gap:.2%},"
            f" sample-path identity off by {result.identity_gap:.1e}",
            markup=False,
        )
        raise typer.Exit(1)


def _print_queue(result: QueueBenchResult) -> None:
    s = result.system
    console.print(
        f"{s.kind.value}: lambda {s.arrival_rate:g}, mu {s.service_rate:g}, {s.servers} server(s)"
        f"{f', {s.stations} stations' if s.stations > 1 else ''}, utilization "
        f"{s.utilization:.3f}; {result.replications} x {result.jobs_per_replication:,} jobs",
        markup=False,
    )
    table = Table(title="Simulated (95 % CI) vs theory")
    for column in ("figure", "simulated", "95 % CI", "theory", "error"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    for metric in METRICS:
        ci = result.ci95[metric]
        table.add_row(
            metric,
            f"{getattr(result.simulated, metric):.4f}",
            f"[{ci.lo:.4f}, {ci.hi:.4f}]",
            f"{getattr(result.theory, metric):.4f}",
            f"{result.relative_error(metric):.2%}",
        )
    console.print(table)
    verdict = "holds" if result.little_holds else "FAILS"
    console.print(
        f"Little's law L = lambda W {verdict}: the estimates differ by {result.little_rel_gap:.3%};"
        f" each run's sample path satisfies it to {result.identity_gap:.1e} with its edge term",
        markup=False,
        soft_wrap=True,
    )


@app.command("ttr")
def ttr(
    file: Annotated[Path, typer.Argument(help="A supply network in the exchange format (TOML).")],
    executor: ExecutorOption = "local",
    workers: WorkersOption = 1,
    json_out: JsonFlag = False,
) -> None:
    """Loss over the TTR, REI and TTS of every scenario of a network file (README order).

    The scenarios are every node with a ttr and every group; ``--json`` prints
    ``{"scenarios": [{"id", "disrupted", "ttr", "loss", "rei", "tts", "red_flag"}]}``.
    """
    net = load_network(file)
    analysis = run_analysis(
        net, by_country=False, country_ttr={}, executor=executor, workers=workers
    )
    if json_out:
        print_json(analysis.bench_json())
        return
    table = Table(title=f"{file.name}: time to recover / time to survive")
    for column in ("scenario", "disrupted", "TTR", "loss", "REI", "TTS", "red flag"):
        table.add_column(column, justify="left" if column in ("scenario", "disrupted") else "right")
    for s in analysis.scenarios:
        nodes = ", ".join(s.disrupted[:4]) + (" ..." if len(s.disrupted) > 4 else "")
        table.add_row(
            s.id,
            nodes,
            f"{s.ttr:g}",
            f"{s.loss:,.6g}",
            f"{s.rei:.3f}",
            f"{s.tts:.6g}",
            "yes" if s.red_flag else "no",
        )
    console.print(table)
