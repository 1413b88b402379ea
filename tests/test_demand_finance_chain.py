"""Demand, TCO and the decision in the plan chain: one figure, one source, one consistent run.

- `rackwright tco --json` and `demand --json` show exactly the plan's tco, decision and demand data;
- with ``build = "from-demand"`` the factory plans the racks the demand stage implies (and twice
  the demand never builds fewer), while explicit [[build]] lots stand unchanged;
- the finance defaults and an evaluation program are inputs of the plan: they change its hash.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import RunCli, default_inputs, edit, plan_sections
from rackwright.chain import PlanInputs, Upstream
from rackwright.demand.stage import DEMAND, with_build_plan
from rackwright.factory.stage import FACTORY
from rackwright.finance.stage import DECISION, TCO
from rackwright.plan import InputRequest, prepare, run_only, run_plan
from rackwright.scenario import default_scenario_text

EXAMPLE_PROGRAM = Path(__file__).resolve().parent.parent / "examples/early_access/program.toml"
FROM_DEMAND = ('build = "explicit"', 'build = "from-demand"')


def _scenario(tmp_path: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = default_scenario_text()
    for old, new in edits:
        text = edit(text, old, new)
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _plan_json(cli: RunCli, tmp_path: Path, *args: str | Path) -> dict[str, Any]:
    result = cli("plan", *args, "--out", tmp_path / "out", "--json")
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def test_tco_command_shows_the_plans_tco_and_decision(cli: RunCli, tmp_path: Path) -> None:
    result = cli("tco", "--json")
    assert result.code == 0, result.err
    command = json.loads(result.out)
    sections = _plan_json(cli, tmp_path, "--only", "tco", "--only", "decision")["sections"]
    plan_tco, plan_decision = sections["tco"]["data"], sections["decision"]["data"]
    for key in ("racks", "workloads", "tornado", "facility", "assumptions"):
        assert command[key] == plan_tco[key], key
    assert command["decision"] == plan_decision["decision"]
    assert command["demand_check"] == plan_decision["demand_check"]
    # and the rack's capex in both is the BOM stage's price of the rack, never its list price
    bom = sections["bom"]["data"]["prices"]
    for row in command["racks"]:
        assert row["rack_capex_usd"] == bom[row["rack"]]["usd"]
        assert row["rack_capex_usd"] != bom[row["rack"]]["list_price_usd"]


def test_demand_command_shows_the_plans_demand(cli: RunCli, tmp_path: Path) -> None:
    result = cli("demand", "--json")
    assert result.code == 0, result.err
    plan = _plan_json(cli, tmp_path, "--only", "demand")["sections"]["demand"]["data"]
    assert json.loads(result.out) == plan


def _factory_made(inputs: PlanInputs) -> dict[tuple[str, str], float]:
    ramp = run_only(inputs, FACTORY.key).result(FACTORY).ramp
    return {(r.rack_id, r.period): r.demand for r in ramp.racks if r.demand}


def test_from_demand_racks_feed_the_factory_and_more_demand_never_builds_fewer(
    tmp_path: Path,
) -> None:
    base = prepare(InputRequest(scenario=_scenario(tmp_path, "base", FROM_DEMAND)))
    doubled = prepare(
        InputRequest(
            scenario=_scenario(
                tmp_path,
                "doubled",
                FROM_DEMAND,
                ("inference_start_multiple = 7.2", "inference_start_multiple = 14.4"),
                ("training_start_multiple = 5.0", "training_start_multiple = 10.0"),
            )
        )
    )
    totals = []
    for inputs in (base, doubled):
        builds = run_only(inputs, DEMAND.key).result(DEMAND).builds
        planned = _factory_made(inputs)
        # the factory's ramp is asked for exactly the racks the demand stage implies
        assert planned == {(b.rack, b.period): float(b.racks) for b in builds}
        assert builds != tuple(inputs.scenario.builds)  # not the scenario's [[build]] lots
        totals.append(sum(planned.values()))
    assert totals[1] >= totals[0] > 0


def test_explicit_builds_stand_and_the_demand_section_shows_their_gap() -> None:
    inputs = default_inputs()
    run = run_only(inputs, DEMAND.key)
    demand = run.result(DEMAND)
    assert demand.builds == tuple(inputs.scenario.builds)
    assert with_build_plan(inputs, Upstream("factory", run.results)) is inputs
    section = plan_sections(inputs, "demand")["demand"]
    projection = demand.projection
    assert projection is not None
    explicit = sum(g.explicit_racks for g in projection.gap)
    implied = sum(g.from_demand_racks for g in projection.gap)
    assert explicit == sum(b.racks for b in inputs.scenario.builds)
    gap_line = next(s for s in section.summary if "explicit [[build]] plan" in s)
    assert f"{explicit:,}" in gap_line and f"{implied:,}" in gap_line
    assert f"({explicit - implied:+,})" in gap_line


def test_finance_defaults_and_an_evaluation_are_hashed_inputs() -> None:
    plain = default_inputs()
    assert any(f.name.startswith("rackwright.finance.data/") for f in plain.digest.files)
    assert plain.finance.assumptions.sources_of("cost_of_capital")  # loaded with its sources
    evaluated = prepare(InputRequest(evaluation=EXAMPLE_PROGRAM))
    roles = {f.role for f in evaluated.digest.files}
    assert "evaluation" in roles
    assert evaluated.digest.content_hash != plain.digest.content_hash
    decision = run_only(evaluated, DECISION.key).result(DECISION)
    assert decision.evaluation is not None and decision.decision is not None
    ratio = decision.evaluation.throughput_ratio
    assert ratio is not None
    assert decision.decision.inputs.option.throughput_ratio == pytest.approx(ratio)


def test_a_plan_without_demand_or_option_still_plans(tmp_path: Path) -> None:
    text = default_scenario_text()
    start = text.index("\n[demand]\n")
    end = text.index("\n# ---", text.index("\n[purchase_option]\n"))
    path = tmp_path / "bare.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    inputs = prepare(InputRequest(scenario=path))
    outcome = run_plan(inputs, only=["decision", "tco"])
    sections = {s.key: s for s in outcome.view.sections}
    assert "no [demand] block" in sections["demand"].summary[0]
    assert "no [purchase_option]" in sections["decision"].summary[0]
    assert outcome.run.result(DEMAND).builds == tuple(inputs.scenario.builds)
    assert len(outcome.run.result(TCO).study.racks) == 3
