"""The ``rackwright`` command: registers every command group and turns errors into exit code 2.

Every RackwrightError becomes one line on stderr and exit code 2; a usage error is typer's own
(exit 2). No traceback reaches a user for bad input.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, NoReturn

import typer

from rackwright import __version__
from rackwright.cli import (
    admin_cmd,
    bench_cmd,
    bom_cmd,
    catalog_cmd,
    click_errors,
    db_cmd,
    demand_cmd,
    evaluate_cmd,
    explore_cmd,
    factory_cmd,
    perf_cmd,
    plan_cmd,
    rack_cmd,
    risk_cmd,
    scenario_cmd,
    serve_cmd,
    source_cmd,
    tariffs_cmd,
    tco_cmd,
    workspace_cmd,
)
from rackwright.cli.common import console, console_err
from rackwright.errors import RackwrightError

app = typer.Typer(
    name="rackwright",
    help=(
        "Plan co-designed AI data-center racks: workloads, rack engineering, BOM, sourcing, "
        "supply risk."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        console.print(f"rackwright {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Plan co-designed AI data-center racks: workloads, rack engineering, BOM, sourcing."""


app.add_typer(catalog_cmd.app, name="catalog")
app.add_typer(rack_cmd.app, name="rack")
app.add_typer(bom_cmd.app, name="bom")
app.add_typer(scenario_cmd.app, name="scenario")
app.command("plan")(plan_cmd.plan)
app.command("explore")(explore_cmd.explore)
app.add_typer(bench_cmd.app, name="bench")
app.command("source")(source_cmd.source)
app.add_typer(tariffs_cmd.app, name="tariffs")
app.add_typer(perf_cmd.app, name="perf")
app.command("demand")(demand_cmd.demand)
app.command("tco")(tco_cmd.tco)
app.command("evaluate")(evaluate_cmd.evaluate)
app.add_typer(factory_cmd.app, name="factory")
app.add_typer(db_cmd.app, name="db")
app.add_typer(admin_cmd.app, name="admin")
app.add_typer(workspace_cmd.app, name="workspace")
app.command("serve")(serve_cmd.serve)


def _option_value(exc: Any, argv: list[str]) -> str | None:
    """The text the user gave the option ``exc`` is about (click does not keep it)."""
    opts = list(getattr(exc.param, "opts", []) or [])
    for i, arg in enumerate(argv):
        for opt in opts:
            if arg == opt and i + 1 < len(argv):
                return argv[i + 1]
            if arg.startswith(opt + "="):
                return arg[len(opt) + 1 :]
    return None


def usage_line(exc: Any, argv: list[str]) -> str:
    """A usage error as one line naming the command, the option and the value given."""
    message = " ".join(exc.format_message().split())
    if isinstance(exc, click_errors.BadParameter):
        value = _option_value(exc, argv)
        if value is not None and repr(value) not in message:
            message = f"{message} (got {value!r})"
    ctx = getattr(exc, "ctx", None)
    where = f"{ctx.command_path}: " if ctx is not None else ""
    return f"{where}{message}"


def _fail(line: str, code: int) -> NoReturn:
    # soft_wrap: the error stays one line even on a narrow or non-terminal stderr
    console_err.print(f"error: {line}", markup=False, highlight=False, soft_wrap=True)
    sys.exit(code)


app.add_typer(risk_cmd.app, name="risk")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``rackwright`` script.

    Every bad input, from a usage slip to a malformed file, ends as one stderr line and exit 2;
    Ctrl-C ends with exit 130.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = app(args=args, standalone_mode=False)
    except RackwrightError as exc:
        _fail(exc.one_line(), 2)
    except click_errors.NoArgsIsHelpError as exc:
        console_err.print(exc.format_message(), markup=False, highlight=False)
        sys.exit(2)
    except click_errors.ClickException as exc:
        _fail(usage_line(exc, args), exc.exit_code)
    except typer.Abort:
        console_err.print("interrupted", markup=False)
        sys.exit(130)
    except KeyboardInterrupt:
        console_err.print("interrupted", markup=False)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
