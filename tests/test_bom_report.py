"""The ``bom`` report section on the default scenario."""

from __future__ import annotations

import pytest

from conftest import default_inputs, plan_section


def test_bom_section_prices_every_generation_and_compares_with_targets() -> None:
    ctx = default_inputs()
    section = plan_section(ctx, "bom")
    rows = section.data["generations"]
    assert [r["rack"] for r in rows] == [
        g.rack for g in sorted(ctx.scenario.generations, key=lambda g: (g.first_year, g.rack))
    ]
    for row in rows:
        by_subsystem = row["baseline"]["by_subsystem_usd"]
        assert sum(by_subsystem.values()) == pytest.approx(row["baseline"]["total_cost_usd"])
        assert row["target"] == ctx.scenario.domestic_target(row["year"])
        assert row["domestic"]["share"] >= row["baseline_domestic"]["share"]
        foreign = [x["extended_cost_usd"] for x in row["top_foreign"]]
        assert foreign == sorted(foreign, reverse=True)
        assert all(x["country"] != "US" for x in row["top_foreign"])
    stacked = section.figures[0].plotly
    assert stacked["layout"]["barmode"] == "stack"
    assert len(stacked["data"]) == 7  # one trace per subsystem
    per_subsystem = {t["name"]: t["y"] for t in section.figures[2].plotly["data"]}
    assert per_subsystem["scenario target"] == [r["target"] for r in rows]
    cooling = [
        next(x["share"] for x in r["domestic"]["by_subsystem"] if x["subsystem"] == "cooling")
        for r in rows
    ]
    assert per_subsystem["cooling"] == pytest.approx(cooling)
    trajectory = section.data["trajectory"]
    years = range(ctx.scenario.horizon.start_year, ctx.scenario.horizon.end_year + 1)
    assert trajectory["target"] == [ctx.scenario.domestic_target(y) for y in years]
    assert len(section.summary) == len(rows)
