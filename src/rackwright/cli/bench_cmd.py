"""``rackwright bench``: public reference instances (OR-Library) and closed-form checks (options).

``bench cflp`` solves a warehouse-location instance and prints objective, status and time;
``bench option`` prices an option on the purchase decision's lattice beside Black-Scholes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rackwright.cli.common import JsonFlag, console, console_err, finite, print_json
from rackwright.errors import InputError
from rackwright.finance.option import (
    DEFAULT_STEPS,
    ExerciseStyle,
    OptionKind,
    OptionSpec,
    closed_form,
    lattice,
)
from rackwright.optim import SolveOptions
from rackwright.sourcing.orlib import read_cflp, solve_cflp

app = typer.Typer(
    no_args_is_help=True, help="Reference checks: OR-Library instances, option pricing."
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
