"""Shared CLI pieces: consoles, JSON output, catalog loading from --catalog options."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rackwright.catalog import Catalog, load_catalog
from rackwright.errors import InputError
from rackwright.units import parse_quantity

# Output that goes to a file or a pipe is not cut to 80 columns: a log reads better unwrapped.
PIPE_WIDTH = 200
console = Console(highlight=False)
console_err = Console(stderr=True, highlight=False)
for _console in (console, console_err):
    if not _console.is_terminal:
        _console.width = PIPE_WIDTH

CatalogFiles = Annotated[
    list[Path] | None,
    typer.Option("--catalog", "-c", help="Extra catalog TOML files merged over the default."),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def finite(value: float | None) -> float | None:
    """Option callback: refuse ``inf`` and ``nan`` (printed as one line naming the value)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter("must be a finite number")
    return value


def catalog_from(files: list[Path] | None) -> Catalog:
    """The default catalog with the user's extra files merged in."""
    return load_catalog(files or [])


def print_json(data: Any) -> None:
    """Print ``data`` as JSON on stdout (plain print: no rich wrapping)."""
    print(json.dumps(data, indent=2, default=str))


def progress_bar(label: str, width: int = 14, console: Console | None = None) -> Progress:
    """The progress bar every long command shows: on stderr (or ``console``), so --json on stdout
    stays clean, and only on a terminal, so logs and pipes get no control codes."""
    target = console_err if console is None else console
    return Progress(
        TextColumn(f"[bold]{label}[/bold] {{task.description:<{width}}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=target,
        transient=True,
        disable=not target.is_terminal,
    )


def spinner(message: str) -> AbstractContextManager[object]:
    """A spinner with ``message`` on stderr while a solve runs; nothing when not a terminal."""
    if console_err.is_terminal:
        return console_err.status(message, spinner="dots")
    return nullcontext()


# ---- option parsers: one-line errors naming the option and the value -------------------------
# Typer's own checks (min=, int parsing) end in a multi-line usage box; these parsers raise an
# InputError instead, which the app prints as one line (exit 2). Use as ``typer.Option(parser=..)``.


def _number(option: str, value: object) -> float:
    if isinstance(value, bool):
        raise InputError("expected a number", field=option, value=value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("_", "").replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise InputError("expected a number", field=option, value=value) from None
    if not math.isfinite(number):
        raise InputError("expected a finite number", field=option, value=value)
    return number


def whole_number(option: str, *, minimum: int = 1, maximum: int = 10**9) -> Callable[[object], int]:
    """A parser for a whole-number option in [minimum, maximum] ("1e3" is accepted as 1000)."""

    def parse(value: object) -> int:
        number = _number(option, value)
        if number != int(number) or not minimum <= number <= maximum:
            raise InputError(
                f"expected a whole number from {minimum:,} to {maximum:,}",
                field=option,
                value=value,
            )
        return int(number)

    return parse


def real_number(
    option: str, *, above: float | None = None, maximum: float | None = None
) -> Callable[[object], float]:
    """A parser for a finite real option, strictly above ``above`` and at most ``maximum``."""

    def parse(value: object) -> float:
        number = _number(option, value)
        if above is not None and not number > above:
            raise InputError(f"must be greater than {above:g}", field=option, value=value)
        if maximum is not None and number > maximum:
            raise InputError(f"must be at most {maximum:g}", field=option, value=value)
        return number

    return parse


def quantity_option(
    option: str, dimension: str, *, example: str = "", maximum: float | None = None
) -> Callable[[object], float]:
    """A parser for a positive quantity with units, as scenario files write it ("40 ms",
    "2 s"); a bare number is in the base unit (seconds for times)."""

    def parse(value: object) -> float:
        try:
            number = parse_quantity(value, dimension, field=option)
        except InputError as exc:
            message = f"expected a quantity like {example}" if example else exc.message
            if "unknown unit" in exc.message:
                message = exc.message
            raise InputError(message, field=option, value=value) from None
        if not math.isfinite(number) or number <= 0:
            raise InputError("must be a positive, finite quantity", field=option, value=value)
        if maximum is not None and number > maximum:
            raise InputError(f"must be at most {maximum:g}", field=option, value=value)
        return number

    return parse
