"""Shared CLI pieces: consoles, JSON output, catalog loading from --catalog options."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rackwright.catalog import Catalog, load_catalog

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
