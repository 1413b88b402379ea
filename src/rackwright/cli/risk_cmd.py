"""``rackwright risk``: supply-disruption risk of a plan or of a supply-network file.

- ``rackwright risk [SCENARIO]`` (= ``risk plan [SCENARIO]``): the plan's risk stage, running
  only the stages it needs (BOM, sourcing, risk);
- ``risk export [SCENARIO] --out net.toml``: the plan's network in the exchange format
  (``shared/data/risk/README.md``), to edit and re-run with the commands below;
- ``risk analyze|montecarlo|mitigate FILE``: TTR/TTS, Monte Carlo and mitigation of a file.

Typer cannot give a group both an optional argument and subcommands (the group would take the
first subcommand name as its argument), so the group's class sends any first word that names
no subcommand to ``plan``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from rackwright.bom.stage import BOM
from rackwright.chain import PlanInputs, Stage
from rackwright.cli.common import CatalogFiles, JsonFlag, console, print_json, progress_bar
from rackwright.cli.inputs import (
    BomFilesOpt,
    LogisticsFileOpt,
    RulesFileOpt,
    ScenarioFileArg,
    SeedOpt,
    TariffsFileOpt,
    input_request,
)
from rackwright.cli.risk_tables import (
    print_analysis,
    print_mitigations,
    print_montecarlo,
    print_plan_risk,
)
from rackwright.errors import InputError, OutputError
from rackwright.explore.executors import EXECUTORS, Executor, make_executor
from rackwright.fileio import check_writable_dir
from rackwright.plan import InputRequest, PlanOutcome, prepare, run_plan
from rackwright.risk import (
    MitigationCosts,
    RiskAnalysis,
    analyze,
    country_scenarios,
    load_events,
    load_network,
    network_scenarios,
    simulate,
    size_mitigations,
)
from rackwright.risk.loader import save_network
from rackwright.risk.network import SupplyNetwork
from rackwright.risk.network_from_plan import network_from_plan
from rackwright.risk.stage import RISK, RiskStageResult
from rackwright.sourcing.stage import SOURCING


class PlanByDefault(TyperGroup):
    """A group whose default subcommand is ``plan``: ``risk [ARGS]`` runs ``risk plan [ARGS]``
    unless ARGS starts with a subcommand's name or asks for help."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Put ``plan`` in front of arguments that name no subcommand."""
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = ["plan", *args]
        result: list[str] = super().parse_args(ctx, args)
        return result


app = typer.Typer(
    cls=PlanByDefault,
    help="Supply-disruption risk: the plan's (rackwright risk [SCENARIO]) or a network file's.",
)

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


PlanExecutorOption = Annotated[
    str,
    typer.Option("--executor", help=f"Where the risk stage's work runs: {' or '.join(EXECUTORS)}."),
]
TopOption = Annotated[
    int, typer.Option("--top", min=1, help="Scenarios shown in the ranking (--json has all).")
]


def _request(
    file: Path | None,
    catalog: list[Path] | None,
    bom: list[Path] | None,
    rules: Path | None,
    tariffs: Path | None,
    logistics: Path | None,
    seed: int | None,
    executor: str = "local",
) -> InputRequest:
    """The plan's inputs the command names; an unknown executor fails before any stage runs."""
    if executor not in EXECUTORS:
        raise InputError(
            f"unknown executor; use one of {', '.join(EXECUTORS)}", field="executor", value=executor
        )
    return input_request(
        file,
        catalog=catalog,
        bom=bom,
        rules=rules,
        tariffs=tariffs,
        logistics=logistics,
        seed=seed,
        executor=executor,
    )


def run_stages(inputs: PlanInputs, only: list[str]) -> PlanOutcome:
    """``only`` those stages of the plan and what they need, under a progress bar."""
    progress = progress_bar("plan", 14)
    with progress:
        task = progress.add_task("", total=None)

        def started(stage: Stage[Any]) -> None:
            progress.update(task, description=stage.key)

        def finished(_stage: Stage[Any], _seconds: float) -> None:
            progress.advance(task)

        return run_plan(inputs, only=only, on_start=started, on_done=finished)


@app.command("plan")
def plan_cmd(
    file: ScenarioFileArg = None,
    catalog: CatalogFiles = None,
    bom: BomFilesOpt = None,
    rules: RulesFileOpt = None,
    tariffs: TariffsFileOpt = None,
    logistics: LogisticsFileOpt = None,
    seed: SeedOpt = None,
    executor: PlanExecutorOption = "local",
    top: TopOption = 25,
    json_out: JsonFlag = False,
) -> None:
    """The plan's risk stage on a scenario (the default: rackwright risk [SCENARIO]).

    Runs the BOM, sourcing and risk stages only, then prints the REI ranking, red flags, the
    country and policy shocks, the Monte Carlo loss distribution and the mitigations.
    """
    inputs = prepare(_request(file, catalog, bom, rules, tariffs, logistics, seed, executor))
    outcome = run_stages(inputs, ["risk"])
    result: RiskStageResult = outcome.run.result(RISK)
    if result.assessment is None:
        raise InputError(f"no risk assessment: {result.skipped}", file=inputs.scenario_file)
    if json_out:
        print_json(result.to_json())
        return
    section = next(s for s in outcome.view.sections if s.key == RISK.key)
    print_plan_risk(result.assessment, section.summary, top)


@app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="Network TOML to write.")],
    file: ScenarioFileArg = None,
    catalog: CatalogFiles = None,
    bom: BomFilesOpt = None,
    rules: RulesFileOpt = None,
    tariffs: TariffsFileOpt = None,
    logistics: LogisticsFileOpt = None,
    seed: SeedOpt = None,
    json_out: JsonFlag = False,
) -> None:
    """Write the plan's supply network in the exchange format, to edit and re-run.

    Runs the BOM and sourcing stages, builds the network the risk stage analyses and writes it
    atomically; risk analyze, risk montecarlo and bench ttr read it back.
    """
    inputs = prepare(_request(file, catalog, bom, rules, tariffs, logistics, seed))
    check_writable_dir(out.parent)
    if out.is_dir():
        raise OutputError("a directory is in the way of the network file", file=out)
    outcome = run_stages(inputs, ["sourcing"])
    plan = network_from_plan(inputs, outcome.run.result(BOM), outcome.run.result(SOURCING).plan)
    header = (
        f"Supply network of scenario '{inputs.scenario.name}' ({inputs.scenario_file}), "
        f"written by rackwright risk export.\n"
        f"Window {plan.window}: {plan.window_basis}; a period is a week.\n"
        f"Sources: {plan.basis}.\n"
        f"Inputs content hash {inputs.digest.content_hash}."
    )
    save_network(out, plan.network, header=header)
    net = plan.network
    if json_out:
        print_json({"file": str(out), **plan.to_json()})
        return
    console.print(
        f"wrote {out}: {len(net.nodes)} nodes, {len(net.edges)} edges, {len(net.groups)} groups "
        f"(window {plan.window}; {plan.basis})",
        markup=False,
        soft_wrap=True,
    )
