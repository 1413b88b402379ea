"""``rackwright rack``: list rack designs and check that they physically work.

``rack check`` is a report: it exits 0 even when a rule fails. Bad input (an unknown rack id, a
malformed scenario or catalog file) is one line on stderr and exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from rackwright.catalog.catalog import Catalog
from rackwright.cli.common import (
    CatalogFiles,
    JsonFlag,
    catalog_from,
    console,
    console_err,
    print_json,
    progress_bar,
)
from rackwright.errors import InputError
from rackwright.plan import InputRequest, prepare
from rackwright.rack import RackReport, Status, check, display

app = typer.Typer(
    no_args_is_help=True,
    help="Rack designs: list them, and check power, cooling, weight, space and cabling rules.",
)

STATUS_STYLE = {
    Status.PASS: "green",
    Status.WARN: "yellow",
    Status.FAIL: "bold red",
    Status.NOT_APPLICABLE: "dim",
}


def styled(status: Status) -> str:
    """A status as rich markup."""
    return f"[{STATUS_STYLE[status]}]{status.value}[/]"


NARROW_COLUMNS = 100


@app.command("list")
def list_racks(catalog: CatalogFiles = None, json_out: JsonFlag = False) -> None:
    """List rack designs by generation with their key figures and worst rule status."""
    cat = catalog_from(catalog)
    reports = [(rack, check(rack, cat)) for rack in cat.racks()]
    if json_out:
        print_json(
            [
                {
                    "id": rack.id,
                    "name": rack.name,
                    "generation": rack.generation,
                    "status": rack.status.value,
                    "year_available": rack.year_available,
                    "system": rack.system,
                    "gpus_count": report.analysis.gpus_count,
                    "power_max_w": report.analysis.power_max_w,
                    "power_typical_w": report.analysis.power_typical_w,
                    "weight_kg": report.analysis.weight_kg,
                    "worst": report.worst.value,
                    "summary": report.summary_line(),
                }
                for rack, report in reports
            ]
        )
        return
    # below 100 columns the text columns would be squeezed to nothing: leave them to --json
    wide = console.width >= NARROW_COLUMNS
    table = Table(title=f"rack designs ({len(reports)})", title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("gen", justify="right", no_wrap=True)
    if wide:
        table.add_column("status", no_wrap=True)
    table.add_column("year", justify="right", no_wrap=True)
    if wide:
        table.add_column("system", no_wrap=True)
    for column in ("GPUs", "kW max", "kW typ", "kg"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("rules", no_wrap=True)
    for rack, report in reports:
        a = report.analysis
        status = [rack.status.value] if wide else []
        system = [rack.system] if wide else []
        table.add_row(
            rack.id,
            str(rack.generation),
            *status,
            str(rack.year_available),
            *system,
            str(a.gpus_count),
            f"{a.power_max_w / 1e3:,.1f}",
            f"{a.power_typical_w / 1e3:,.1f}",
            f"{a.weight_kg:,.0f}",
            styled(report.worst),
        )
    console.print(table)
    if not wide:
        console.print("(status and system: widen the terminal or use --json)", style="dim")


@app.command("check")
def check_command(
    target: Annotated[
        str | None,
        typer.Argument(
            metavar="RACK_ID|FILE",
            help="A rack id; with --scenario, the scenario file (omit it for the default).",
        ),
    ] = None,
    scenario: Annotated[
        bool,
        typer.Option(
            "--scenario",
            help="Check every generation of a scenario (the embedded default without FILE).",
        ),
    ] = False,
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Run every rack engineering rule on one rack design or on a scenario's generations."""
    if scenario:
        path = Path(target) if target is not None else None
        if (
            path is not None
            and not path.exists()
            and target in catalog_from(catalog).entries["rack"]
        ):
            raise InputError(
                "with --scenario, give a scenario file (or none for the default); "
                "to check one rack design drop --scenario",
                field="RACK_ID",
                value=target,
            )
        context = prepare(InputRequest(scenario=path, catalog=tuple(catalog or ())))
        cat = context.catalog
        rack_ids = [g.rack for g in context.scenario.generations]
        label: str | None = context.scenario.name
    else:
        if target is None:
            raise InputError("give a RACK_ID, or --scenario [FILE]", field="RACK_ID")
        cat = catalog_from(catalog)
        rack_ids = [target]
        label = None
    reports = _check_all(cat, rack_ids)
    if json_out:
        if label is None:
            print_json(reports[0].to_dict())
        else:
            print_json({"scenario": label, "racks": [r.to_dict() for r in reports]})
        return
    for report in reports:
        console.print(report_table(report, cat))
    for report in reports:
        console.print(_summary_markup(report))


def _check_all(cat: Catalog, rack_ids: list[str]) -> list[RackReport]:
    progress = progress_bar("rack check", 22, console_err)
    reports: list[RackReport] = []
    with progress:
        task = progress.add_task("", total=len(rack_ids))
        for rack_id in rack_ids:
            progress.update(task, description=rack_id)
            reports.append(check(cat.rack(rack_id), cat))
            progress.advance(task)
    return reports


def report_table(report: RackReport, cat: Catalog) -> Table:
    """One rack's rule results as a rich table."""
    rack = cat.rack(report.rack_id)
    a = report.analysis
    caption = (
        f"{a.gpus_count} GPUs, {display(a.power_max_w, 'W')} max / "
        f"{display(a.power_typical_w, 'W')} typical, {display(a.heat_liquid_w, 'W')} to liquid, "
        f"{a.weight_kg:,.0f} kg (cost: rackwright bom show {rack.id})"
    )
    if a.power_shelves_count:
        caption += (
            f"; shelves installed {a.power_shelves_count}, needed N/N+1/N+N "
            f"{a.shelves_needed_n_count}/{a.shelves_needed_n_plus_1_count}/"
            f"{a.shelves_needed_n_plus_n_count}"
        )
    table = Table(title=f"{rack.id}: {rack.name}", caption=caption)
    table.add_column("rule")
    table.add_column("status")
    table.add_column("computed", justify="right")
    table.add_column("limit", justify="right")
    table.add_column("use", justify="right")
    table.add_column("why", overflow="fold")
    for r in report.results:
        na = r.status is Status.NOT_APPLICABLE
        use = r.utilisation
        table.add_row(
            r.title,
            styled(r.status),
            "" if na else display(r.computed, r.unit),
            "" if r.limit is None else display(r.limit, r.unit),
            "" if use is None else f"{use:.0%}",
            r.explanation,
        )
    return table


def _summary_markup(report: RackReport) -> str:
    return f"[{STATUS_STYLE[report.worst]}]{report.summary_line()}[/]"
