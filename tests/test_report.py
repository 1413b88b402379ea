"""The report writers: self-contained HTML, report.json, the terminal summary, chart helpers."""

from __future__ import annotations

import io
import json
import math
import os
import re
from dataclasses import replace
from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs
from rich.console import Console

from conftest import BASE_SCENARIO, FIXTURE_CATALOG, line_of
from rackwright.chain import PlanInputs
from rackwright.errors import OutputError
from rackwright.plan import InputRequest, prepare
from rackwright.report import (
    HTML_NAME,
    JSON_NAME,
    check_output_dir,
    render_reports,
    write_report_files,
)
from rackwright.report.charts import AxisRange, Guide, bar, figure_from, line, log_ticks, scatter
from rackwright.report.html import build_plan_figure
from rackwright.report.html_provenance import publisher
from rackwright.report.html_tables import shown_group_count, table_html
from rackwright.report.json_report import catalog_provenance, scenario_header
from rackwright.report.section import PlanView, Section, Table
from rackwright.report.sections.workloads import days_axis
from rackwright.report.terminal import format_cell, print_summary
from rackwright.scenario import load_scenario_text

WHEN = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)


@pytest.fixture
def context(tmp_path: Path) -> PlanInputs:
    (tmp_path / "catalog.toml").write_text(FIXTURE_CATALOG, encoding="utf-8")
    path = tmp_path / "scenario.toml"
    path.write_text(BASE_SCENARIO, encoding="utf-8")
    return replace(prepare(InputRequest(scenario=path)), scenario_file="scenario.toml")


def view(context: PlanInputs, *sections: Section) -> PlanView:
    return PlanView(context, sections, {"power": 0.25, "cost": 1.5})


def power_section() -> Section:
    years = ["2026", "2027", "2028"]
    return Section(
        key="power",
        title="Rack power <by year>",
        summary=["peak rack power 142 kW", "uses <script>alert(1)</script> as a name"],
        data={"peak_w": 142e3, "per_year_w": np.array([120e3, 130e3, 142e3]), "gap": math.nan},
        tables=[
            Table(
                title="Power per year",
                columns=["year", "power_w", "racks"],
                rows=[
                    [y, p, n]
                    for y, p, n in zip(years, [120e3, 130e3, 142e3], [10, 20, 30], strict=True)
                ],
                note="typical load",
            )
        ],
        figures=[
            bar(
                "Racks per year",
                years,
                {"gen1": [10, 20, 30], "gen2": [0, 5, 9]},
                x_title="year",
                y_title="racks",
                stacked=True,
            ),
            line(
                "Power per year", years, {"rack": [120e3, 130e3, None]}, x_title="year", y_title="W"
            ),
        ],
    )


def cost_section() -> Section:
    return Section(
        key="cost",
        title="Cost",
        summary=["total 1.2 B USD"],
        data={"total_usd": 1.2e9},
        tables=[
            Table(
                title="Cost per rack",
                columns=["rack", "cost_usd"],
                rows=[[f"r{i}", 1e6 * i] for i in range(20)],
            )
        ],
        notes=["estimates only"],
    )


def test_json_report_shape(context: PlanInputs) -> None:
    files = render_reports(view(context, power_section(), cost_section()), WHEN)
    report = json.loads(files[JSON_NAME])
    assert report["rackwright_version"]
    assert report["generated_at"] == "2026-11-23T19:30:00+00:00"
    assert report["scenario"]["name"] == "test-scenario"
    assert report["scenario"]["file"] == "scenario.toml"
    assert list(report["sections"]) == ["power", "cost"]  # report order
    power = report["sections"]["power"]
    assert power["title"] == "Rack power <by year>"
    assert power["summary"][0] == "peak rack power 142 kW"
    assert power["data"]["per_year_w"] == [120e3, 130e3, 142e3]  # numpy -> list
    assert power["data"]["gap"] is None  # NaN is not JSON
    assert power["tables"][0]["rows"][2] == ["2028", 142e3, 30]
    assert "figures" not in power  # charts live in the HTML only
    assert report["sections"]["cost"]["notes"] == ["estimates only"]


