"""``report.html``: one self-contained page that opens offline.

plotly.js is embedded once (``plotly.offline.get_plotlyjs()``); nothing is loaded from a network.
The page has a scenario header, a table of contents, every section's summary, tables and charts,
and the catalog provenance legend with the sources the figures cite.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from html import escape
from typing import Any

from plotly.offline import get_plotlyjs

from rackwright import __version__
from rackwright.report.charts import bar
from rackwright.report.json_report import catalog_provenance, jsonable, scenario_header
from rackwright.report.section import Figure, PlanView, Section, Table
from rackwright.report.terminal import format_cell
from rackwright.units import human

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1d2330; background: #f6f7f9; line-height: 1.45; }
header { background: #1d2330; color: #fff; padding: 1.5rem 2rem; }
header h1 { margin: 0 0 .3rem 0; font-size: 1.6rem; }
header .meta { color: #c7cdd8; font-size: .9rem; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem 2rem 3rem 2rem; }
section { background: #fff; border-radius: 6px; padding: 1rem 1.5rem; margin: 1.2rem 0;
          box-shadow: 0 1px 2px rgba(0,0,0,.08); }
h2 { border-bottom: 2px solid #e3e6eb; padding-bottom: .3rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .88rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid #dde1e7; padding: .25rem .55rem; }
th { background: #eef1f5; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #5a6272; font-size: .85rem; }
.chart { width: 100%; height: 440px; }
nav ol { columns: 2; }
.conf { display: inline-block; min-width: 1.4em; text-align: center; border-radius: 3px;
        font-weight: 700; color: #fff; }
.conf-V { background: #2e7d32; } .conf-S { background: #1565c0; }
.conf-E { background: #ef6c00; } .conf-U { background: #c62828; }
"""

_SLUG = re.compile(r"[^a-z0-9_-]+")


def _anchor(key: str) -> str:
    return "section-" + _SLUG.sub("-", key.lower())


def _script_json(value: Any) -> str:
    """JSON safe to place inside a <script> element."""
    text = json.dumps(jsonable(value), allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in table.columns)
    body = []
    for row in table.rows:
        cells = []
        for cell in row:
            css = (
                ' class="num"'
                if isinstance(cell, int | float) and not isinstance(cell, bool)
                else ""
            )
            cells.append(f"<td{css}>{escape(format_cell(cell))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    note = f'<p class="note">{escape(table.note)}</p>' if table.note else ""
    return (
        f"<table><caption>{escape(table.title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{note}"
    )


def _figure_html(figure: Figure, element_id: str) -> str:
    data = figure.plotly.get("data", [])
    layout = figure.plotly.get("layout", {})
    config = {"responsive": True, "displaylogo": False}
    return (
        f'<div class="chart" id="{element_id}" aria-label="{escape(figure.title)}"></div>'
        f"<script>Plotly.newPlot({json.dumps(element_id)}, {_script_json(data)}, "
        f"{_script_json(layout)}, {_script_json(config)});</script>"
    )


def _section_html(section: Section) -> str:
    anchor = _anchor(section.key)
    parts = [f'<section id="{anchor}"><h2>{escape(section.title)}</h2>']
    if section.summary:
        items = "".join(f"<li>{escape(line)}</li>" for line in section.summary)
        parts.append(f"<ul>{items}</ul>")
    for table in section.tables:
        parts.append(_table_html(table))
    for i, figure in enumerate(section.figures):
        parts.append(_figure_html(figure, f"{anchor}-fig-{i}"))
    for note in section.notes:
        parts.append(f'<p class="note">{escape(note)}</p>')
    parts.append("</section>")
    return "".join(parts)


def _scenario_html(info: dict[str, Any]) -> str:
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
        rows=[[y, f"{share:.0%}"] for y, share in info["domestic_targets"].items()],
    )
    description = f"<p>{escape(info['description'])}</p>" if info["description"] else ""
    tables = "".join(_table_html(t) for t in (workloads, builds, sites, targets))
    chart = build_plan_figure(info)
    figure = _figure_html(chart, "scenario-builds") if chart is not None else ""
    return f'<section id="scenario"><h2>Scenario</h2>{description}{tables}{figure}</section>'


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
        y_title="racks completed",
        stacked=True,
    )


