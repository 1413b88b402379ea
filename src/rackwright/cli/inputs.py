"""Options naming the data files a plan reads, shared by ``plan`` and the single commands.

Each file a single command takes can also be named in the scenario file (``bom_files``,
``rules_file``, ``tariffs_file``, ``logistics_file``, ``calibration_file``, ``factory_file``,
``finance_file``, ``seed``) and on ``plan``; the command line has the last word.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rackwright.chain.load import InputRequest

BomFilesOpt = Annotated[
    list[Path] | None,
    typer.Option("--bom", help="Extra BOM TOML (parts, offers) merged over the default."),
]
RulesFileOpt = Annotated[
    Path | None,
    typer.Option("--rules", help="Domestic-content rules TOML replacing the FAR preset."),
]
TariffsFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--tariffs", help="Tariff TOML (rules, classifications, scenarios) over the packaged ones."
    ),
]
SourcingRulesFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--sourcing-rules", help="Sourcing rules TOML replacing sourcing/data/policy.toml."
    ),
]
LogisticsFileOpt = Annotated[
    Path | None,
    typer.Option("--logistics", help="Freight and qualification TOML replacing the default."),
]
CalibrationFileOpt = Annotated[
    Path | None,
    typer.Option("--calibration", help="Calibration TOML (perf calibrate output) to use."),
]
FactoryFileOpt = Annotated[
    Path | None,
    typer.Option("--factory", help="Factory TOML (sites, lines, stations) replacing the default."),
]
FinanceFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--finance", help="Finance assumptions TOML; its rows replace the packaged defaults'."
    ),
]
EvaluationFileOpt = Annotated[
    Path | None,
    typer.Option("--evaluation", help="Evaluation program whose throughput the decision counts."),
]
SeedOpt = Annotated[
    int | None,
    typer.Option("--seed", min=0, help="Seed of every random draw (default: the scenario's)."),
]

PolicyOpt = Annotated[
    str | None,
    typer.Option(
        "--policy",
        help="Tariff policy to source under: current, or a scenario of the tariff files "
        "(default: the scenario's tariff_policy, current).",
    ),
]

ScenarioFileArg = Annotated[
    Path | None,
    typer.Argument(help="Scenario TOML; the embedded default scenario when omitted."),
]


def input_request(
    file: Path | None,
    *,
    catalog: list[Path] | None = None,
    bom: list[Path] | None = None,
    rules: Path | None = None,
    tariffs: Path | None = None,
    logistics: Path | None = None,
    sourcing_rules: Path | None = None,
    calibration: Path | None = None,
    factory: Path | None = None,
    finance: Path | None = None,
    evaluation: Path | None = None,
    seed: int | None = None,
    tariff_policy: str | None = None,
    executor: str = "local",
) -> InputRequest:
    """What the command line names, as the plan's ``InputRequest`` (lists as tuples)."""
    return InputRequest(
        scenario=file,
        catalog=tuple(catalog or ()),
        bom=tuple(bom or ()),
        rules=rules,
        tariffs=tariffs,
        logistics=logistics,
        sourcing_rules=sourcing_rules,
        calibration=calibration,
        factory=factory,
        finance=finance,
        evaluation=evaluation,
        seed=seed,
        tariff_policy=tariff_policy,
        executor=executor,
    )


def scenario_request(
    file: Path | None,
    catalog: list[Path] | None,
    bom: list[Path] | None,
    calibration: Path | None,
) -> InputRequest:
    """The input request of a command that reads a scenario, its catalog, BOM and calibration."""
    return input_request(file, catalog=catalog, bom=bom, calibration=calibration)