def test_json_report_carries_the_provenance_of_entries_used(context: PlanInputs) -> None:
    report = json.loads(render_reports(view(context, cost_section()), WHEN)[JSON_NAME])
    provenance = report["provenance"]
    assert provenance["legend"] == {
        "V": "vendor document",
        "S": "press or analyst",
        "E": "estimate",
        "U": "unverified",
    }
    used = {(e["kind"], e["id"]): e for e in provenance["entries"]}
    system = context.catalog.system("gb300-nvl72")
    assert set(used) == {
        ("facility", "test-fac"),
        ("site", "test-site-a"),
        ("site", "test-site-b"),
        ("rack", "test-rack"),
        ("component", "test-cdu"),
        ("system", "gb300-nvl72"),  # what the rack is built from, down to the chip
        ("accelerator", system.accelerator),
        ("fabric", system.scaleout_fabric),
    }
    assert used[("facility", "test-fac")]["confidence"] == "E"
    rack_line = line_of(FIXTURE_CATALOG, 'id = "test-rack"')
    assert used[("rack", "test-rack")]["origin"].endswith(f"catalog.toml:{rack_line}")
    cited = list(provenance["sources"])
    assert {"S06", "S08", "S31", "S97", "S145", *system.sources} <= set(cited)
    assert cited.index("S31") < cited.index("S97") < cited.index("S145")  # numeric order
    assert "Foxconn" in provenance["sources"]["S08"]["title"]


def test_html_is_self_contained_with_plotly_once(context: PlanInputs) -> None:
    html = render_reports(view(context, power_section(), cost_section()), WHEN)[HTML_NAME]
    plotly_js = get_plotlyjs()
    assert html.count(plotly_js[:300]) == 1
    assert len(html) > len(plotly_js)
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "cdn.plot.ly" not in html.replace(plotly_js, "")  # only plotly's unused geo default
    # both section charts and the scenario's build-plan chart are drawn, with their data inline
    assert html.count("rwDraw(") == 1 + 3  # the drawing helper, then one call per chart
    assert '"name":"gen2"' in html.replace(" ", "")
    assert 'id="scenario-builds"' in html


def test_build_plan_chart_stacks_racks_per_quarter(context: PlanInputs) -> None:
    figure = build_plan_figure(scenario_header(context))
    assert figure is not None
    (trace,) = figure.plotly["data"]
    assert trace["name"] == "test-rack"
    assert len(trace["x"]) == 3 * 4  # every quarter of 2026-2028
    racks = dict(zip(trace["x"], trace["y"], strict=True))
    assert racks["2026Q3"] == 100 and racks["2027Q1"] == 250
    assert sum(trace["y"]) == 350


def test_html_has_header_contents_sections_and_legend(context: PlanInputs) -> None:
    html = render_reports(view(context, power_section(), cost_section()), WHEN)[HTML_NAME]
    assert "<title>rackwright plan: test-scenario</title>" in html
    toc = html[html.index('<nav id="toc"') : html.index("</nav>")]
    for anchor in ("#scenario", "#section-power", "#section-cost", "#provenance"):
        assert f'href="{anchor}"' in toc
    assert 'id="section-power"' in html and 'id="section-cost"' in html
    # text is escaped, never interpreted
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Rack power &lt;by year&gt;" in html
    # numbers are formatted for reading
    assert "142,000" in html and "1,000,000" in html
    # the V/S/E/U legend and the cited sources
    for label in ("vendor document", "press or analyst", "estimate", "unverified"):
        assert label in html
    assert "S145" in html and "test-site-b" in html
    # the scenario's build plan table: racks per year per generation
    assert "<td>test-rack</td><td>2026</td>" in html  # a year is not a quantity
    assert "10 Ttok in 60 days" in html and "100 Gtok output per day" in html
    assert '<td class="num">100</td><td class="num">250</td><td class="num">0</td>' in html


def test_html_without_charts_leaves_plotly_out(context: PlanInputs) -> None:
    no_builds = BASE_SCENARIO[: BASE_SCENARIO.index("[[build]]")]
    scenario, _ = load_scenario_text(no_builds, "scenario.toml")
    context = replace(context, scenario=scenario)
    html = render_reports(view(context, cost_section()), WHEN)[HTML_NAME]
    assert get_plotlyjs()[:300] not in html
    assert len(html) < 200_000


