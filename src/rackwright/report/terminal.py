"""The plan's terminal summary: each section's title and summary lines, and its key table."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from rackwright.chain import PlanInputs
from rackwright.report.section import PlanView, Table
from rackwright.scenario import scenario_summary

MAX_ROWS = 8
MAX_COLUMNS = 8


def format_cell(value: str | float | int | None) -> str:
    """A table cell as text: 3-4 significant digits, '-' for missing.

    Digits are grouped in thousands from five digits on (ISO 80000 style), so years and
    four-digit counts read as written: 2026, 1500, 12,500.
    """
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "-"
        magnitude = abs(value)
        if magnitude >= 1e15 or (0 < magnitude < 1e-3):
            return f"{value:.3g}"
        if magnitude >= 100 or value == int(value):
            return format_cell(round(value))
        return f"{value:.3g}"
    return str(value)


def rich_table(table: Table, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS) -> RichTable:
    """A report table as a rich table, cut to ``max_rows`` x ``max_columns``."""
    columns = table.columns[:max_columns]
    out = RichTable(title=table.title, title_justify="left", show_lines=False)
    for i, name in enumerate(columns):
        out.add_column(name, justify="left" if i == 0 else "right", overflow="fold")
    for row in table.rows[:max_rows]:
        out.add_row(*(format_cell(cell) for cell in row[: len(columns)]))
    return out


def cut_note(table: Table, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS) -> str:
    """What ``rich_table`` left out ('' when nothing)."""
    hidden: list[str] = []
    if len(table.rows) > max_rows:
        hidden.append(f"{len(table.rows) - max_rows} more rows")
    if len(table.columns) > max_columns:
        hidden.append(f"{len(table.columns) - max_columns} more columns")
    return f"{', '.join(hidden)} in report.html" if hidden else ""


def list_lines(table: Table, max_rows: int = MAX_ROWS) -> list[str]:
    """A table as one line per row ('column: value; ...'): readable at any width, in logs too."""
    lines = [table.title]
    for row in table.rows[:max_rows]:
        cells = [
            f"{name}: {format_cell(cell)}" for name, cell in zip(table.columns, row, strict=False)
        ]
        lines.append("    " + "; ".join(cells))
    return lines


def print_table(console: Console, table: Table) -> None:
    """A report table: a grid on a terminal; one line per row where output goes to a file or
    pipe (fixed 80-column grids there fold long cells into unreadable narrow columns)."""
    if console.is_terminal:
        console.print(rich_table(table))
        note = cut_note(table)
    else:
        for text in list_lines(table):
            console.print(text, markup=False, soft_wrap=True, highlight=False)
        note = cut_note(table, max_columns=len(table.columns))
    if note:
        console.print(f"  ({note})", markup=False, style="dim")


def print_timings(console: Console, view: PlanView) -> None:
    """How long each stage took, in run order."""
    if view.timings:
        parts = ", ".join(f"{key} {seconds:.1f} s" for key, seconds in view.timings.items())
        total = sum(view.timings.values())
        console.print(f"stages: {parts} (total {total:.1f} s)", markup=False, soft_wrap=True)


def print_header(console: Console, context: PlanInputs) -> None:
    """The scenario in a few lines."""
    info = scenario_summary(context.scenario)
    horizon = info["horizon"]
    console.print(
        f"[bold]{escape(info['name'])}[/bold]  ({escape(context.scenario_file)})", soft_wrap=True
    )
    if info["description"]:
        console.print(info["description"], markup=False, soft_wrap=True)
    console.print(
        f"horizon {horizon['start_year']}-{horizon['end_year']}, facility {info['facility']}, "
        f"{len(info['workloads'])} workloads, {len(info['generations'])} rack generations, "
        f"{len(info['sites'])} sites ({info['racks_per_week_total']:,.0f} racks/week), "
        f"{info['racks_total']:,} racks planned",
        markup=False,
        soft_wrap=True,
    )


def print_summary(
    console: Console,
    view: PlanView,
    written: Sequence[Path] = (),
) -> None:
    """Print the scenario, then every section's summary lines and first table, then timings."""
    print_header(console, view.inputs)
    for section in view.sections:
        console.rule(f"[bold]{escape(section.title)}[/bold]", align="left")
        for line in section.summary:
            console.print(f"  - {line}", markup=False, soft_wrap=True)
        if section.tables:
            print_table(console, section.tables[0])
    print_timings(console, view)
    if written:
        console.rule()
        for path in written:
            console.print(f"wrote {path}", markup=False, soft_wrap=True)
