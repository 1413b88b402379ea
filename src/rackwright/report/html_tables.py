"""Tables of ``report.html``: short by default, complete on demand, grouped where asked.

A table longer than its visible rows shows the first ones and a "Show all N rows" button; the
rest of the rows are in the page (hidden by the style sheet, shown without script), so nothing
is lost and the page stays short. Rows that form a group (``Table.group_columns``) share one
spanning cell per group column and are never split by the cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from rackwright.report.section import Table
from rackwright.report.terminal import format_cell

# Rows a long table shows before "show all"; a table is cut only if that hides a few rows.
DEFAULT_VISIBLE_ROWS = 10
MIN_HIDDEN_ROWS = 3


@dataclass(frozen=True)
class Cell:
    """One table cell as HTML (already escaped), right-aligned when ``numeric``."""

    html: str
    numeric: bool = False

    @classmethod
    def of(cls, value: str | float | int | None) -> Cell:
        """A data value, formatted for reading and escaped."""
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        return cls(escape(format_cell(value)), numeric)


Row = Sequence[Cell]


def shown_group_count(sizes: Sequence[int], visible: int) -> int:
    """How many leading groups (of ``sizes`` rows each) stay in view: whole groups up to
    ``visible`` rows (at least one), or all of them when the rest would be only a few rows."""
    total = sum(sizes)
    if total <= visible + MIN_HIDDEN_ROWS - 1:
        return len(sizes)
    shown, rows = 0, 0
    for size in sizes:
        if shown and rows + size > visible:
            break
        shown, rows = shown + 1, rows + size
    return len(sizes) if total - rows < MIN_HIDDEN_ROWS else shown


def _td(cell: Cell, extra: str = "") -> str:
    css = ' class="num"' if cell.numeric else ""
    return f"<td{css}{extra}>{cell.html}</td>"


def _group_html(rows: Sequence[Row], group_columns: int, hidden: bool) -> str:
    """One group as a <tbody>: the group cells once, spanning the group's rows."""
    css = "group more" if hidden else "group"
    out = []
    for i, row in enumerate(rows):
        cells = []
        for j, cell in enumerate(row):
            if j < group_columns:
                if i == 0:
                    span = f' rowspan="{len(rows)}"' if len(rows) > 1 else ""
                    cells.append(f'<th scope="rowgroup"{span}>{cell.html}</th>')
                continue
            cells.append(_td(cell))
        out.append(f"<tr>{''.join(cells)}</tr>")
    return f'<tbody class="{css}">{"".join(out)}</tbody>'


def _groups(rows: Sequence[Row], group_columns: int) -> list[list[Row]]:
    """Consecutive rows equal in their first ``group_columns`` cells (each row alone if 0)."""
    groups: list[list[Row]] = []
    for row in rows:
        key = [c.html for c in row[:group_columns]]
        if group_columns and groups and [c.html for c in groups[-1][0][:group_columns]] == key:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def table_box(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Row],
    *,
    note: str = "",
    group_columns: int = 0,
    visible: int | None = None,
    box_id: str = "",
) -> str:
    """A captioned table, cut to its first rows with a "show all" button when long."""
    groups = _groups(rows, group_columns)
    shown = shown_group_count([len(g) for g in groups], visible or DEFAULT_VISIBLE_ROWS)
    shown_rows = sum(len(g) for g in groups[:shown])
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    if group_columns:
        body = "".join(_group_html(g, group_columns, i >= shown) for i, g in enumerate(groups))
    else:
        first = "".join(f"<tr>{''.join(_td(c) for c in r)}</tr>" for r in rows[:shown_rows])
        rest = "".join(f"<tr>{''.join(_td(c) for c in r)}</tr>" for r in rows[shown_rows:])
        body = f"<tbody>{first}</tbody>" + (f'<tbody class="more">{rest}</tbody>' if rest else "")
    cut = shown_rows < len(rows)
    count = f'<span class="rows">(first {shown_rows} of {len(rows)} rows)</span>' if cut else ""
    caption = f"{escape(title)}{count}"
    button = (
        f'<button type="button" class="show-all" aria-expanded="false" '
        f'data-more="Show all {len(rows)} rows" data-less="Show the first {shown_rows} rows">'
        f"Show all {len(rows)} rows</button>"
        if cut
        else ""
    )
    note_html = f'<p class="note">{escape(note)}</p>' if note else ""
    ident = f' id="{escape(box_id)}"' if box_id else ""
    return (
        f'<div class="table-box"{ident} data-rows="{len(rows)}" data-visible-rows="{shown_rows}">'
        f'<div class="table-wrap"><table><caption>{caption}</caption>'
        f"<thead><tr>{head}</tr></thead>{body}</table></div>{button}{note_html}</div>"
    )


def table_html(table: Table, box_id: str = "") -> str:
    """A report ``Table`` as a (possibly cut) HTML table."""
    return table_box(
        table.title,
        table.columns,
        [[Cell.of(v) for v in row] for row in table.rows],
        note=table.note,
        group_columns=table.group_columns,
        visible=table.visible_rows,
        box_id=box_id,
    )
