"""The risk stage on the chain: the default scenario's plan, its report section and lab view,
``rackwright risk`` and ``risk export``, whose file ``bench ttr`` reads back to the same numbers.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import BASE_SCENARIO, RunCli, default_inputs
from rackwright.bom.stage import BOM
from rackwright.chain import ChainRun, PlanInputs
from rackwright.chain.stage import Upstream
from rackwright.optim import SolveStatus
from rackwright.plan import InputRequest, PlanOutcome, prepare, run_plan
from rackwright.report.sections import risk as risk_section
from rackwright.risk import load_network, save_network
from rackwright.risk.compare import PlanComparison
from rackwright.risk.domestic import DOMESTIC_UPLIFTS, domestic_plan
from rackwright.risk.network_from_plan import NodeRole
from rackwright.risk.stage import DEFAULT_TRIALS, RISK, RiskAssessment, RiskStageResult, assess
from rackwright.scenario import default_scenario_text
from rackwright.sourcing.result import SourcingResult
from rackwright.sourcing.stage import SOURCING, SourcingStageResult, parts_by_rack
from rackwright.store.aggregates import stage_access, stage_view


@pytest.fixture(scope="module")
def default_plan() -> PlanOutcome:
    """The embedded default scenario through the stages the risk stage needs."""
    return run_plan(default_inputs(), only=["risk"])


def _assessment(outcome: PlanOutcome) -> RiskAssessment:
    result: RiskStageResult = outcome.run.result(RISK)
    assert result.assessment is not None, result.skipped
    return result.assessment


def test_the_default_plans_red_flags_run_dry_before_recovery(default_plan: PlanOutcome) -> None:
    # only what it needs: the demand stage (and the workloads its rates come from) for the builds
    assert default_plan.run.order == ("rack", "bom", "workloads", "demand", "sourcing", "risk")
    risk = _assessment(default_plan)
    analysis = risk.analysis
    assert analysis.red_flags(), "the default plan has single-site parts: some red flags"
    for s in analysis.scenarios:
        assert s.red_flag == (s.tts < s.ttr), s.id
        if s.red_flag:
            assert s.shortfall_window == (s.tts, s.ttr)
    # every node with a TTR and every group is a scenario: the README's set, nothing else
    net = risk.plan_network.network
    assert len(analysis.scenarios) == sum(n.ttr is not None for n in net.nodes) + len(net.groups)
    taiwan = analysis.scenario("policy:taiwan-26w")
    assert taiwan.ttr == 26 and taiwan.loss > 0
    assert taiwan.loss >= analysis.scenario("country:TW").loss  # the same sites, twice as long
    assert risk.montecarlo.trials == DEFAULT_TRIALS
    assert risk.montecarlo.seed == default_inputs().settings.seed


def test_the_default_plans_network_covers_the_window_generations(
    default_plan: PlanOutcome,
) -> None:
    plan = _assessment(default_plan).plan_network
    scenario = default_inputs().scenario
    built = {b.rack for b in scenario.builds if b.period == plan.window}
    assert {p.rack for p in plan.products} == built
    for product in plan.products:
        racks = sum(b.racks for b in scenario.builds if b.period == plan.window and
                    b.rack == product.rack)  # fmt: skip
        assert product.racks_per_week == pytest.approx(racks / 13)
    lines = [i for i in plan.nodes if i.role is NodeRole.INTEGRATION]
    assert {s.site for s in scenario.sites} <= {i.site for i in lines}


def test_the_report_section_ranks_maps_and_sizes(default_plan: PlanOutcome) -> None:
    section = next(s for s in default_plan.view.sections if s.key == "risk")
    titles = [t.title for t in section.tables]
    assert titles[0].startswith("Risk exposure index")
    ranking = section.tables[0].rows
    losses = [row[4] for row in ranking]
    assert losses == sorted(losses, reverse=True)
    assert any(t.startswith("Red flags") for t in titles)
    assert any(t.startswith("Mitigations") for t in titles)
    assert any(t.startswith("Monte Carlo") for t in titles)
    heat = next(f for f in section.figures if f.title.startswith("Exposure by country"))
    trace = heat.plotly["data"][0]
    assert trace["type"] == "heatmap"
    layout = heat.plotly["layout"]
    assert layout["xaxis"]["title"]["text"] and layout["yaxis"]["title"]["text"]
    assert "TW" in trace["y"] and "compute" in trace["x"]
    json.dumps(section.data)  # report.json carries it as is


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_the_lab_sees_the_ranking_but_no_prices_capacities_or_losses(
    default_plan: PlanOutcome,
) -> None:
    section = next(s for s in default_plan.view.sections if s.key == "risk")
    assert stage_access("risk", "lab", is_owner=False) == "aggregate"
    seen = stage_view("risk", {"summary": section.summary, "data": section.data}, "aggregate")
    ranking = seen["data"]["ranking"]
    assert [r["id"] for r in ranking] == section.data["ranking"]
    assert ranking[0]["rei"] == 1.0
    assert not _keys(seen) & {"loss", "capacity", "unit_cost", "inventory", "loss_weight_usd"}
    assert seen["summary"] == []


def scenario_of(years: str) -> str:
    """The default scenario with only the builds of ``years`` (a regular expression)."""
    lots = re.compile(r'\[\[build\]\]\nrack = "[^"]+"\nperiod = "(\d{4})Q\d"\nracks = \d+\n\n?')
    return lots.sub(lambda m: m.group(0) if re.fullmatch(years, m.group(1)) else "",
                    default_scenario_text())  # fmt: skip


@pytest.fixture(scope="module")
def small_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default scenario's 2027 builds: two generations, a plan found in seconds."""
    path = tmp_path_factory.mktemp("risk") / "program-2027.toml"
    path.write_text(scenario_of("2027"), encoding="utf-8")
    return path


