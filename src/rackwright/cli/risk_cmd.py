"""``rackwright risk``: disruption analysis of a supply-network file (TTR/TTS, Monte Carlo,
mitigation).

Every subcommand reads a network in the exchange format (``shared/data/risk/README.md``).
The scenario-level ``rackwright risk [SCENARIO]`` and ``risk export`` join this group with the
chain adapter.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from rackwright.cli.common import JsonFlag, console, print_json, progress_bar
from rackwright.errors import InputError
from rackwright.explore.executors import EXECUTORS, Executor, make_executor
from rackwright.risk import (
    MitigationCosts,
    MitigationPlan,
    MonteCarloResult,
    RiskAnalysis,
    analyze,
    country_scenarios,
    load_events,
    load_network,
    network_scenarios,
    simulate,
    size_mitigations,
)
from rackwright.risk.network import SupplyNetwork

app = typer.Typer(no_args_is_help=True, help="Supply-disruption risk of a supply-network file.")

NetworkFile = Annotated[
    Path, typer.Argument(help="Supply network in the exchange format (TOML).", show_default=False)
]
ExecutorOption = Annotated[
    str, typer.Option("--executor", help=f"Where the work runs: {' or '.join(EXECUTORS)}.")
]
WorkersOption = Annotated[
    int, typer.Option("--workers", help="Processes (local) or CPUs (new Ray cluster).")
]
R = TypeVar("R")


def with_progress(
    label: str,
    executor: str,
    workers: int,
    work: Callable[[Executor, Callable[[int, int], None]], R],
) -> R:
    """Run ``work(executor, on_progress)`` under a progress bar, closing the executor after."""
    runner = make_executor(executor, workers=workers)
    progress = progress_bar(label, 0)
    try:
        with progress:
            task = progress.add_task("", total=None)

            def done(finished: int, total: int) -> None:
                progress.update(task, completed=finished, total=total)

            return work(runner, done)
    finally:
        runner.close()


def parse_country_ttrs(values: list[str] | None) -> dict[str, float]:
    """``["TW=26", "MX=8"]`` as ``{"TW": 26.0, "MX": 8.0}``; a malformed item is an error."""
    out: dict[str, float] = {}
    for item in values or []:
        code, sep, number = item.partition("=")
        try:
            out[code.strip()] = float(number) if sep else float("nan")
        except ValueError:
            out[code.strip()] = float("nan")
        if not sep or not code.strip() or not out[code.strip()] > 0:
            raise InputError(
                "--country-ttr takes COUNTRY=PERIODS with PERIODS > 0",
                field="country-ttr",
                value=item,
            )
    return out


def run_analysis(
    net: SupplyNetwork,
    *,
    by_country: bool,
    country_ttr: dict[str, float],
    executor: str,
    workers: int,
) -> RiskAnalysis:
    """The README's scenarios (plus one per country when asked), with a progress bar."""
    scenarios = network_scenarios(net)
    if by_country or country_ttr:
        scenarios += country_scenarios(net, country_ttr)
    return with_progress(
        "risk",
        executor,
        workers,
        lambda runner, done: analyze(net, scenarios, executor=runner, on_progress=done),
    )


def _fmt(value: float) -> str:
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"


def print_analysis(analysis: RiskAnalysis, title: str) -> None:
    """Scenarios ranked by REI, red flags with their shortfall window and what is lost."""
    table = Table(title=title)
    for column in ("scenario", "kind", "TTR", "loss", "REI", "TTS", "red flag", "products losing"):
        table.add_column(column, justify="left" if column in ("scenario", "kind") else "right")
    for s in analysis.ranking():
        flag = f"yes ({_fmt(s.tts)}-{_fmt(s.ttr)})" if s.red_flag else "no"
        losing = ", ".join(f"{p.node} {_fmt(p.lost_units)}" for p in s.products)
        table.add_row(
            s.id,
            s.kind.value,
            _fmt(s.ttr),
            _fmt(s.loss),
            f"{s.rei:.3f}",
            _fmt(s.tts),
            flag,
            losing or "-",
        )
    console.print(table)
    console.print(
        f"{len(analysis.scenarios)} scenarios, {len(analysis.red_flags())} red flags; "
        f"undisrupted network survives {_fmt(analysis.baseline_tts)} {analysis.period}s "
        f"(horizon {_fmt(analysis.horizon)}); {analysis.lp_solves} LP solves",
        markup=False,
    )


@app.command("analyze")
def analyze_cmd(
    file: NetworkFile,
    by_country: Annotated[
        bool, typer.Option("--by-country", help="Also take every country down at once.")
    ] = False,
    country_ttr: Annotated[
        list[str] | None,
        typer.Option("--country-ttr", help="COUNTRY=PERIODS for a country scenario (repeatable)."),
    ] = None,
    executor: ExecutorOption = "local",
    workers: WorkersOption = 1,
    json_out: JsonFlag = False,
) -> None:
    """Loss over the TTR, REI, TTS and red flags for every node with a ttr and every group."""
    net = load_network(file)
    analysis = run_analysis(
        net,
        by_country=by_country,
        country_ttr=parse_country_ttrs(country_ttr),
        executor=executor,
        workers=workers,
    )
    if json_out:
        print_json(analysis.to_json())
        return
    print_analysis(analysis, f"disruption scenarios of {file.name} (ranked by REI)")


