"""What an engine contributes to the plan report: one typed section.

Each engine's section builder (``report/sections/<engine>.py``) runs its engine on the scenario and
returns a ``Section``: summary lines for the terminal, JSON-able data for ``report.json``, tables
and Plotly figures for ``report.html``. Adding an engine means adding one builder to
``rackwright.plan.SECTION_BUILDERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rackwright.catalog.catalog import Catalog
from rackwright.scenario import Scenario

JSONValue = Any


@dataclass(frozen=True)
class Table:
    """A table for the HTML report (and the terminal)."""

    title: str
    columns: list[str]
    rows: list[list[str | float | int | None]]
    note: str = ""


@dataclass(frozen=True)
class Figure:
    """A Plotly figure as its JSON dict (``fig.to_plotly_json()``), rendered offline."""

    title: str
    plotly: dict[str, Any]


@dataclass(frozen=True)
class Section:
    """One engine's part of the plan report."""

    key: str
    title: str
    summary: list[str]
    data: dict[str, JSONValue]
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlanContext:
    """Everything a section builder may read: the scenario and the merged catalog."""

    scenario: Scenario
    catalog: Catalog
    scenario_file: str


SectionBuilder = Callable[[PlanContext], Section]