def test_write_report_files_writes_both(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "out"
    written = write_report_files(out, {HTML_NAME: "<html></html>\n", JSON_NAME: "{}\n"})
    assert written == [out / HTML_NAME, out / JSON_NAME]
    assert (out / JSON_NAME).read_text(encoding="utf-8") == "{}\n"
    assert sorted(p.name for p in out.iterdir()) == [HTML_NAME, JSON_NAME]
    # readable like any file the user creates (mkstemp alone would give 0600)
    umask = os.umask(0)
    os.umask(umask)
    assert (out / HTML_NAME).stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_failed_write_leaves_no_report_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace
    calls: list[str] = []

    def replace_fails_second_time(src: str, dst: str) -> None:
        calls.append(str(dst))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_fails_second_time)
    with pytest.raises(OutputError, match="No space left on device"):
        write_report_files(tmp_path, {HTML_NAME: "<html></html>", JSON_NAME: "{}"})
    assert len(calls) == 2
    assert list(tmp_path.iterdir()) == []  # neither report nor temporary file


def test_output_dir_checks(tmp_path: Path) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="not a directory"):
        check_output_dir(a_file)
    with pytest.raises(OutputError, match="cannot create output directory"):
        check_output_dir(a_file / "out")
    (tmp_path / "out" / JSON_NAME).mkdir(parents=True)
    with pytest.raises(OutputError, match="directory is in the way") as err:
        check_output_dir(tmp_path / "out")
    assert str(tmp_path / "out" / JSON_NAME) in str(err.value)


def test_terminal_summary(context: PlanInputs) -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=160, color_system=None)
    print_summary(
        console, view(context, power_section(), cost_section()), [Path("out/report.html")]
    )
    text = buffer.getvalue()
    assert "test-scenario" in text
    assert "350 racks planned" in text  # 100 + 250 in the base scenario
    assert "Rack power <by year>" in text
    assert "peak rack power 142 kW" in text
    assert "130,000" in text  # first table of the section
    assert "r7" in text and "r8" not in text  # 20 rows cut to 8
    assert "12 more rows in report.html" in text
    assert "wrote out/report.html" in text
    assert "stages: power 0.2 s, cost 1.5 s (total 1.8 s)" in text


def test_summary_into_a_pipe_keeps_each_row_on_one_line(context: PlanInputs) -> None:
    long_why = "the second source opens in 2028, after the last build of this generation"
    section = Section(
        key="why",
        title="Why",
        summary=["infeasible"],
        data={},
        tables=[Table("Explanation", ["rule", "item", "explanation"], [["dual", "gpu", long_why]])],
    )
    for terminal in (False, True):
        buffer = io.StringIO()
        console = Console(file=buffer, width=80, color_system=None, force_terminal=terminal)
        print_summary(console, view(context, section))
        text = buffer.getvalue()
        if terminal:  # a grid on the screen
            assert "│" in text and "rule: dual" not in text
        else:  # a pipe or a log: one line per row, nothing folded
            assert f"rule: dual; item: gpu; explanation: {long_why}" in text.splitlines()[-2]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "-"),
        (math.nan, "-"),
        (True, "yes"),
        (1234567, "1,234,567"),
        (1234567.4, "1,234,567"),
        (12500, "12,500"),
        (2026, "2026"),  # years and four-digit counts are not grouped
        (1500.0, "1500"),
        (-9999.6, "-10,000"),
        (12.3456, "12.3"),
        (3.0, "3"),
        (0.0123, "0.0123"),
        (2.5e-6, "2.5e-06"),
        (3.2e18, "3.2e+18"),
        ("gen1", "gen1"),
    ],
)
def test_format_cell(value: str | float | int | None, text: str) -> None:
    assert format_cell(value) == text


def test_chart_helpers_make_json_safe_figures() -> None:
    fig = bar(
        "Racks",
        ["a", "b"],
        {"x": [1, 2], "y": [3, 4]},
        stacked=True,
        x_title="site",
        y_title="racks",
    )
    assert fig.title == "Racks"
    assert [t["y"] for t in fig.plotly["data"]] == [[1, 2], [3, 4]]
    assert fig.plotly["layout"]["barmode"] == "stack"
    assert fig.plotly["layout"]["yaxis"]["title"]["text"] == "racks"
    json.dumps(fig.plotly)
    points = scatter(
        "Cost vs power",
        np.array([1.0, 2.0, 3.0]).tolist(),
        [4.0, 5.0, 6.0],
        labels=["p", "q", "r"],
        groups=["g1", "g2", "g1"],
        x_title="cost (USD)",
        y_title="power (W)",
        log_y=True,
    )
    traces = {t["name"]: t for t in points.plotly["data"]}
    assert traces["g1"]["x"] == [1.0, 3.0] and traces["g2"]["text"] == ["q"]
    assert points.plotly["layout"]["yaxis"]["type"] == "log"
    with pytest.raises(ValueError, match="3 values for 2 x positions"):
        line("bad", [1, 2], {"s": [1, 2, 3]}, x_title="x (m)", y_title="y (m)")


