"""Pages from Jinja2 templates (autoescaped), with the helpers every template uses.

Tables are the report's own (``report.html_tables``: short by default, "show all" on demand),
charts the report's Plotly figures, drawn by the pages' script from a JSON data block (the
Content-Security-Policy allows no inline script).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from rackwright import __version__
from rackwright.report.html_tables import table_html
from rackwright.report.json_report import jsonable
from rackwright.report.section import Figure, Table
from rackwright.report.terminal import format_cell
from rackwright.web.config import CSRF_FIELD, PREFIX

ENV = Environment(
    loader=PackageLoader("rackwright.web", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def url(path: str = "/") -> str:
    """The address of a page: ``path`` under the pages' prefix."""
    return PREFIX + (path if path.startswith("/") else "/" + path)


def static(name: str) -> str:
    """A static file's address, versioned so browsers may cache it for good."""
    return f"{PREFIX}/static/{__version__}/{name}"


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(jsonable(value), allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def table(value: Table, box_id: str = "") -> Markup:
    """A report table as HTML (already escaped by the report's renderer)."""
    return Markup(table_html(value, box_id))


def figure(value: Figure, element_id: str) -> Markup:
    """A chart: an empty box the pages' script draws from the JSON block beside it."""
    layout = value.plotly.get("layout", {})
    height = layout.get("height")
    style = f' style="height: {int(height)}px"' if isinstance(height, int | float) else ""
    payload = {
        "data": value.plotly.get("data", []),
        "layout": layout,
        "config": {"responsive": True, "displaylogo": False},
    }
    note = f'<figcaption class="note">{escape(value.note)}</figcaption>' if value.note else ""
    return Markup(
        f'<figure class="chart-box"><div class="chart" id="{escape(element_id)}"{style} '
        f'role="group" aria-label="{escape(value.title)}"></div>'
        f'<script type="application/json" data-chart-for="{escape(element_id)}">'
        f"{script_json(payload)}</script>{note}</figure>"
    )


def figures(values: Sequence[Figure], prefix: str) -> Markup:
    """Charts on the report's grid (two side by side where the page is wide enough)."""
    if not values:
        return Markup("")
    css = "charts one" if len(values) == 1 else "charts"
    inner = "".join(figure(f, f"{prefix}-fig-{i}") for i, f in enumerate(values))
    return Markup(f'<div class="{css}">{inner}</div>')


def when(value: datetime | None) -> str:
    """A time as people read it here: UTC, to the minute."""
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def pct(value: Any) -> str:
    """A share (0..1) as percent with one decimal; '-' when missing."""
    return f"{value:.1%}" if isinstance(value, int | float) and not isinstance(value, bool) else "-"


ENV.globals.update(
    url=url,
    static=static,
    table=table,
    figure=figure,
    figures=figures,
    version=__version__,
    csrf_field=CSRF_FIELD,
)
ENV.filters.update(cell=format_cell, when=when, pct=pct)


def page(
    request: Request,
    template: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` with ``context`` (plus ``signed``, the signed-in person, or None)."""
    context.setdefault("signed", getattr(request.state, "signed", None))
    context.setdefault("active", "")
    context.setdefault("charts", False)
    html = ENV.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status, headers=headers)
