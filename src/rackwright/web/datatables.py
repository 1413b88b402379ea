"""Any stage's JSON data as report tables, for stages the pages have no layout of their own for
(and for what crosses the wall as an aggregate): nested tables become titled tables, lists of
records become tables with one column per field, and scalars a two-column table."""

from __future__ import annotations

import json
from typing import Any

from rackwright.report.section import Table

MAX_DEPTH = 4
Cell = str | float | int | None


def _cell(value: Any) -> Cell:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    return json.dumps(value, separators=(", ", ": "))[:300]


def _records(title: str, items: list[dict[str, Any]]) -> Table:
    columns = list(dict.fromkeys(k for item in items for k in item))
    rows = [[_cell(item.get(c)) for c in columns] for item in items]
    return Table(title=title, columns=columns, rows=rows)


def data_tables(data: Any, title: str = "", depth: int = 0) -> list[Table]:
    """Tables showing ``data`` (a stage result's ``data``) whole."""
    if isinstance(data, list):
        if data and all(isinstance(item, dict) for item in data):
            return [_records(title or "items", data)]
        return [Table(title=title or "values", columns=["value"], rows=[[_cell(v)] for v in data])]
    if not isinstance(data, dict):
        return [Table(title=title or "value", columns=["value"], rows=[[_cell(data)]])]
    scalars = [[k, _cell(v)] for k, v in data.items() if not isinstance(v, dict | list)]
    tables = [Table(title=title or "summary", columns=["field", "value"], rows=scalars)]
    tables = tables if scalars else []
    for key, value in data.items():
        if isinstance(value, dict | list) and value:
            name = f"{title} / {key}" if title else str(key)
            if depth >= MAX_DEPTH:
                tables.append(Table(title=name, columns=["value"], rows=[[_cell(value)]]))
            else:
                tables += data_tables(value, name, depth + 1)
    return tables