def _badge(code: str) -> str:
    """A coloured V/S/E/U tag."""
    css = f" conf-{code}" if code in {"V", "S", "E", "U"} else ""
    return f'<span class="conf{css}">{escape(code)}</span>'


def _provenance_html(provenance: dict[str, Any]) -> str:
    legend = "".join(
        f"<li>{_badge(code)} {escape(label)}</li>" for code, label in provenance["legend"].items()
    )
    entry_rows = []
    for e in provenance["entries"]:
        fields = "; ".join(
            f"{name}: {f['confidence']} {', '.join(f['sources'])}"
            for name, f in e["fields"].items()
        )
        entry_rows.append(
            f"<tr><td>{escape(e['kind'])}</td><td>{escape(e['id'])}</td>"
            f"<td>{_badge(e['confidence'])}</td><td>{escape(', '.join(e['sources']))}</td>"
            f"<td>{escape(fields)}</td><td>{escape(e['origin'])}</td></tr>"
        )
    entries = (
        "<table><caption>Catalog entries this plan uses</caption><thead><tr><th>kind</th>"
        "<th>id</th><th>confidence</th><th>sources</th><th>per-field sources</th><th>from</th>"
        f"</tr></thead><tbody>{''.join(entry_rows)}</tbody></table>"
    )
    source_rows = []
    for source_id, source in provenance["sources"].items():
        url = source["url"]
        link = (
            f'<a href="{escape(url)}" rel="noreferrer">{escape(url)}</a>'
            if url.startswith(("http://", "https://"))
            else escape(url)
        )
        source_rows.append(
            f"<tr><td>{escape(source_id)}</td><td>{escape(source['kind'])}</td>"
            f"<td>{escape(source['title'])}</td><td>{link}</td></tr>"
        )
    sources = (
        "<table><caption>Sources cited</caption><thead><tr><th>id</th><th>kind</th>"
        f"<th>title</th><th>address</th></tr></thead><tbody>{''.join(source_rows)}</tbody></table>"
    )
    return (
        '<section id="provenance"><h2>Catalog provenance</h2>'
        "<p>Every catalog figure carries its sources and a confidence tag; a figure whose "
        "source differs from its entry's is listed per field. Override any entry with "
        "<code>--catalog FILE</code> and <code>override = true</code>.</p>"
        f"<ul>{legend}</ul>{entries}{sources}</section>"
    )


def render_html(view: PlanView, generated_at: datetime) -> str:
    """The whole report as one self-contained HTML page."""
    context, sections = view.inputs, view.sections
    info = scenario_header(context)
    provenance = catalog_provenance(context)
    has_figures = bool(info["builds"]) or any(section.figures for section in sections)
    plotly_js = f"<script>{get_plotlyjs()}</script>" if has_figures else ""
    toc_items = ['<li><a href="#scenario">Scenario</a></li>']
    toc_items += [f'<li><a href="#{_anchor(s.key)}">{escape(s.title)}</a></li>' for s in sections]
    toc_items.append('<li><a href="#provenance">Catalog provenance</a></li>')
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
        f"<style>{_STYLE}</style>{plotly_js}</head><body>"
        f"<header><h1>rackwright plan: {escape(info['name'])}</h1>"
        f'<div class="meta">{meta}</div></header><main>'
        f"<nav><h2>Contents</h2><ol>{''.join(toc_items)}</ol></nav>"
        f"{_scenario_html(info)}{body}{_provenance_html(provenance)}"
        "</main></body></html>\n"
    )
