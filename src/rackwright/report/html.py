"""``report.html``: one self-contained page that opens offline.

plotly.js is embedded once (``plotly.offline.get_plotlyjs()``); nothing is loaded from a network.
The page has a scenario header, a table of contents that follows the reader, and one folding
section per stage (summary, charts, tables, notes), then the catalog provenance. Tables are short
by default and complete on demand (``html_tables``); style and script are in ``page_assets``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import Any

from plotly.offline import get_plotlyjs

from rackwright import __version__
from rackwright.report.charts import bar
from rackwright.report.html_provenance import provenance_body
from rackwright.report.html_tables import table_html
from rackwright.report.json_report import catalog_provenance, jsonable, scenario_header
from rackwright.report.page_assets import DRAW_SCRIPT, NOSCRIPT_STYLE, PAGE_SCRIPT, STYLE
from rackwright.report.section import Figure, PlanView, Section, Table
from rackwright.units import human

_SLUG = re.compile(r"[^a-z0-9_-]+")


def _anchor(key: str) -> str:
    return "section-" + _SLUG.sub("-", key.lower())


def _script_json(value: Any) -> str:
    """JSON safe to place inside a <script> element."""
    text = json.dumps(jsonable(value), allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _figure_html(figure: Figure, element_id: str) -> str:
    data = figure.plotly.get("data", [])
    layout = figure.plotly.get("layout", {})
    config = {"responsive": True, "displaylogo": False}
    # a chart that asks for more height (many categories) gets it; the rest use the style's
    height = layout.get("height")
    style = f' style="height: {int(height)}px"' if isinstance(height, int | float) else ""
    note = f'<figcaption class="note">{escape(figure.note)}</figcaption>' if figure.note else ""
    return (
        f'<figure class="chart-box"><div class="chart" id="{element_id}"{style} role="img" '
        f'aria-label="{escape(figure.title)}"></div>{note}'
        f"<script>rwDraw({json.dumps(element_id)}, {_script_json(data)}, "
        f"{_script_json(layout)}, {_script_json(config)});</script></figure>"
    )


def _charts_html(figures: Sequence[Figure], anchor: str) -> str:
    """A section's charts on a grid: two side by side where the page is wide enough."""
    if not figures:
        return ""
    charts = "".join(_figure_html(f, f"{anchor}-fig-{i}") for i, f in enumerate(figures))
    css = "charts one" if len(figures) == 1 else "charts"
    return f'<div class="{css}">{charts}</div>'


def _tables_html(tables: Sequence[Table], anchor: str) -> str:
    """The tables of a section, flowing side by side where they are narrow enough."""
    if not tables:
        return ""
    boxes = "".join(table_html(t, f"{anchor}-table-{i}") for i, t in enumerate(tables))
    return f'<div class="tables">{boxes}</div>'


def _contents_line(tables: int, charts: int) -> str:
    parts = [
        f"{n} {word}{'s' if n != 1 else ''}"
        for n, word in ((charts, "chart"), (tables, "table"))
        if n
    ]
    return f'<span class="contents">{" · ".join(parts)}</span>' if parts else ""


def _folding_section(anchor: str, title: str, body: str, tables: int = 0, charts: int = 0) -> str:
    """A report section that folds: its title is the <summary> of an open <details>."""
    return (
        f'<section id="{anchor}" class="report-section" aria-labelledby="{anchor}-title">'
        f'<details open><summary><h2 id="{anchor}-title">{escape(title)}</h2>'
        f"{_contents_line(tables, charts)}</summary>"
        f'<div class="section-body">{body}</div></details></section>'
    )


def _section_html(section: Section) -> str:
    anchor = _anchor(section.key)
    parts = []
    if section.summary:
        items = "".join(f"<li>{escape(line)}</li>" for line in section.summary)
        parts.append(f"<ul>{items}</ul>")
    parts.append(_charts_html(section.figures, anchor))
    parts.append(_tables_html(section.tables, anchor))
    for note in section.notes:
        parts.append(f'<p class="note">{escape(note)}</p>')
    return _folding_section(
        anchor, section.title, "".join(parts), len(section.tables), len(section.figures)
    )


