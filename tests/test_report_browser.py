"""``report.html`` in a real headless Chromium: what a person sees, at 800 and 1400 px wide.

The report is rendered once for the module: the cheap stages on the default scenario, and the
sourcing section from the default scenario cut to its first three build quarters (the full
solve takes ~40 s; the small one runs the same stage and presenter in about a second). The page
is opened from a file with every network request refused. Screenshots of the whole page at
both widths are saved under ``$RACKWRIGHT_REPORT_ARTIFACTS`` (or a pytest temporary folder).

Chromium is Debian's ``chromium`` package (``.ci/run`` installs it); Playwright drives it and
gives each browser a fresh temporary profile. ``playwright install`` is never needed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Locator,
    Page,
    Playwright,
    Route,
    sync_playwright,
)

from conftest import default_inputs
from rackwright.plan import run_plan
from rackwright.report import HTML_NAME, JSON_NAME, render_reports, write_report_files
from rackwright.report.html_provenance import publisher
from rackwright.report.html_tables import DEFAULT_VISIBLE_ROWS, MIN_HIDDEN_ROWS
from rackwright.report.section import PlanView
from rackwright.report.terminal import format_cell

CHROMIUM = Path(os.environ.get("RACKWRIGHT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = (800, 1400)
WHEN = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)


@dataclass(frozen=True)
class RenderedReport:
    """The report files of the module's plan and the report.json they came with."""

    html: Path
    report: dict[str, Any]

    @property
    def url(self) -> str:
        return self.html.as_uri()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> RenderedReport:
    inputs = default_inputs()
    cheap = run_plan(inputs, only=["workloads", "generations", "rack", "bom"])
    first_quarters = [b for b in inputs.scenario.builds if b.period.startswith("2026")][:3]
    small = dataclasses.replace(
        inputs, scenario=inputs.scenario.model_copy(update={"builds": first_quarters})
    )
    sourcing = run_plan(small, only=["sourcing"])
    sections = (*cheap.view.sections, *(s for s in sourcing.view.sections if s.key == "sourcing"))
    view = PlanView(inputs, sections, {**cheap.run.timings, **sourcing.run.timings})
    out = tmp_path_factory.mktemp("report")
    write_report_files(out, render_reports(view, WHEN))
    report = json.loads((out / JSON_NAME).read_text(encoding="utf-8"))
    return RenderedReport(out / HTML_NAME, report)


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    named = os.environ.get("RACKWRIGHT_REPORT_ARTIFACTS")
    if named:
        path = Path(named)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("report-screenshots")


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: install Debian's chromium package "
            "(apt-get install -y chromium) or set RACKWRIGHT_CHROMIUM",
            pytrace=False,
        )
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


# Every chart is drawn (or says why not) at the width of its box on the page.
_CHARTS_SETTLED = """
Array.from(document.querySelectorAll('.chart')).every(gd =>
  gd.classList.contains('chart-error') ||
  (gd._fullLayout !== undefined && Math.abs(gd._fullLayout.width - gd.clientWidth) <= 1))
"""


@dataclass
class Opened:
    """A page showing the report, with what went wrong while it loaded and ran."""

    page: Page
    errors: list[str]
    requests: list[str]


