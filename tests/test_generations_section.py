"""The generations comparison section against published rack figures."""

from __future__ import annotations

import dataclasses
import json

import pytest

from conftest import default_inputs, plan_section
from rackwright.chain import PlanInputs
from rackwright.report.section import Section
from rackwright.scenario import Generation


@pytest.fixture(scope="module")
def default_ctx() -> PlanInputs:
    return default_inputs()


def _with(ctx: PlanInputs, *racks: str) -> PlanInputs:
    gens = [Generation(rack=r, first_year=2026) for r in racks]  # U.S. integration from 2026
    scenario = ctx.scenario.model_copy(update={"generations": gens, "builds": []})
    return dataclasses.replace(ctx, scenario=scenario, scenario_file="test")


def _section(ctx: PlanInputs) -> Section:
    return plan_section(ctx, "generations")


def test_gb200_rack_figures_match_nvidia(default_ctx: PlanInputs) -> None:
    section = _section(_with(default_ctx, "ref-gb200-nvl72", "ref-dgx-h100-4x"))
    gb200, dgx = section.data["generations"]
    # NVIDIA GB200 NVL72: 360 PF dense FP8, 720 PF dense FP4, ~13.4 TB HBM (S41)
    assert gb200["fp8_flops_per_s"] == pytest.approx(360e15)
    assert gb200["fp4_flops_per_s"] == pytest.approx(720e15)
    assert gb200["hbm_bytes"] == pytest.approx(13.4e12, rel=0.01)
    # cost per dense FP8 PFLOP/s from the BOM roll-up (published ~$3.0-3.4M per rack), the
    # catalog's $3.2M list price shown beside it; power per PFLOP/s from the rack's max
    assert gb200["cost_usd"] == pytest.approx(3.2e6, rel=0.06)
    assert gb200["cost_basis"].startswith("BOM roll-up")
    assert gb200["list_price_usd"] == pytest.approx(3.2e6)
    assert gb200["usd_per_fp8_pflops"] == pytest.approx(gb200["cost_usd"] / 360)
    assert gb200["w_per_fp8_pflops"] == pytest.approx(gb200["power_max_w"] / 360)
    assert gb200["power_per_rack_unit_w"] == pytest.approx(gb200["power_max_w"] / 48)
    # 4 DGX H100: 32 x 1,978.9 TFLOP/s dense FP8, 40.8 kW, no FP4
    assert dgx["fp8_flops_per_s"] == pytest.approx(32 * 1978.9e12)
    assert dgx["power_max_w"] == pytest.approx(40_800.0)
    assert dgx["fp4_flops_per_s"] is None


def test_default_scenario_generations_get_cheaper_and_leaner_per_pflops(
    default_ctx: PlanInputs,
) -> None:
    section = _section(default_ctx)
    rows = section.data["generations"]
    assert [r["rack"] for r in rows] == [g.rack for g in default_ctx.scenario.generations]
    watts = [r["w_per_fp8_pflops"] for r in rows]
    assert watts == sorted(watts, reverse=True)
    assert rows[-1]["power_max_w"] > rows[0]["power_max_w"]
    assert len(section.summary) == len(rows)
    table = section.tables[0]
    assert table.columns[1:] == [r["rack"] for r in rows]
    assert all(len(row) == len(table.columns) for row in table.rows)


def test_section_is_json_safe(default_ctx: PlanInputs) -> None:
    section = _section(default_ctx)
    json.dumps(section.data)
    # price and power per PFLOP/s are two charts: thousands of dollars and watts share no axis
    assert [f.title for f in section.figures] == [
        "Dense compute per rack",
        "Power per rack",
        "Rack cost per dense FP8 PFLOP/s",
        "Max power per dense FP8 PFLOP/s",
    ]
    for figure in section.figures:
        text = json.dumps(figure.plotly)
        assert '"type": "bar"' in text
        assert len({t.get("yaxis", "y") for t in figure.plotly["data"]}) == 1