def _scenario_tables(info: dict[str, Any]) -> list[Table]:
    workloads = Table(
        title="Workloads",
        columns=["id", "kind", "model", "volume", "limits"],
        rows=[
            [
                w["id"],
                w["kind"],
                w["model"],
                f"{human(w['tokens'], 'tok')} in {w['deadline_days']:g} days"
                if w["kind"] == "train"
                else f"{human(w['daily_output_tokens'], 'tok')} output per day",
                f"precision {w['precision']}"
                if w["kind"] == "train"
                else f"TTFT {w['ttft_limit_s']:g} s, TPOT {w['tpot_limit_s'] * 1e3:g} ms",
            ]
            for w in info["workloads"]
        ],
    )
    years = [str(y) for y in range(info["horizon"]["start_year"], info["horizon"]["end_year"] + 1)]
    builds = Table(
        title="Rack build plan (racks per year)",
        columns=["generation", "first year", *years, "total"],
        rows=[
            [
                g["rack"],
                str(g["first_year"]),
                *(g["racks_by_year"].get(y, 0) for y in years),
                g["racks_total"],
            ]
            for g in info["generations"]
        ],
    )
    sites = Table(
        title="Sites",
        columns=["site", "racks per week"],
        rows=[[s["site"], s["racks_per_week"]] for s in info["sites"]],
    )
    targets = Table(
        title="Domestic-content target",
        columns=["year", "share"],
        rows=[[str(y), f"{share:.0%}"] for y, share in info["domestic_targets"].items()],
    )
    return [workloads, builds, sites, targets]


def _scenario_html(info: dict[str, Any]) -> str:
    description = f"<p>{escape(info['description'])}</p>" if info["description"] else ""
    tables = _scenario_tables(info)
    chart = build_plan_figure(info)
    figure = (
        f'<div class="charts one">{_figure_html(chart, "scenario-builds")}</div>' if chart else ""
    )
    body = description + figure + _tables_html(tables, "scenario")
    return _folding_section("scenario", "Scenario", body, len(tables), int(chart is not None))


def build_plan_figure(info: dict[str, Any]) -> Figure | None:
    """Racks completed per quarter, stacked by generation (None when nothing is built)."""
    if not info["builds"]:
        return None
    start, end = info["horizon"]["start_year"], info["horizon"]["end_year"]
    quarters = [f"{year}Q{q}" for year in range(start, end + 1) for q in range(1, 5)]
    series: dict[str, list[float]] = {g["rack"]: [0.0] * len(quarters) for g in info["generations"]}
    for lot in info["builds"]:
        series[lot["rack"]][quarters.index(lot["period"])] += lot["racks"]
    return bar(
        "Rack build plan per quarter",
        quarters,
        series,
        x_title="quarter",
        y_title="racks completed per quarter",
        stacked=True,
    )


def _nav_html(sections: Sequence[Section]) -> str:
    items = [("scenario", "Scenario")]
    items += [(_anchor(s.key), s.title) for s in sections]
    items.append(("provenance", "Catalog provenance"))
    links = "".join(f'<li><a href="#{a}">{escape(title)}</a></li>' for a, title in items)
    return (
        '<nav id="toc" aria-label="Contents"><h2>Contents</h2>'
        f"<ol>{links}</ol>"
        '<div class="toc-tools"><button type="button" data-fold="open">Expand all</button>'
        '<button type="button" data-fold="close">Collapse all</button></div></nav>'
    )


def render_html(view: PlanView, generated_at: datetime) -> str:
    """The whole report as one self-contained HTML page."""
    context, sections = view.inputs, view.sections
    info = scenario_header(context)
    provenance = _folding_section(
        "provenance", "Catalog provenance", provenance_body(catalog_provenance(context)), 4
    )
    has_figures = bool(info["builds"]) or any(section.figures for section in sections)
    scripts = (
        f"<script>{get_plotlyjs()}</script><script>{DRAW_SCRIPT}</script>" if has_figures else ""
    )
    horizon = info["horizon"]
    meta = (
        f"{escape(info['file'])} &middot; horizon {horizon['start_year']}-{horizon['end_year']}"
        f" &middot; facility {escape(info['facility'])} &middot; generated "
        f"{escape(generated_at.isoformat(timespec='seconds'))} by rackwright {escape(__version__)}"
    )
    body = "".join(_section_html(section) for section in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>rackwright plan: {escape(info['name'])}</title>"
        f"<style>{STYLE}</style><noscript><style>{NOSCRIPT_STYLE}</style></noscript>"
        f"{scripts}</head><body>"
        '<a class="skip" href="#content">Skip to the report</a>'
        f'<header class="page"><h1>rackwright plan: {escape(info["name"])}</h1>'
        f'<div class="meta">{meta}</div></header>'
        f'<div class="layout">{_nav_html(sections)}<main id="content">'
        f"{_scenario_html(info)}{body}{provenance}"
        f"</main></div><script>{PAGE_SCRIPT}</script></body></html>\n"
    )
