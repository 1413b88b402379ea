"""``rackwright plan``: run every engine on a scenario and write report.html and report.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from rackwright.cli.common import (
    CatalogFiles,
    JsonFlag,
    console,
    console_err,
    print_json,
    progress_bar,
)
from rackwright.plan import prepare, run_plan, section_builders
from rackwright.report import JSON_NAME, check_output_dir, render_reports, write_report_files
from rackwright.report.section import Section
from rackwright.report.terminal import print_summary


def plan(
    file: Annotated[
        Path | None,
        typer.Argument(help="Scenario TOML; the embedded default scenario when omitted."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Directory for report.html and report.json.")
    ] = Path("out"),
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Run the whole plan on a scenario and write out/report.html and out/report.json."""
    context = prepare(file, catalog)
    check_output_dir(out)  # fail before the engines run, not after
    builders = section_builders()
    progress = progress_bar("plan", 14, console_err)
    with progress:
        task = progress.add_task("", total=len(builders))

        def started(name: str) -> None:
            progress.update(task, description=name)

        def finished(_section: Section) -> None:
            progress.advance(task)

        sections = run_plan(context, started, on_done=finished, builders=builders)
    files = render_reports(context, sections)
    written = write_report_files(out, files)
    if json_out:
        print_json(json.loads(files[JSON_NAME]))
    else:
        print_summary(console, context, sections, written)
