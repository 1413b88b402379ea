"""The ``rackwright`` command: registers every command group and turns errors into exit code 2.

Every RackwrightError becomes one line on stderr and exit code 2; a usage error is typer's own
(exit 2). No traceback reaches a user for bad input.
"""

from __future__ import annotations

import sys

import typer

from rackwright.cli import (
    bench_cmd,
    bom_cmd,
    catalog_cmd,
    demand_cmd,
    evaluate_cmd,
    explore_cmd,
    perf_cmd,
    plan_cmd,
    rack_cmd,
    scenario_cmd,
    source_cmd,
    tco_cmd,
)
from rackwright.cli.common import console_err
from rackwright.errors import RackwrightError

app = typer.Typer(
    name="rackwright",
    help="Plan co-designed AI data-center racks: workloads, rack engineering, BOM, sourcing.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(catalog_cmd.app, name="catalog")
app.add_typer(rack_cmd.app, name="rack")
app.add_typer(bom_cmd.app, name="bom")
app.add_typer(scenario_cmd.app, name="scenario")
app.command("plan")(plan_cmd.plan)
app.command("explore")(explore_cmd.explore)
app.add_typer(bench_cmd.app, name="bench")
app.command("source")(source_cmd.source)
app.add_typer(perf_cmd.app, name="perf")
app.command("demand")(demand_cmd.demand)
app.command("tco")(tco_cmd.tco)
app.command("evaluate")(evaluate_cmd.evaluate)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``rackwright`` script."""
    try:
        app(args=argv, standalone_mode=True)
    except RackwrightError as exc:
        # soft_wrap: the error stays one line even on a narrow or non-terminal stderr
        console_err.print(f"error: {exc.one_line()}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        console_err.print("interrupted", markup=False)
        sys.exit(130)


if __name__ == "__main__":
    main()
