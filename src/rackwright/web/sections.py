"""A run's report sections as the person may see them.

Each stage comes through the store's wall (``run_views.stage_views``: full, aggregate or
withheld). The run's owner organization may also read the report files (``run_views.file_names``
lists them only for it), so for the owner each section shows the report's own tables
(``report.json``) and charts (the Plotly figures of ``report.html``); anyone else sees what the
API gives them, the stage's data, as tables.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from rackwright.report import HTML_NAME, JSON_NAME
from rackwright.report.html import _anchor as section_anchor  # the report's own section ids
from rackwright.report.section import Figure, Table
from rackwright.store import run_views
from rackwright.store.actor import Actor
from rackwright.store.models import Run
from rackwright.web.datatables import data_tables

# one chart of report.html: its box, optional caption, and the call that draws it
_CHART = re.compile(
    r'<div class="chart" id="(?P<id>[^"]+)"[^>]*aria-label="(?P<title>[^"]*)"></div>'
    r'(?:<figcaption class="note">(?P<note>.*?)</figcaption>)?<script>rwDraw\('
)
_FIGURE_ID = re.compile(r"^(?P<anchor>.+)-fig-(?P<index>\d+)$")


@dataclass(frozen=True)
class SectionView:
    """One stage of a run: what its report section shows this person."""

    key: str
    title: str
    access: str
    seconds: float
    summary: list[str]
    data: dict[str, Any]
    notes: list[str]
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass(frozen=True)
class ReportFiles:
    """The owner's report: its JSON and the charts of its HTML, by section anchor."""

    report: dict[str, Any]
    charts: dict[str, list[Figure]]


def _next_json(text: str, pos: int) -> tuple[Any, int]:
    value, end = json.JSONDecoder().raw_decode(text, pos)
    while end < len(text) and text[end] in ", ":
        end += 1
    return value, end


def charts_of(report_html: str) -> dict[str, list[Figure]]:
    """The Plotly figures of a ``report.html``, by section anchor, in page order."""
    found: dict[str, list[tuple[int, Figure]]] = {}
    for match in _CHART.finditer(report_html):
        ident = _FIGURE_ID.match(match["id"])
        if ident is None:
            continue
        _, pos = _next_json(report_html, match.end())
        data, pos = _next_json(report_html, pos)
        layout, _ = _next_json(report_html, pos)
        note = html.unescape(match["note"] or "")
        chart = Figure(html.unescape(match["title"]), {"data": data, "layout": layout}, note)
        found.setdefault(ident["anchor"], []).append((int(ident["index"]), chart))
    return {anchor: [f for _, f in sorted(items)] for anchor, items in found.items()}


_CHARTS_CACHE: OrderedDict[str, dict[str, list[Figure]]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHED_REPORTS = 8  # parsed reports kept by their file's SHA-256 (a report is a few MB)


def _cached_charts(sha256: str, content: bytes) -> dict[str, list[Figure]]:
    """The charts of a report file, parsed once per file content (pages run in threads)."""
    with _CACHE_LOCK:
        charts = _CHARTS_CACHE.get(sha256)
    if charts is None:
        charts = charts_of(content.decode("utf-8"))
        with _CACHE_LOCK:
            _CHARTS_CACHE[sha256] = charts
            while len(_CHARTS_CACHE) > CACHED_REPORTS:
                _CHARTS_CACHE.popitem(last=False)
    return charts


def report_files(session: Session, actor: Actor, run: Run) -> ReportFiles | None:
    """The run's report, if the person's organization may read its files (the owner)."""
    names = run_views.file_names(session, actor, run)
    if JSON_NAME not in names:
        return None
    report = json.loads(run_views.get_file(session, actor, run, JSON_NAME).content)
    charts: dict[str, list[Figure]] = {}
    if HTML_NAME in names:
        found = run_views.get_file(session, actor, run, HTML_NAME)
        charts = _cached_charts(found.sha256, found.content)
    return ReportFiles(report, charts)


def _tables(items: list[dict[str, Any]]) -> list[Table]:
    return [
        Table(t["title"], list(t["columns"]), [list(r) for r in t["rows"]], t.get("note", ""))
        for t in items
    ]


def section_views(session: Session, actor: Actor, run: Run) -> list[SectionView]:
    """Every stage of the run, as this person may see it."""
    files = report_files(session, actor, run)
    out = []
    for view in run_views.stage_views(session, actor, run):
        result = view.result
        summary, notes = list(result.get("summary", [])), list(result.get("notes", []))
        data = dict(result.get("data", {}))
        own = files.report["sections"].get(view.key) if files is not None else None
        if own is not None and files is not None:
            tables = _tables(own.get("tables", []))
            charts = files.charts.get(section_anchor(view.key), [])
        else:
            tables, charts = data_tables(data) if data else [], []
        out.append(
            SectionView(
                view.key,
                view.title,
                view.access,
                view.seconds,
                summary,
                data,
                notes,
                tables,
                charts,
            )
        )
    return out