def print_montecarlo(result: MonteCarloResult, period: str) -> None:
    """Mean, VaR and CVaR of lost units and value, and the events that cost the most."""
    table = Table(title=f"Monte Carlo: {result.trials:,} trials, seed {result.seed}")
    for column in ("measure", "lost value", "lost units"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    value, units = result.loss, result.lost_units
    table.add_row("mean", _fmt(value.mean), _fmt(units.mean))
    table.add_row(
        "P(loss > 0)", f"{value.probability_positive:.4f}", f"{units.probability_positive:.4f}"
    )
    for tail_value, tail_units in zip(value.tails, units.tails, strict=True):
        table.add_row(f"VaR {tail_value.level:g}", _fmt(tail_value.var), _fmt(tail_units.var))
        table.add_row(f"CVaR {tail_value.level:g}", _fmt(tail_value.cvar), _fmt(tail_units.cvar))
    table.add_row("max", _fmt(value.maximum), _fmt(units.maximum))
    console.print(table)
    events = Table(title="events by mean loss of the trials they hit")
    for column in ("event", "nodes", "P per trial", f"duration ({period}s)", "hits", "mean loss"):
        events.add_column(column, justify="left" if column in ("event", "nodes") else "right")
    for e in sorted(result.events, key=lambda e: (-e.mean_trial_loss, e.id))[:15]:
        events.add_row(
            e.id,
            ", ".join(e.nodes[:4]) + (" ..." if len(e.nodes) > 4 else ""),
            f"{e.probability:.4g}",
            e.duration,
            f"{e.occurrences:,}",
            _fmt(e.mean_trial_loss),
        )
    console.print(events)
    console.print(
        f"{result.multi_event_trials:,} trials with several events; {result.lp_solves:,} LP solves",
        markup=False,
    )


@app.command("montecarlo")
def montecarlo_cmd(
    file: NetworkFile,
    trials: Annotated[int, typer.Option("--trials", help="Trials (years) to simulate.")],
    seed: Annotated[int, typer.Option("--seed", help="Seed: the same seed, the same numbers.")],
    events: Annotated[
        Path | None, typer.Option("--events", help="Events TOML (default: one per site and group).")
    ] = None,
    level: Annotated[
        list[float] | None, typer.Option("--level", help="VaR/CVaR level (repeatable; 0.95, 0.99).")
    ] = None,
    executor: ExecutorOption = "local",
    workers: WorkersOption = 1,
    json_out: JsonFlag = False,
) -> None:
    """Seeded disruption trials: distribution of lost units and value, VaR and CVaR."""
    if trials < 1:
        raise InputError("--trials must be at least 1", field="trials", value=trials)
    if seed < 0:
        raise InputError("--seed must be a non-negative integer", field="seed", value=seed)
    net = load_network(file)
    chosen = load_events(events, net) if events is not None else None
    levels = tuple(level) if level else (0.95, 0.99)
    began = time.perf_counter()
    result = with_progress(
        "trials",
        executor,
        workers,
        lambda runner, done: simulate(
            net, chosen, trials=trials, seed=seed, levels=levels, executor=runner, on_progress=done
        ),
    )
    if json_out:
        print_json(
            {
                **result.to_json(),
                "executor": executor,
                "seconds": round(time.perf_counter() - began, 3),
            }
        )
        return
    print_montecarlo(result, net.period)


def print_mitigations(plan: MitigationPlan) -> None:
    """Mitigations ranked by exposure removed per dollar."""
    table = Table(title="mitigations, ranked by exposure removed per dollar a year")
    for column in ("red flag", "mitigation", "what", "exposure removed", "cost / year", "per $"):
        table.add_column(
            column, justify="left" if column in ("red flag", "mitigation", "what") else "right"
        )
    for m in plan.mitigations:
        what = "; ".join(
            f"{n.node}: {_fmt(n.buffer_units)} units"
            if m.kind.value == "buffer"
            else f"{n.node}: {_fmt(n.rate)}/{plan.period}"
            for n in m.nodes
        )
        cost = "unknown (no unit_cost)" if m.annual_cost is None else _fmt(m.annual_cost)
        per = "-" if m.per_dollar is None else f"{m.per_dollar:,.3g}"
        table.add_row(
            m.scenario, m.kind.value.replace("_", " "), what, _fmt(m.exposure_removed), cost, per
        )
    console.print(table)
    if plan.unmitigable:
        console.print(
            "no buffer or second source at the failed nodes clears: " + ", ".join(plan.unmitigable),
            markup=False,
        )


@app.command("mitigate")
def mitigate_cmd(
    file: NetworkFile,
    holding_rate: Annotated[
        float, typer.Option("--holding-rate", help="Inventory carrying cost per year (share).")
    ] = MitigationCosts().holding_rate_per_year,
    premium: Annotated[
        float, typer.Option("--premium", help="Second-source price premium (share).")
    ] = MitigationCosts().second_source_premium,
    executor: ExecutorOption = "local",
    workers: WorkersOption = 1,
    json_out: JsonFlag = False,
) -> None:
    """Buffer or second source that lifts each red flag's TTS to its TTR, and its cost."""
    for option, value in (("holding-rate", holding_rate), ("premium", premium)):
        if not 0.0 <= value <= 10.0:
            raise InputError(
                f"--{option} must be a share between 0 and 10", field=option, value=value
            )
    costs = MitigationCosts(holding_rate_per_year=holding_rate, second_source_premium=premium)
    net = load_network(file)
    analysis = run_analysis(
        net, by_country=False, country_ttr={}, executor=executor, workers=workers
    )
    plan = size_mitigations(net, analysis, costs)
    if json_out:
        print_json(plan.to_json())
        return
    print_mitigations(plan)
