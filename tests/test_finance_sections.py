"""The demand, TCO and decision report sections: charts that add up to the stages' figures, the
memo with what would flip it, the three report formats, and what crosses the party wall."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from rich.console import Console

from conftest import default_inputs
from rackwright.demand.stage import DEMAND, DemandStageResult
from rackwright.finance.stage import DECISION, TCO, DecisionStageResult, TcoStageResult
from rackwright.plan import PlanOutcome, run_plan
from rackwright.rack.stage import RACK
from rackwright.report import HTML_NAME, JSON_NAME, render_reports
from rackwright.report.section import Figure, Section
from rackwright.report.terminal import print_summary
from rackwright.store.aggregates import stage_access, stage_view


@pytest.fixture(scope="module")
def outcome() -> PlanOutcome:
    return run_plan(default_inputs(), only=["demand", "tco", "decision"])


def _section(outcome: PlanOutcome, key: str) -> Section:
    return next(s for s in outcome.view.sections if s.key == key)


def _traces(figure: Figure) -> dict[str, list[Any]]:
    return {t["name"]: t["y"] if t.get("orientation") != "h" else t["x"]
            for t in figure.plotly["data"]}  # fmt: skip


def _figure(section: Section, starts: str) -> Figure:
    return next(f for f in section.figures if f.title.startswith(starts))


def test_demand_charts_add_up_to_the_stages_racks_and_megawatts(outcome: PlanOutcome) -> None:
    section = _section(outcome, "demand")
    result: DemandStageResult = outcome.run.result(DEMAND)
    assert result.projection is not None
    racks = outcome.run.result(RACK)
    pue = default_inputs().catalog.facility("us-tx").pue_ratio
    cases = result.projection.cases
    assert len([f for f in section.figures if "racks installed per generation" in f.title]) == 3
    mw = _traces(_figure(section, "Facility power"))
    gpus = _traces(_figure(section, "GPUs installed"))
    for case in cases:
        periods = list(dict.fromkeys(g.period for g in case.generations))
        expected_mw = [
            sum(
                g.racks_installed * racks.analysis(g.rack).power_typical_w * pue / 1e6
                for g in case.generations
                if g.period == p
            )
            for p in periods
        ]
        assert mw[case.case.name] == pytest.approx(expected_mw)
        stacked = _traces(_figure(section, f"Case {case.case.name}:"))
        for i, p in enumerate(periods):
            installed = sum(g.racks_installed for g in case.generations if g.period == p)
            assert sum(series[i] for series in stacked.values()) == installed
            gpu_count = sum(
                g.racks_installed * racks.analysis(g.rack).gpus_count
                for g in case.generations
                if g.period == p
            )
            assert gpus[case.case.name][i] == gpu_count


def test_tco_breakdown_stacks_to_the_rack_year_and_the_tornado_spans_each_range(
    outcome: PlanOutcome,
) -> None:
    section = _section(outcome, "tco")
    study = outcome.run.result(TCO).study
    parts = _traces(_figure(section, "TCO per rack-year by part"))
    for i, rack in enumerate(study.racks):
        assert sum(p[i] for p in parts.values()) == pytest.approx(rack.tco_usd_per_rack_year)
    first = study.tornados[0]
    chart = _figure(section, f"Sensitivity of {first.subject}")
    low, high = chart.plotly["data"]
    widest = first.bars[0]
    # Plotly draws the last category on top: the widest bar is the last one, drawn from the base
    assert low["y"][-1].startswith(widest.label) and low["base"] == pytest.approx(first.base)
    assert first.base + low["x"][-1] == pytest.approx(widest.result_at_low)
    assert first.base + high["x"][-1] == pytest.approx(widest.result_at_high)
    assert chart.plotly["layout"]["xaxis"]["title"]["text"] == "USD per rack-year"


def test_decision_memo_names_the_flips_and_the_demand_behind_it(outcome: PlanOutcome) -> None:
    section = _section(outcome, "decision")
    result: DecisionStageResult = outcome.run.result(DECISION)
    decision = result.decision
    assert decision is not None and result.demand is not None
    scenario = default_inputs().scenario
    option = scenario.purchase_option
    assert option is not None
    # the deadline (2026-09-30) falls in 2026Q3: the plan's gen-1 racks up to then
    by_deadline = sum(
        b.racks for b in scenario.builds if b.rack == option.rack and b.period <= "2026Q3"
    )
    assert result.demand.plan_racks == by_deadline
    assert any(f"{by_deadline:,} {option.rack} racks by 2026Q3" in line for line in section.summary)
    assert decision.verdict.value in section.summary[0]
    closest = decision.flips[0]
    move = closest.move(closest.nearest)
    assert move is not None
    flips = next(t for t in section.tables if t.title.startswith("What would flip"))
    assert flips.rows[0][0] == closest.label
    assert f"{move:+.0%}" in [str(c) for c in flips.rows[0]]
    npv = _figure(section, "Sensitivity of exercise")
    assert npv.plotly["data"][0]["base"] == pytest.approx(decision.figures.exercise_npv_usd)


def test_the_three_sections_reach_html_json_and_terminal(outcome: PlanOutcome) -> None:
    files = render_reports(outcome.view)
    html = files[HTML_NAME].decode() if isinstance(files[HTML_NAME], bytes) else files[HTML_NAME]
    data = json.loads(files[JSON_NAME])
    buffer = io.StringIO()
    print_summary(Console(file=buffer, width=120), outcome.view, [])
    for key in ("demand", "tco", "decision"):
        assert f'id="section-{key}"' in html
        assert data["sections"][key]["summary"] == _section(outcome, key).summary
        assert _section(outcome, key).title in buffer.getvalue()


def test_the_manufacturer_sees_the_lab_demand_in_racks_only(outcome: PlanOutcome) -> None:
    demand = _section(outcome, "demand")
    stored = {"summary": demand.summary, "data": demand.data, "notes": demand.notes}
    access = stage_access("demand", "manufacturer", is_owner=False)
    assert access == "aggregate"
    seen = json.dumps(stage_view("demand", stored, access))
    result: DemandStageResult = outcome.run.result(DEMAND)
    assert result.projection is not None
    for secret in ("assistant-serving", "frontier-pretrain", "growth", "tokens_per_s"):
        assert secret not in seen
    case = result.projection.case(result.projection.build_case)
    shown = stage_view("demand", stored, access)["data"]["build_case_racks"]
    assert sum(sum(q.values()) for q in shown.values()) == sum(n for *_, n in case.builds())
    for key in ("tco", "decision"):
        assert stage_access(key, "manufacturer", is_owner=False) == "withheld"
        assert stage_access(key, "lab", is_owner=False) == "full"


def test_tco_stage_result_is_the_tco_json_without_the_decision(outcome: PlanOutcome) -> None:
    result: TcoStageResult = outcome.run.result(TCO)
    data = result.to_json()
    assert "decision" not in data and data["racks"][0]["rack"] == result.racks[0].rack_id