def test_risk_runs_the_plan_stage_by_default_and_keeps_the_file_commands(
    cli: RunCli, small_scenario: Path, tmp_path: Path
) -> None:
    by_default = cli("risk", small_scenario, "--json", "--seed", "5")
    assert by_default.code == 0, by_default.err
    data = json.loads(by_default.out)
    assert data["network"]["from_plan"] is True  # 2027 alone solves within the time limit
    assert data["montecarlo"]["seed"] == 5
    named = cli("risk", "plan", small_scenario, "--json", "--seed", "5")
    assert json.loads(named.out)["analysis"] == data["analysis"]
    shown = cli("risk", small_scenario, "--top", "5")
    assert shown.code == 0, shown.err
    assert "policy:taiwan-26w" in shown.out and "Monte Carlo" in shown.out
    teaching = Path(__file__).parents[2] / "shared/data/risk/teaching_case.toml"
    assert cli("risk", "analyze", teaching, "--json").code == 0


def test_export_then_bench_ttr_gives_the_stage_numbers(
    cli: RunCli, small_scenario: Path, tmp_path: Path
) -> None:
    out = tmp_path / "net.toml"
    exported = cli("risk", "export", small_scenario, "--out", out)
    assert exported.code == 0, exported.err
    assert "wrote" in exported.out and out.is_file()
    assert out.read_text(encoding="utf-8").startswith("# Supply network of scenario")
    bench = cli("bench", "ttr", out, "--json")
    assert bench.code == 0, bench.err
    stage = cli("risk", small_scenario, "--json")
    expected = [
        {k: s[k] for k in ("id", "disrupted", "ttr", "loss", "rei", "tts", "red_flag")}
        for s in json.loads(stage.out)["analysis"]["scenarios"]
    ]
    assert json.loads(bench.out)["scenarios"] == expected


