"""What a stage contributes to the plan report: one typed section, and the view renderers read.

Each stage's presenter (``report/sections/<stage>.py``) turns the stage's typed result into a
``Section``: summary lines for the terminal, the result's JSON for ``report.json``, tables and
Plotly figures for ``report.html``. Presenters only present; the figures come from the stage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rackwright.chain import ChainRun, InputDigest, PlanInputs, Stage

JSONValue = Any


@dataclass(frozen=True)
class Table:
    """A table for the HTML report (and the terminal).

    ``group_columns``: the first that many columns name a group; consecutive rows equal there
    form one group, which the HTML shows once (spanning its rows) and never splits when it
    shortens a long table. ``visible_rows``: rows shown before "show all" (None: the
    renderer's default).
    """

    title: str
    columns: list[str]
    rows: list[list[str | float | int | None]]
    note: str = ""
    group_columns: int = 0
    visible_rows: int | None = None


@dataclass(frozen=True)
class Figure:
    """A Plotly figure as its JSON dict, rendered offline; ``note`` is shown under the chart."""

    title: str
    plotly: dict[str, Any]
    note: str = ""


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


def summary_only(stage: Stage[Any], line: str, data: dict[str, JSONValue]) -> Section:
    """``stage``'s section as one summary line and its data: nothing to chart (a scenario
    without the block the stage presents says so here)."""
    return Section(key=stage.key, title=stage.title, summary=[line], data=data)


Presenter = Callable[[PlanInputs, ChainRun], Section]


@dataclass(frozen=True)
class PlanView:
    """What the report renderers read: the inputs, the sections, and how long each stage took."""

    inputs: PlanInputs
    sections: tuple[Section, ...]
    timings: Mapping[str, float] = field(default_factory=dict)

    @property
    def digest(self) -> InputDigest:
        """The content hash of the plan's inputs."""
        return self.inputs.digest
