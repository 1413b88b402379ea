"""The rack engineering plan section: a rule x generation table, chart and summary lines."""

from __future__ import annotations

import json

import pytest

from conftest import default_inputs, plan_section
from rackwright.chain import PlanInputs
from rackwright.rack import rule_ids
from rackwright.report.section import Section


@pytest.fixture(scope="module")
def ctx() -> PlanInputs:
    return default_inputs()


def _section(ctx: PlanInputs) -> Section:
    return plan_section(ctx, "rack")


def test_every_rule_for_every_generation(ctx: PlanInputs) -> None:
    section = _section(ctx)
    racks = [g.rack for g in ctx.scenario.generations]
    matrix = section.tables[0]
    assert matrix.columns == ["rule", *racks]
    assert len(matrix.rows) == len(rule_ids())
    supplies = section.tables[1]
    assert [row[0] for row in supplies.rows] == racks
    # N+1 is one more than N, N+N twice N, for every rack with shelves
    for row in supplies.rows:
        n = row[3]
        assert isinstance(n, int)
        assert row[4:6] == [n + 1, 2 * n]
    details = section.tables[2]
    assert len(details.rows) == len(rule_ids()) * len(racks)
    statuses = {row[2] for row in details.rows}
    assert statuses <= {"pass", "warn", "fail", "n/a"}


def test_summary_lines_count_each_status(ctx: PlanInputs) -> None:
    section = _section(ctx)
    data = section.data["racks"]
    for line, report in zip(section.summary, data, strict=False):
        counts = report["counts"]
        assert line.startswith(f"{report['rack']}: {counts['pass']} pass, {counts['warn']} warn")
        assert sum(counts.values()) == len(rule_ids())
    # every warn or fail is named with its explanation
    flagged = sum(r["counts"]["warn"] + r["counts"]["fail"] for r in data)
    assert len(section.summary) == len(data) + flagged


def test_chart_plots_use_of_limits_per_generation(ctx: PlanInputs) -> None:
    section = _section(ctx)
    figure = section.figures[0].plotly
    json.dumps(figure)
    assert [t["name"] for t in figure["data"]] == [g.rack for g in ctx.scenario.generations]
    busbar = section.data["racks"][0]["results"]
    use = {r["rule"]: r["utilisation"] for r in busbar}
    trace = figure["data"][0]
    assert trace["orientation"] == "h"  # one bar per rule, the rules' long names on the y axis
    by_title = dict(zip(trace["y"], trace["x"], strict=True))
    assert by_title["Busbar current"] == pytest.approx(100 * use["busbar_current"])