class _TagBalance(HTMLParser):
    """Records markup errors: an end tag that does not close the innermost open element."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "col", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1:]}")
        else:
            self.open.pop()


def test_html_markup_is_balanced(context: PlanInputs) -> None:
    html = render_reports(view(context, power_section(), cost_section()), WHEN)[HTML_NAME]
    checker = _TagBalance()
    checker.feed(html)
    checker.close()
    assert checker.errors == []
    assert checker.open == []


# -- charts: one look, titled axes, integer years, percent shares, guides ------------------------


def test_a_year_axis_gets_one_integer_tick_per_year() -> None:
    years = [2026, 2027, 2028, 2029]
    fig = line("Share", years, {"gen1": [0.1, 0.2, 0.4, 0.8]}, x_title="year", y_title="share")
    axis = fig.plotly["layout"]["xaxis"]
    assert axis["tickvals"] == years and axis["ticktext"] == ["2026", "2027", "2028", "2029"]
    # a long span is thinned to whole years, never to half years
    span = list(range(2000, 2041))
    axis = line("Long", span, {"s": [1.0] * len(span)}, x_title="year", y_title="racks").plotly[
        "layout"
    ]["xaxis"]
    assert len(axis["tickvals"]) <= 12
    assert all(isinstance(v, int) for v in axis["tickvals"]) and axis["tickvals"][0] == 2000
    # whole numbers on an axis that is no year axis keep Plotly's own ticks
    counts = line("GPUs", [1024, 2048], {"s": [1.0, 2.0]}, x_title="GPUs", y_title="days")
    assert "tickvals" not in counts.plotly["layout"]["xaxis"]


def test_every_chart_names_its_axes() -> None:
    with pytest.raises(ValueError, match="yaxis has no title"):
        bar("Racks", ["a"], {"x": [1]}, x_title="site", y_title="")
    fig = go.Figure([go.Scatter(x=[1, 2], y=[3, 4], xaxis="x2", yaxis="y2")])
    fig.update_layout(
        {"xaxis2": {"title": {"text": "days"}}, "yaxis2": {"title": {"text": "cost (USD)"}}}
    )
    assert figure_from(fig, "second axes").plotly["layout"]["xaxis2"]["title"]["text"] == "days"
    with pytest.raises(ValueError, match="xaxis2 has no title"):
        figure_from(go.Figure([go.Scatter(x=[1], y=[2], xaxis="x2")]), "untitled")


def test_shares_are_drawn_as_percent() -> None:
    fig = bar(
        "Share", ["a", "b"], {"s": [0.25, 0.5]}, x_title="rack", y_title="share", percent=True
    )
    assert fig.plotly["layout"]["yaxis"]["tickformat"] == ".0%"
    floors = line(
        "Cost", [0.0, 0.2], {"r": [1.0, 2.0]}, x_title="floor", y_title="cost", x_percent=True
    )
    assert floors.plotly["layout"]["xaxis"]["tickformat"] == ".0%"
    assert "tickformat" not in floors.plotly["layout"]["yaxis"]


def test_a_guide_on_a_log_axis_is_placed_at_its_value() -> None:
    fig = scatter(
        "Front",
        [12.0, 60.0, 2000.0],
        [30.0, 5.0, 4.0],
        x_title="days",
        y_title="cost (M USD)",
        log_x=True,
        x_range=AxisRange(9.6, 180.0),
        guides=[Guide("x", 90.0, "deadline 90 days")],
    )
    layout = fig.plotly["layout"]
    (shape,) = layout["shapes"]
    (label,) = layout["annotations"]
    assert shape["x0"] == shape["x1"] == 90.0  # Plotly places shapes by data value ...
    assert label["x"] == pytest.approx(math.log10(90.0))  # ... and annotations by its log10
    assert label["text"] == "deadline 90 days"
    assert layout["xaxis"]["range"] == pytest.approx([math.log10(9.6), math.log10(180.0)])
    assert layout["xaxis"]["ticktext"] == ["10", "20", "30", "50", "100"]
    assert fig.plotly["data"][0]["x"] == [12.0, 60.0, 2000.0]  # off-axis points stay in the data


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (9.6, 180.0, [10, 20, 30, 50, 100]),
        (0.15, 0.6, [0.2, 0.3, 0.5]),
        (400.0, 2500.0, [500, 1000, 2000]),
        (5.0, 5.0, []),
    ],
)
def test_log_ticks(low: float, high: float, ticks: list[float]) -> None:
    assert log_ticks(low, high) == pytest.approx(ticks)


@pytest.mark.parametrize(
    ("days", "deadline", "low", "high"),
    [
        ([12.0, 50.0, 2000.0], 90.0, 9.6, 180.0),  # twice the deadline
        ([200.0, 400.0], 90.0, 72.0, 300.0),  # none meets it: the fastest stays in view
    ],
)
def test_pareto_days_axis_is_bounded_by_the_deadline(
    days: list[float], deadline: float, low: float, high: float
) -> None:
    axis = days_axis(days, deadline)
    assert (axis.low, axis.high) == pytest.approx((low, high))


# -- tables: short by default, complete on demand, grouped --------------------------------------


@pytest.mark.parametrize(
    ("sizes", "shown"),
    [
        ([1] * 12, 12),  # hiding two rows saves nothing: all shown
        ([1] * 13, 10),
        ([2, 2, 2, 2, 3, 2, 1], 4),  # whole groups up to ten rows
        ([15, 1, 1, 1], 1),  # a first group longer than the cut is still shown whole
        ([1] * 5, 5),
    ],
)
def test_how_many_groups_a_long_table_shows(sizes: list[int], shown: int) -> None:
    assert shown_group_count(sizes, 10) == shown


def _grouped_table() -> Table:
    rows: list[list[str | float | int | None]] = [
        [f"part{p}", "compute", f"site{s}", 1000 * (9 - p) - s, "50.0%"]
        for p in range(7)
        for s in range(2)
    ]
    return Table("Spend", ["part", "subsystem", "site", "USD", "share"], rows, group_columns=2)


def test_a_grouped_table_spans_its_group_cells_and_cuts_between_groups() -> None:
    html = table_html(_grouped_table())
    assert html.count('<tbody class="group">') == 5  # 10 rows in view, whole groups
    assert html.count('<tbody class="group more">') == 2
    assert html.count('<th scope="rowgroup" rowspan="2">part0</th>') == 1
    assert html.count(">part0<") == 1  # the group's name once, not on each row
    assert 'data-rows="14" data-visible-rows="10"' in html
    assert ">Show all 14 rows</button>" in html and "(first 10 of 14 rows)" in html
    short = table_html(Table("Few", ["a"], [["x"], ["y"]]))
    assert "show-all" not in short and "more" not in short


def test_report_page_navigation_folding_and_provenance(context: PlanInputs) -> None:
    html = render_reports(view(context, power_section(), cost_section()), WHEN)[HTML_NAME]
    nav = html[html.index('<nav id="toc"') : html.index("</nav>")]
    assert 'data-fold="open"' in nav and 'data-fold="close"' in nav
    # every section folds: its title is the summary of an open <details>
    assert html.count('class="report-section"') == 4  # scenario, power, cost, provenance
    assert html.count("<details open><summary><h2") == 4
    # the 20-row cost table shows 10 rows, all 20 without script
    assert ">Show all 20 rows</button>" in html
    assert "<noscript><style>.table-box .more { display: table-row-group" in html
    # sources: the title is the link, the publisher's domain beside it, no address column
    cited = catalog_provenance(context)["sources"]
    published = [s for s in cited.values() if s["url"].startswith("http")]
    assert published
    for source in published:
        link = f'<a href="{escape(source["url"])}" rel="noreferrer">{escape(source["title"])}</a>'
        assert link in html
        assert f'<span class="publisher">{publisher(source["url"])}</span>' in html
    assert '<th scope="col">address</th>' not in html


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.nvidia.com/en-us/data-center/gb300-nvl72/", "nvidia.com"),
        ("https://nvidianews.nvidia.com/news/x", "nvidianews.nvidia.com"),
        ("http://203.0.113.7/page", "203.0.113.7"),
        ("", ""),
        ("internal memo 2025-11", ""),
    ],
)
def test_publisher_is_the_address_host(url: str, host: str) -> None:
    assert publisher(url) == host
