"""The purchase decision: the NPV identity, verdicts that move the right way, flip points."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import RunCli, edit
from rackwright.cli.engine_inputs import upstream
from rackwright.errors import InputError
from rackwright.finance import (
    DecisionInputs,
    OptionTerms,
    Verdict,
    capital_recovery_factor,
    evaluate,
    load_finance_defaults,
)
from rackwright.finance.adapters import alternative_racks, decision_inputs
from rackwright.finance.drivers import decision_drivers, flip_point
from rackwright.finance.memo import decide
from rackwright.plan import InputRequest, prepare
from rackwright.scenario import default_scenario_text

EXAMPLE_PROGRAM = Path(__file__).resolve().parent.parent / "examples/early_access/program.toml"


@pytest.fixture(scope="module")
def base() -> DecisionInputs:
    """The default scenario's purchase option, as ``rackwright tco`` builds it."""
    inputs = prepare(InputRequest())
    option = inputs.scenario.purchase_option
    assert option is not None
    up = upstream(inputs, [*alternative_racks(inputs.scenario, inputs.catalog), option.rack])
    defaults = load_finance_defaults(inputs.catalog)
    return decision_inputs(inputs.scenario, inputs.catalog, defaults, up.rates, up.analyses)


def _priced(inputs: DecisionInputs, price: float) -> DecisionInputs:
    return replace(inputs, terms=replace(inputs.terms, price_usd_per_rack=price))


def test_exercise_npv_is_the_saving_per_unit_of_work_over_the_life(base: DecisionInputs) -> None:
    f = evaluate(base)
    a = base.assumptions
    annuity = 1 / capital_recovery_factor(a.cost_of_capital, a.rack_life_years)
    saving = (f.best_alternative.usd_per_million_tokens - f.own.usd_per_million_tokens) / 1e6
    assert f.exercise_npv_usd == pytest.approx(annuity * f.own.tokens_per_rack_year * saving)
    assert f.best_alternative.usd_per_million_tokens == min(
        x.usd_per_million_tokens for x in f.alternatives
    )
    # the optioned rack is priced at the option price, not at its BOM cost
    assert f.own_tco.capex_source == "option-price"
    assert f.own_tco.rack_capex_usd == base.terms.price_usd_per_rack


def test_verdict_moves_with_the_option_price(base: DecisionInputs) -> None:
    assert evaluate(_priced(base, 0.5e6)).verdict is Verdict.EXERCISE
    assert evaluate(_priced(base, 20e6)).verdict is Verdict.DECLINE
    values = [evaluate(_priced(base, p)).option_value_usd for p in (1e6, 2e6, 3e6, 4e6, 5e6)]
    assert values == sorted(values, reverse=True)


def test_more_uncertainty_never_lowers_the_option_value(base: DecisionInputs) -> None:
    values = []
    for vol in (0.1, 0.3, 0.5, 0.8):
        u = replace(base.uncertainty, price_volatility_per_year=vol)
        values.append(evaluate(replace(base, uncertainty=u)).option_value_usd)
    assert values == sorted(values)


def test_at_the_deadline_there_is_no_waiting(base: DecisionInputs) -> None:
    for price in (1e6, 6e6):
        now = _priced(base, price)
        now = replace(now, terms=replace(now.terms, years_to_deadline=0.0))
        f = evaluate(now)
        assert f.value_of_waiting_usd == 0
        assert f.verdict is (Verdict.EXERCISE if f.exercise_npv_usd > 0 else Verdict.DECLINE)


def test_each_flip_point_flips_the_verdict(base: DecisionInputs) -> None:
    start = evaluate(base).verdict
    drivers = {d.name: d for d in decision_drivers()}
    for name in ("option_price", "throughput_ratio", "alternative_price"):
        point = flip_point(base, drivers[name])
        flip = point.nearest
        assert flip is not None, name
        assert evaluate(drivers[name].set(base, flip.value)).verdict is flip.verdict
        assert flip.verdict is not start
        # a little less far the verdict still stands
        short = point.base + 0.98 * (flip.value - point.base)
        assert evaluate(drivers[name].set(base, short)).verdict is start


def test_memo_names_verdict_alternative_and_drivers(base: DecisionInputs) -> None:
    decision = decide(base)
    memo = decision.memo()
    assert memo[0].startswith("Decision: ")
    assert decision.figures.best_alternative.rack in memo[1]
    assert "What would flip it" in memo[-1]
    changes = [abs(f.change) for f in decision.flips if f.change is not None]
    assert changes == sorted(changes)  # closest flip first
    assert decision.to_json()["verdict"] == decision.verdict.value


def test_terms_refuse_a_deadline_before_the_delivery() -> None:
    with pytest.raises(InputError) as caught:
        OptionTerms("r", 1, 1.0, -0.1, "2026-03-31", "2026-01-01")
    assert caught.value.field == "deadline"


def test_deadline_before_delivery_in_a_scenario_is_one_line_exit_2(
    cli: RunCli, tmp_path: Path
) -> None:
    path = tmp_path / "early.toml"
    path.write_text(edit(default_scenario_text(), "deadline = 2026-09-30", "deadline = 2026-01-15"))
    result = cli("tco", path)
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "purchase_option.deadline" in result.err and "2026-01-15" in result.err


def test_tco_counts_the_evaluation_programs_throughput(cli: RunCli) -> None:
    data = json.loads(cli("tco", "--evaluation", EXAMPLE_PROGRAM, "--json").out)
    ratio = data["evaluation"]["throughput_ratio"]
    assert ratio == pytest.approx(data["decision"]["throughput_ratio"])
    assert "gen1-gb300-early-access" in data["decision"]["throughput_basis"]


def test_an_evaluation_of_another_system_is_refused(cli: RunCli) -> None:
    program = Path(__file__).resolve().parent / "data/evaluation/b200_program.toml"
    result = cli("tco", "--evaluation", program)
    assert result.code == 2
    assert len(result.err_lines) == 1 and "dgx-b200" in result.err and "--evaluation" in result.err
