"""``rackwright bench``: solve public reference instances and print objective, status, time."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rackwright.cli.common import JsonFlag, console, console_err, finite, print_json
from rackwright.errors import InputError
from rackwright.optim import SolveOptions
from rackwright.sourcing.orlib import read_cflp, solve_cflp

app = typer.Typer(no_args_is_help=True, help="Solve public benchmark instances (OR-Library).")


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
