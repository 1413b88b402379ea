"""``rackwright plan``: run every stage on a scenario and write report.html and report.json."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from rackwright.chain import Stage
from rackwright.cli.common import (
    CatalogFiles,
    JsonFlag,
    console,
    console_err,
    print_json,
    progress_bar,
)
from rackwright.cli.inputs import (
    BomFilesOpt,
    CalibrationFileOpt,
    EvaluationFileOpt,
    FactoryFileOpt,
    FinanceFileOpt,
    LogisticsFileOpt,
    PolicyOpt,
    RulesFileOpt,
    SeedOpt,
    SourcingRulesFileOpt,
    TariffsFileOpt,
    input_request,
)
from rackwright.plan import plan_parts, prepare, run_plan
from rackwright.report import JSON_NAME, check_output_dir, render_reports, write_report_files
from rackwright.report.terminal import print_summary

OnlyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--only", help="Run only this stage and the stages it needs (repeatable), e.g. bom."
    ),
]


def plan(
    file: Annotated[
        Path | None,
        typer.Argument(help="Scenario TOML; the embedded default scenario when omitted."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Directory for report.html and report.json.")
    ] = Path("out"),
    catalog: CatalogFiles = None,
    bom: BomFilesOpt = None,
    rules: RulesFileOpt = None,
    tariffs: TariffsFileOpt = None,
    policy: PolicyOpt = None,
    sourcing_rules: SourcingRulesFileOpt = None,
    logistics: LogisticsFileOpt = None,
    calibration: CalibrationFileOpt = None,
    factory: FactoryFileOpt = None,
    finance: FinanceFileOpt = None,
    evaluation: EvaluationFileOpt = None,
    seed: SeedOpt = None,
    only: OnlyOpt = None,
    json_out: JsonFlag = False,
) -> None:
    """Run the whole plan on a scenario and write out/report.html and out/report.json."""
    inputs = prepare(
        input_request(
            file,
            catalog=catalog,
            bom=bom,
            rules=rules,
            tariffs=tariffs,
            sourcing_rules=sourcing_rules,
            logistics=logistics,
            calibration=calibration,
            factory=factory,
            finance=finance,
            evaluation=evaluation,
            seed=seed,
            tariff_policy=policy,
        )
    )
    check_output_dir(out)  # fail before the engines run, not after
    parts = plan_parts()
    progress = progress_bar("plan", 14, console_err)
    with progress:
        task = progress.add_task("", total=len(only) if only else len(parts))
        current = [""]

        def started(stage: Stage[Any]) -> None:
            current[0] = stage.key
            progress.update(task, description=stage.key, total=None if only else len(parts))

        def status(line: str) -> None:  # what a long stage is doing now
            progress.update(task, description=f"{current[0]}: {line}")

        inputs = dataclasses.replace(
            inputs, settings=dataclasses.replace(inputs.settings, status=status)
        )

        def finished(_stage: Stage[Any], _seconds: float) -> None:
            progress.advance(task)

        outcome = run_plan(inputs, parts=parts, only=only or (), on_start=started, on_done=finished)
    files = render_reports(outcome.view)
    written = write_report_files(out, files)
    if json_out:
        print_json(json.loads(files[JSON_NAME]))
    else:
        print_summary(console, outcome.view, written)