def test_export_refuses_an_unwritable_target_before_solving(
    cli: RunCli, small_scenario: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = cli("risk", "export", small_scenario, "--out", blocker / "net.toml")
    assert result.code == 2 and len(result.err_lines) == 1
    assert str(blocker) in result.err
    missing = cli("risk", tmp_path / "nope.toml")
    assert missing.code == 2
    assert missing.err_lines == [f"error: {tmp_path / 'nope.toml'}: file not found"]


@pytest.fixture(scope="module")
def small_plan(small_scenario: Path) -> PlanOutcome:
    return run_plan(prepare(InputRequest(scenario=small_scenario)), only=["risk"])


def test_local_and_ray_give_the_stage_the_same_numbers(
    small_plan: PlanOutcome, ray_cluster: None
) -> None:
    plan = _assessment(small_plan).plan_network
    local = assess(plan, trials=2_000, seed=3, executor="local")
    ray = assess(plan, trials=2_000, seed=3, executor="ray")
    assert ray.analysis == local.analysis and ray.montecarlo == local.montecarlo


def test_a_plan_whose_racks_cannot_be_priced_is_not_assessed(
    write_scenario: Callable[[str], Path],
) -> None:
    # the fixture's test sites have no integration offer: the BOM prices no generation
    inputs: PlanInputs = prepare(InputRequest(scenario=write_scenario(BASE_SCENARIO)))
    one_lot = inputs.scenario.model_copy(update={"builds": inputs.scenario.builds[:1]})
    result: RiskStageResult = run_plan(
        dataclasses.replace(inputs, scenario=one_lot), only=["risk"]
    ).run.result(RISK)
    assert result.assessment is None
    assert "could not price" in result.skipped and "2026Q3" in result.skipped
    assert result.to_json() == {"skipped": result.skipped}


def test_the_network_file_reads_back_as_the_stage_network(
    small_plan: PlanOutcome, tmp_path: Path
) -> None:
    plan = _assessment(small_plan).plan_network
    save_network(tmp_path / "n.toml", plan.network)
    assert load_network(tmp_path / "n.toml") == plan.network


def test_a_sourcing_stage_without_a_plan_falls_back_to_the_bom_offers_and_says_so(
    small_plan: PlanOutcome,
) -> None:
    inputs = small_plan.view.inputs
    found: SourcingStageResult = small_plan.run.result(SOURCING)
    assert found.plan.has_plan  # the same run, less the plan: as when sourcing times out
    lost = dataclasses.replace(
        found.plan, status=SolveStatus.TIME_LIMIT, has_plan=False, orders=(), qualified=()
    )
    results = {**small_plan.run.results, "sourcing": dataclasses.replace(found, plan=lost)}
    result = RISK.run(inputs, Upstream("risk", {k: results[k] for k in RISK.needs}))
    assert result.assessment is not None, result.skipped
    plan = result.assessment.plan_network
    assert not plan.from_plan and "sourcing time_limit, no plan" in plan.basis
    assert all(n.inventory == 0 for n in plan.network.nodes)  # no orders: nothing in hand
    section = risk_section.present(
        inputs, ChainRun(small_plan.run.order, {**results, "risk": result}, {})
    )
    assert "no plan" in section.summary[0]
    assert result.assessment.comparison is None  # nothing to compare the fallback with
    assert any("found no plan" in note for note in section.notes)
    titles = [t.title for t in section.tables]
    for table in ("Risk exposure index", "Red flags", "Monte Carlo", "Mitigations"):
        assert any(t.startswith(table) for t in titles), table
    assert any(f.title.startswith("Exposure by country") for f in section.figures)


def _comparison(outcome: PlanOutcome) -> PlanComparison:
    comparison = _assessment(outcome).comparison
    assert comparison is not None, _assessment(outcome).comparison_skipped
    return comparison


def test_the_domestic_leaning_plan_buys_us_share_and_costs_at_least_the_plan(
    small_plan: PlanOutcome,
) -> None:
    comparison = _comparison(small_plan)
    plan = small_plan.run.result(SOURCING).plan
    scenario = small_plan.view.inputs.scenario
    assert comparison.uplift in DOMESTIC_UPLIFTS
    assert all(u > comparison.uplift for u in comparison.tried_without_plan)
    for period, floor in comparison.floors.items():
        # every quarter's floor is the scenario's target raised, and the plan meets it
        assert floor == pytest.approx(scenario.domestic_target(int(period[:4])) + comparison.uplift)
        leaning, current = comparison.domestic.domestic_share[period], plan_share(plan, period)
        assert leaning >= floor - 1e-9
        assert leaning >= current - 1e-9, period
    # a plan that meets the higher floors meets the plan's: it is no cheaper than the plan's bound
    assert comparison.current.cost_usd == plan.objective_usd  # the stage's plan, not a re-solve
    assert comparison.domestic.cost_usd >= plan.objective_usd - plan.gap_usd
    assert comparison.extra_cost_usd == comparison.domestic.cost_usd - plan.objective_usd
    racks = sum(b.racks for b in scenario.builds)
    assert comparison.extra_per_rack_usd == pytest.approx(comparison.extra_cost_usd / racks)


def test_the_scenarios_own_raises_are_the_ones_tried(small_plan: PlanOutcome) -> None:
    inputs = small_plan.view.inputs
    default = _comparison(small_plan)
    # a smaller ladder than the default, given out of order: tried largest first
    own = sorted({default.uplift / 2, default.uplift / 4})
    risk = inputs.scenario.risk.model_copy(update={"domestic_uplifts": own})
    scenario = inputs.scenario.model_copy(update={"risk": risk})
    mine = dataclasses.replace(inputs, scenario=scenario)
    results = small_plan.run.results
    result = RISK.run(mine, Upstream("risk", {k: results[k] for k in RISK.needs}))
    assert result.assessment is not None and result.assessment.comparison is not None
    comparison = result.assessment.comparison
    assert comparison.uplift == max(own) and comparison.tried_without_plan == ()
    for period, floor in comparison.floors.items():
        assert floor == pytest.approx(scenario.domestic_target(int(period[:4])) + max(own))
    # a lower floor costs no more than the default raise's plan (both proven within 1e-3)
    assert comparison.domestic.cost_usd <= default.domestic.cost_usd * (1 + 1e-3)


def plan_share(plan: SourcingResult, period: str) -> float:
    """The plan's U.S. share of spend in ``period``."""
    return next(p.domestic_share for p in plan.periods if p.period == period)


def test_the_comparison_table_lines_up_both_plans(small_plan: PlanOutcome) -> None:
    comparison = _comparison(small_plan)
    risk = _assessment(small_plan)
    section = next(s for s in small_plan.view.sections if s.key == "risk")
    table = next(t for t in section.tables if "domestic-leaning" in t.title)
    rows = {str(r[0]): r[1:] for r in table.rows}
    current, leaning, change = rows["landed cost, sourcing objective (MUSD)"]
    assert isinstance(current, float) and isinstance(leaning, float)
    assert current == round(small_plan.run.result(SOURCING).plan.objective_usd / 1e6, 2)
    assert change == pytest.approx(leaning - current, abs=0.011)  # two-decimal rounding
    flags = next(v for k, v in rows.items() if k.startswith("red flags"))
    assert flags[0] == len(risk.analysis.red_flags()) and flags[2] == flags[1] - flags[0]
    mean = rows["Monte Carlo mean loss (MUSD a year)"]
    assert mean[0] == round(risk.montecarlo.loss.mean / 1e6, 2)
    taiwan = rows["loss: policy:taiwan-26w (MUSD)"]
    assert taiwan[0] == round(risk.analysis.scenario("policy:taiwan-26w").loss / 1e6, 2)
    assert [k for k in rows if k.startswith("loss: ")] == [
        f"loss: {e.id} (MUSD)" for e in comparison.exposures
    ]
    assert any(line.startswith("domestic-leaning plan") for line in section.summary)
    data = section.data["domestic_comparison"]
    assert data["extra_cost_usd"] == data["domestic"]["cost_usd"] - data["current"]["cost_usd"]
    json.dumps(data)


def test_no_raised_floor_with_a_plan_gives_no_domestic_plan(small_plan: PlanOutcome) -> None:
    inputs = small_plan.view.inputs
    parts = parts_by_rack(small_plan.run.result(BOM))
    # every part from the U.S. in every quarter: the catalog has no such plan
    assert domestic_plan(inputs, parts, relax_dual=False, uplifts=(1.0,)) is None