def open_report(
    browser: Browser, rendered: RenderedReport, width: int, *, script: bool = True
) -> Opened:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=script
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    requests: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def refuse_network(route: Route) -> None:
        requests.append(route.request.url)
        route.abort()

    page.on("console", console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    context.route(re.compile(r"^(?!file:).*"), refuse_network)
    page.goto(rendered.url)
    if script:
        page.wait_for_function(_CHARTS_SETTLED)
    return Opened(page, errors, requests)


@pytest.fixture(scope="module", params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def opened(
    request: pytest.FixtureRequest, browser: Browser, rendered: RenderedReport
) -> Iterator[Opened]:
    result = open_report(browser, rendered, int(request.param))
    yield result
    result.page.context.close()


# -- charts -------------------------------------------------------------------------------------

_CHART_BOXES = """
(gd) => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, text: e.textContent}; };
  const all = (sel) => Array.from(gd.querySelectorAll(sel)).map(box)
    .filter(b => b.right > b.left || b.bottom > b.top);  // drawn, not hidden
  return {
    id: gd.id,
    chart: box(gd),
    marks: all('.point, .js-line').length,
    title: all('.gtitle'),
    xtitles: all('.g-xtitle text, .g-x2title text'),
    ytitles: all('.g-ytitle text, .g-y2title text'),
    legend: all('.legend .bg'),
    xticks: all('.xaxislayer-above .xtick text'),
    yticks: all('.yaxislayer-above .ytick text'),
    notes: all('.annotation-text'),
  };
}
"""


def chart_boxes(page: Page) -> list[dict[str, Any]]:
    return [el.evaluate(_CHART_BOXES) for el in page.query_selector_all(".chart")]


def inside(inner: dict[str, float], outer: dict[str, float], slack: float = 0.5) -> bool:
    return (
        inner["left"] >= outer["left"] - slack
        and inner["top"] >= outer["top"] - slack
        and inner["right"] <= outer["right"] + slack
        and inner["bottom"] <= outer["bottom"] + slack
    )


def overlap(a: dict[str, float], b: dict[str, float], slack: float = 1.0) -> bool:
    return (
        a["left"] < b["right"] - slack
        and b["left"] < a["right"] - slack
        and a["top"] < b["bottom"] - slack
        and b["top"] < a["bottom"] - slack
    )


def test_every_chart_draws_its_data_without_errors(opened: Opened) -> None:
    page = opened.page
    charts = chart_boxes(page)
    assert len(charts) >= 15  # scenario build plan + every section's charts
    assert page.locator(".chart-error").count() == 0
    for chart in charts:
        assert chart["marks"] > 0, f"{chart['id']} plots nothing"
    assert opened.errors == []  # no console error, no Plotly or page exception
    assert opened.requests == []  # the page asked for nothing over the network


def test_axis_titles_and_labels_are_visible_and_unclipped(opened: Opened) -> None:
    for chart in chart_boxes(opened.page):
        name, frame = chart["id"], chart["chart"]
        texts = [*chart["title"], *chart["xtitles"], *chart["ytitles"], *chart["notes"]]
        assert chart["xtitles"] and chart["ytitles"], f"{name} lacks an axis title"
        for label in [*texts, *chart["legend"], *chart["xticks"], *chart["yticks"]]:
            assert inside(label, frame), f"{name}: '{label.get('text')}' is clipped"
        for title in chart["xtitles"] + chart["ytitles"]:
            assert title["text"].strip(), f"{name} has an empty axis title"
            for other in [*chart["legend"], *chart["title"], *chart["xticks"], *chart["yticks"]]:
                assert not overlap(title, other), f"{name}: '{title['text']}' is covered"
        for legend in chart["legend"]:
            for tick in chart["xticks"]:
                assert not overlap(legend, tick), f"{name}: legend covers '{tick['text']}'"


def test_year_axes_have_one_integer_tick_per_year(opened: Opened) -> None:
    year_charts = [
        c
        for c in chart_boxes(opened.page)
        if any(t["text"].startswith("year") for t in c["xtitles"])
    ]
    assert year_charts, "the BOM section's domestic share by year has a year axis"
    for chart in year_charts:
        ticks = [t["text"] for t in chart["xticks"]]
        assert all(re.fullmatch(r"\d{4}", t) for t in ticks), ticks
        years = [int(t) for t in ticks]
        assert years == list(range(years[0], years[0] + len(years)))


def test_shares_read_as_percent(opened: Opened) -> None:
    titled = {
        c["id"]: c
        for c in chart_boxes(opened.page)
        if any("share" in t["text"] for t in c["ytitles"])
    }
    assert len(titled) >= 4  # BOM shares (3 charts) and sourcing's share by quarter
    for name, chart in titled.items():
        ticks = [t["text"] for t in chart["yticks"]]
        assert ticks and all(t.endswith("%") for t in ticks), (name, ticks)


def test_pareto_chart_shows_the_deadline_and_bounds_the_days(
    opened: Opened, rendered: RenderedReport
) -> None:
    page = opened.page
    pareto = page.locator("figure.chart-box", has=page.locator("[aria-label*='Pareto']"))
    chart = pareto.locator(".chart").evaluate(_CHART_BOXES)
    training = rendered.report["sections"]["workloads"]["data"]["training"]
    deadline = training[0]["deadline_days"]
    assert any(n["text"] == f"deadline {deadline:g} days" for n in chart["notes"])
    days = [int(t["text"].replace(",", "")) for t in chart["xticks"]]
    assert max(days) <= 2 * deadline  # the axis ends near the deadline, not at ~2,000 days
    front = [p["days"] for t in training for p in t["pareto"]]
    off = sum(d > 2 * deadline for d in front)
    assert off > 0  # the default workload has slow configurations, counted in the note
    caption = pareto.locator("figcaption").inner_text()
    assert caption.startswith(f"{off} of {len(front)} front configurations")


# -- navigation, folding, long tables -------------------------------------------------------------


def current_link(page: Page) -> str:
    links = page.locator("#toc a.current")
    assert links.count() == 1
    assert links.first.get_attribute("aria-current") == "location"
    return str(links.first.get_attribute("href"))


def test_navigation_follows_the_reader(opened: Opened) -> None:
    page = opened.page
    width = viewport_width(page)
    page.evaluate("window.scrollTo(0, 0)")
    ids = page.eval_on_selector_all("#toc a", "links => links.map(a => a.hash.slice(1))")
    assert ids[0] == "scenario" and ids[-1] == "provenance" and len(ids) == 7
    for section_id in ids[1:4]:  # scrolled by the reader, not through the links
        page.evaluate(f"document.getElementById('{section_id}').scrollIntoView()")
        page.wait_for_function(f"document.querySelector('#toc a.current').hash === '#{section_id}'")
        assert current_link(page) == f"#{section_id}"
        nav = page.locator("#toc").bounding_box()
        assert nav is not None and nav["y"] >= -1 and nav["y"] < 900  # it stays in view
        current = page.locator("#toc a.current").bounding_box()
        assert current is not None  # the current link itself is on screen, not scrolled away
        assert current["x"] >= 0 and current["x"] + current["width"] <= width
    page.locator("#toc a[href='#provenance']").click()
    page.wait_for_function("document.querySelector('#toc a.current').hash === '#provenance'")
    assert page.evaluate("window.scrollY") > 1000


def test_sections_fold_and_a_link_unfolds_them(opened: Opened) -> None:
    page = opened.page
    summary = page.locator("#section-rack > details > summary")
    chart = page.locator("#section-rack .chart").first
    height = page.evaluate("document.documentElement.scrollHeight")
    summary.scroll_into_view_if_needed()
    summary.click()
    assert not chart.is_visible()
    assert page.evaluate("document.documentElement.scrollHeight") < height - 500
    page.locator("#toc a[href='#section-rack']").click()
    assert chart.is_visible()
    page.locator("#toc button[data-fold='close']").click()
    assert page.locator(".report-section > details[open]").count() == 0
    page.locator("#toc button[data-fold='open']").click()
    assert page.locator(".report-section > details:not([open])").count() == 0


def viewport_width(page: Page) -> int:
    size = page.viewport_size
    assert size is not None
    return int(size["width"])


def visible_rows(box: Locator) -> int:
    """Body rows a person can see (a hidden row has no offset parent)."""
    shown = box.locator("tbody tr").evaluate_all(
        "rows => rows.filter(r => r.offsetParent !== null).length"
    )
    return int(shown)


def test_long_tables_are_short_until_expanded(opened: Opened) -> None:
    page = opened.page
    boxes = page.locator(".table-box:has(button.show-all)")
    assert boxes.count() >= 5  # rack details, foreign parts, capacity gaps, sources, entries ...
    for i in range(boxes.count()):
        box = boxes.nth(i)
        total = int(box.get_attribute("data-rows") or 0)
        shown = int(box.get_attribute("data-visible-rows") or 0)
        assert 0 < shown <= DEFAULT_VISIBLE_ROWS and total - shown >= MIN_HIDDEN_ROWS
        assert visible_rows(box) == shown
        button = box.locator("button.show-all")
        assert button.inner_text() == f"Show all {total} rows"
        button.scroll_into_view_if_needed()
        button.click()
        assert visible_rows(box) == total
        assert button.get_attribute("aria-expanded") == "true"
        button.click()
        assert visible_rows(box) == shown


_TABLE_ROWS = """
(table) => {
  // every body row as text cells; a group's spanning cells repeated on each of its rows
  const rows = [];
  for (const body of table.tBodies) {
    let group = [];
    for (const [i, tr] of Array.from(body.rows).entries()) {
      const heads = Array.from(tr.querySelectorAll('th[scope=rowgroup]')).map(c => c.textContent);
      if (i === 0) group = heads;
      const cells = Array.from(tr.querySelectorAll('td')).map(c => c.textContent);
      rows.push([...group, ...cells]);
    }
  }
  return rows;
}
"""


def test_table_numbers_match_report_json(opened: Opened, rendered: RenderedReport) -> None:
    page = opened.page
    for key, section in rendered.report["sections"].items():
        boxes = page.locator(f"#section-{key} .table-box")
        assert boxes.count() == len(section["tables"])
        for i, table in enumerate(section["tables"]):
            shown = boxes.nth(i).locator("table").evaluate(_TABLE_ROWS)
            expected = [[format_cell(v) for v in row] for row in table["rows"]]
            assert shown == expected, f"{key}: {table['title']}"


def test_chosen_sources_are_grouped_by_part_largest_spend_first(
    opened: Opened, rendered: RenderedReport
) -> None:
    (table,) = [
        t
        for t in rendered.report["sections"]["sourcing"]["tables"]
        if t["title"].startswith("Chosen sources")
    ]
    rows = table["rows"]
    totals: dict[str, float] = {}
    for part, _, _, usd, _ in rows:
        totals[part] = totals.get(part, 0) + usd
    parts = list(dict.fromkeys(r[0] for r in rows))
    assert [totals[p] for p in parts] == sorted(totals.values(), reverse=True)
    box = opened.page.locator("#section-sourcing .table-box", has_text="Chosen sources")
    groups = box.locator("tbody.group")
    assert groups.count() == len(parts)
    first = groups.first.locator("th[scope=rowgroup]").first.inner_text()
    assert first == parts[0]  # the part with the largest spend leads, shown once for its sites
    assert visible_rows(box) < len(rows)


# -- provenance -------------------------------------------------------------------------------


def test_sources_are_linked_by_title_with_their_publisher(
    opened: Opened, rendered: RenderedReport
) -> None:
    page = opened.page
    sources = rendered.report["provenance"]["sources"]
    published = {sid: s for sid, s in sources.items() if publisher(s["url"])}
    box = page.locator("#provenance-sources")
    assert int(box.get_attribute("data-rows") or 0) == len(published)
    heads = box.locator("thead th").all_inner_texts()
    assert heads == ["id", "source", "publisher", "kind", "entries citing it"]  # no raw URLs
    links = box.locator("tbody a").evaluate_all(
        "links => links.map(a => [a.closest('tr').cells[0].innerText, a.href, a.innerText,"
        " a.closest('tr').cells[2].innerText])"
    )
    assert len(links) == len(published)
    for sid, href, text, host in links:
        assert href == published[sid]["url"] or href.rstrip("/") == published[sid]["url"]
        assert text == published[sid]["title"]
        assert host == publisher(published[sid]["url"])
        assert host and not host.startswith("www.")
    counts = page.locator("#provenance .table-box").first.locator("tbody tr").last
    total = counts.locator("td").last.inner_text()
    assert int(total) == len(rendered.report["provenance"]["entries"])


def test_a_source_link_opens_the_row_it_points_to(opened: Opened) -> None:
    page = opened.page
    box = page.locator("#provenance-sources")
    hidden = box.locator("tbody.more tr").first.locator("td").first.inner_text()
    link = page.locator(f"#provenance-entries a[href='#src-{hidden}']").first
    if link.count() == 0 or not link.is_visible():
        page.locator("#provenance-entries button.show-all").click()
    link.click()
    row = page.locator(f"#src-{hidden}")
    assert row.is_visible()
    assert "expanded" in (box.get_attribute("class") or "")


# -- the page as a whole ------------------------------------------------------------------------


def test_the_page_fits_the_screen_and_is_saved_as_screenshots(
    opened: Opened, rendered: RenderedReport, artifacts: Path
) -> None:
    page = opened.page
    width = viewport_width(page)
    page.goto(rendered.url)  # the page as it opens (no #anchor): earlier tests unfolded tables
    page.wait_for_function(_CHARTS_SETTLED)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    height = int(page.evaluate("document.documentElement.scrollHeight"))
    shot = artifacts / f"report-{width}px.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    (artifacts / f"report-{width}px.height").write_text(f"{height}\n", encoding="utf-8")


def test_without_script_every_row_is_shown(browser: Browser, rendered: RenderedReport) -> None:
    opened = open_report(browser, rendered, 1400, script=False)
    try:
        page = opened.page
        for i in range(page.locator(".table-box").count()):
            box = page.locator(".table-box").nth(i)
            assert visible_rows(box) == int(box.get_attribute("data-rows") or 0)
        assert page.locator("button.show-all").first.is_visible() is False
        assert page.locator(".report-section > details[open]").count() == 7
    finally:
        opened.page.context.close()
