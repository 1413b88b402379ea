"""The sourcing report section on the default scenario."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json

from conftest import default_inputs, plan_sections
from rackwright.report.section import Section


@functools.cache
def _sourcing_run() -> tuple[dict[str, Section], tuple[str, ...]]:
    """The sourcing stage on the default scenario (solved once for this module), and the status
    lines it reported while it ran."""
    lines: list[str] = []
    base = default_inputs()
    inputs = dataclasses.replace(
        base, settings=dataclasses.replace(base.settings, status=lines.append)
    )
    return plan_sections(inputs, "sourcing"), tuple(lines)


def test_a_waiting_user_sees_the_search_incumbent_and_gap() -> None:
    _, lines = _sourcing_run()
    searching = [line for line in lines if line.startswith("plan: ")]
    assert searching, lines
    # once a plan is known the line says what it costs and how far from proven it is
    assert any("BUSD, gap" in line for line in searching), searching
    assert lines[-1].startswith("cost-vs-floor curves")


def test_sourcing_section_explains_prices_floors_and_shows_gaps() -> None:
    sections, _ = _sourcing_run()
    assert list(sections) == ["bom", "sourcing"]  # it reads the BOM stage, nothing else
    section = sections["sourcing"]
    assert section.key == "sourcing"
    json.dumps(section.data)  # report.json must be able to hold it
    # the default scenario has a plan under its own rules: the dual-source rule waits for the
    # second site (Amkor Peoria opens in 2028), so nothing needs relaxing
    assert section.data["explanation"] == []
    assert section.data["dual_share_relaxed"] is False
    plan = section.data["plan"]
    assert plan["has_plan"] is True
    assert plan["bound_usd"] <= plan["objective_usd"]
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


def test_both_domestic_measures_sit_side_by_side_under_one_target() -> None:
    sections, _ = _sourcing_run()
    boms = sections["bom"].data["generations"]
    table = next(t for t in sections["sourcing"].tables if "two measures" in t.title)
    assert [row[0] for row in table.rows] == [g["rack"] for g in boms]
    for row, gen in zip(table.rows, boms, strict=True):
        # the component-value column is the BOM section's figure, not a second computation
        assert row[3] == f"{gen['domestic']['share']:.1%}"
        assert row[2] == f"{gen['target']:.1%}"
    assert "compliance measure" in (table.note or "")
