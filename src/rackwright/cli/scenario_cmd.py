"""``rackwright scenario``: write the default scenario, and check a scenario file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from rackwright.cli.common import CatalogFiles, JsonFlag, console, print_json
from rackwright.errors import InputError
from rackwright.fileio import write_text_atomic
from rackwright.plan import InputRequest, prepare
from rackwright.scenario import default_scenario_text, scenario_summary
from rackwright.units import human

app = typer.Typer(
    no_args_is_help=True,
    help="Write the default scenario as an editable TOML file, or check a scenario file.",
)


@app.command("init")
def init(
    file: Annotated[Path, typer.Argument(help="Where to write the scenario TOML.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the embedded default scenario (commented, sourced) to FILE."""
    if file.is_dir():
        raise InputError("is a directory; give a file name", file=file)
    if file.exists() and not force:
        raise InputError("file exists; pass --force to overwrite it", file=file)
    write_text_atomic(file, default_scenario_text())
    console.print(
        f"wrote {file}; edit it, then run: rackwright plan {file}", markup=False, soft_wrap=True
    )


@app.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(help="The scenario TOML to check.")],
    catalog: CatalogFiles = None,
    json_out: JsonFlag = False,
) -> None:
    """Parse FILE, check every id against the catalog, and summarise it."""
    context = prepare(InputRequest(scenario=file, catalog=tuple(catalog or ())))
    info = scenario_summary(context.scenario)
    if json_out:
        print_json({"valid": True, "file": str(file), **info})
        return
    _print_summary(str(file), info)


def _print_summary(file: str, info: dict[str, Any]) -> None:
    horizon = info["horizon"]
    console.print(
        f"[green]valid[/green]: {escape(file)}: scenario '{escape(info['name'])}'", soft_wrap=True
    )
    console.print(
        f"horizon {horizon['start_year']}-{horizon['end_year']}, facility {info['facility']}",
        markup=False,
        soft_wrap=True,
    )
    console.print(f"workloads ({len(info['workloads'])}):", soft_wrap=True)
    for w in info["workloads"]:
        if w["kind"] == "train":
            what = f"train {w['model']}: {human(w['tokens'], 'tok')} in {w['deadline_days']:g} days"
        else:
            what = (
                f"infer {w['model']}: {human(w['daily_output_tokens'], 'tok')} output per day, "
                f"TTFT <= {w['ttft_limit_s']:g} s, TPOT <= {w['tpot_limit_s'] * 1e3:g} ms"
            )
        console.print(f"  {w['id']}: {what}", markup=False, soft_wrap=True)
    console.print(f"generations ({len(info['generations'])}):", soft_wrap=True)
    for g in info["generations"]:
        per_year = ", ".join(f"{y}: {n:,}" for y, n in g["racks_by_year"].items()) or "no builds"
        console.print(
            f"  {g['rack']} from {g['first_year']}: {g['racks_total']:,} racks ({per_year})",
            markup=False,
            soft_wrap=True,
        )
    console.print(
        f"sites ({len(info['sites'])}, {info['racks_per_week_total']:,.0f} racks/week):",
        soft_wrap=True,
    )
    for s in info["sites"]:
        console.print(
            f"  {s['site']}: {s['racks_per_week']:,.0f} racks/week", markup=False, soft_wrap=True
        )
    targets = ", ".join(f"{y}: {share:.0%}" for y, share in info["domestic_targets"].items())
    console.print(f"domestic-content targets: {targets}", markup=False, soft_wrap=True)
