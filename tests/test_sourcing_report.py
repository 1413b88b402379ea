"""The sourcing report section on the default scenario."""

from __future__ import annotations

import itertools
import json

from conftest import default_inputs, plan_sections


def test_sourcing_section_explains_prices_floors_and_shows_gaps() -> None:
    sections = plan_sections(default_inputs(), "sourcing")
    # it reads the BOM stage and the demand stage's build plan (the [[build]] lots here)
    assert list(sections) == ["workloads", "demand", "rack", "bom", "sourcing"]
    section = sections["sourcing"]
    assert section.key == "sourcing"
    json.dumps(section.data)  # report.json must be able to hold it
    # the scenario's 20 % dual-source share is infeasible and explained, then re-planned
    assert section.data["explanation"]
    assert section.data["dual_share_relaxed"] is True
    plan = section.data["plan"]
    assert plan["has_plan"] is True
    for period in plan["periods"]:
        assert period["domestic_share"] >= period["floor"] - 1e-6
    # cost per rack never falls as the hard domestic floor rises (curve gaps = no plan)
    for gen in section.data["cost_curve"]:
        priced = [p for p in gen["points"] if p["cost_per_rack_usd"] is not None]
        assert priced, gen["rack"]
        # a point's true optimum is within its gap below the plan found
        for a, b in itertools.pairwise(priced):
            assert b["cost_per_rack_usd"] >= a["cost_per_rack_usd"] * (1 - a["gap"]) - 1e-6
    titles = [t.title for t in section.tables]
    assert "Capacity gaps: offers shipping at full capacity" in titles
    assert section.figures[0].title == "Landed cost per rack vs domestic-content floor"
