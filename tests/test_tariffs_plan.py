"""A plan's duties as the sourcing section shows them: by rule, and how much of the
domestic-content premium they offset; and the tariff file a scenario names reaches the plan.

The figures are worked by hand from the rule the docstring names, not read back from the rules
file: the forced-labor Section 301 action (FR Doc. 2026-15181, HTSUS U.S. note 52) puts Taiwan
at 10 % all-in from 2026-07-24, so a bare PCB (8534, MFN Free, on no electronics exemption list)
from Taiwan pays 10 % in every day of 2026Q4; an 8517.62 transceiver is on Annex II Part A and
pays nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rackwright.bom.supply import UsdPriceBreak
from rackwright.chain.load import InputRequest, load_inputs
from rackwright.errors import ScenarioError
from rackwright.report.sections.sourcing_duties import duty_summary, duty_tables
from rackwright.scenario import default_scenario_text
from rackwright.tariffs import PartFacts, TariffRules, duty_stack, load_tariff_rules, parse_hts
from rackwright.tariffs.models import Family
from rackwright.tariffs.plan_duties import PlanDuties, plan_duties
from tariff_fakes import RULE, Offer, Order

PERIODS = ("2026Q4", "2027Q1")
CATEGORIES = {"pcb-gb300": "pcb", "optic-800g-osfp": "optic"}
OFFERS = (
    Offer("pcb-tw", "pcb-gb300", "TW", (UsdPriceBreak(1, 110.0), UsdPriceBreak(500, 100.0))),
    Offer("pcb-us", "pcb-gb300", "US", (UsdPriceBreak(1, 115.0),)),
    Offer("optic-tw", "optic-800g-osfp", "TW", (UsdPriceBreak(1, 600.0),)),
    Offer("optic-us", "optic-800g-osfp", "US", (UsdPriceBreak(1, 700.0),)),
)
ORDERS = (
    Order("pcb-gb300", "pcb-us", "US", "2026Q4", 1000, 115.0),  # premium over TW: 15 per unit
    Order("pcb-gb300", "pcb-tw", "TW", "2027Q1", 2000, 100.0),  # pays 10 %: 20,000 USD
    Order("optic-800g-osfp", "optic-us", "US", "2026Q4", 100, 700.0),  # premium 100, no duty
)


@pytest.fixture(scope="module")
def tariffs() -> TariffRules:
    return load_tariff_rules()


@pytest.fixture(scope="module")
def duties(tariffs: TariffRules) -> PlanDuties:
    return plan_duties(tariffs, ORDERS, OFFERS, CATEGORIES, PERIODS)


def test_the_plan_pays_the_forced_labor_301_on_the_taiwan_pcb_only(duties: PlanDuties) -> None:
    assert duties.total_usd == pytest.approx(2000 * 100.0 * 0.10)
    by_rule = {r.rule: r for r in duties.by_rule}
    assert set(by_rule) == {"301-forced-labor"}
    assert by_rule["301-forced-labor"].family is Family.S301
    assert duties.by_family[Family.S301] == pytest.approx(20_000)
    assert duties.by_family[Family.S232] == 0 and duties.by_family[Family.SURCHARGE] == 0
    assert duties.by_family_period[Family.S301] == pytest.approx((0.0, 20_000.0))


def test_the_premium_paid_at_home_is_set_against_the_duty_it_avoids(duties: PlanDuties) -> None:
    """1000 U.S. PCBs at 115 against Taiwan's 100 (the 500-unit break): a 15,000 USD premium;
    those units from Taiwan would have paid 10 % of 100,000 = 10,000 USD, two thirds of it. The
    U.S. optics' 10,000 USD premium avoids nothing (8517.62 pays no duty from Taiwan)."""
    premium = {p.part_id: p for p in duties.premium}
    pcb = premium["pcb-gb300"]
    assert pcb.premium_usd == pytest.approx(15_000)
    assert pcb.duty_avoided_usd == pytest.approx(10_000)
    assert pcb.offset_share == pytest.approx(2 / 3)
    assert pcb.foreign_offer == "pcb-tw"
    optic = premium["optic-800g-osfp"]
    assert optic.premium_usd == pytest.approx(10_000) and optic.duty_avoided_usd == 0


def test_the_sourcing_section_shows_duties_by_rule_and_the_premium_offset(
    duties: PlanDuties,
) -> None:
    tables = {t.title: t for t in duty_tables(duties)}
    by_rule = tables["Duties of the plan by rule"]
    assert [row[:2] for row in by_rule.rows] == [["Section 301", "301-forced-labor"]]
    assert by_rule.rows[0][3] == 20_000
    premium = tables["Domestic-content premium and the duties it avoids"]
    total = premium.rows[-1]
    assert total[0] == "all parts bought in the U.S."
    assert total[2:5] == [25_000, 10_000, "40.0%"]  # 10,000 of the 25,000 premium
    assert "Section 301 0.0" in duty_summary(duties)  # 20 kUSD in MUSD at one decimal
    scenarios = tables["The plan's orders under each tariff policy scenario"]
    assert scenarios.rows[0][0] == "current" and scenarios.rows[0][1] == 20_000


def test_a_scenarios_tariff_file_reaches_the_plan_inputs(tmp_path: Path) -> None:
    """``tariffs_file`` in the scenario is read relative to it, over the packaged rules."""
    (tmp_path / "mine.toml").write_text(RULE, encoding="utf-8")
    scenario = tmp_path / "scenario.toml"
    named = '[scenario]\ntariffs_file = "mine.toml"\n'
    text = default_scenario_text().replace("[scenario]\n", named, 1)
    scenario.write_text(text, encoding="utf-8")
    rules = load_inputs(InputRequest(scenario=scenario)).tariffs
    assert any(r.id == "my-duty" for r in rules.rules)
    assert any(r.id == "301-forced-labor" for r in rules.rules)  # the packaged rules stay
    pcb = parse_hts("8534.00.00")
    packaged = load_tariff_rules().rules
    day = date(2026, 12, 1)
    mine = duty_stack(rules.rules, pcb, "TW", day, PartFacts()).total_rate
    alone = duty_stack(packaged, pcb, "TW", day, PartFacts()).total_rate
    assert mine == pytest.approx(alone + 0.20)  # my-duty's second period


def test_a_plan_sourced_under_a_policy_pays_that_policys_duties(tariffs: TariffRules) -> None:
    """Under ``surcharge-renewed`` the forced-labor 301 is set aside and the Section 122
    surcharge (10 %) is extended: the Taiwan PCB pays the surcharge instead; the plan's duties
    are exactly that scenario's row of the re-priced orders."""
    duties = plan_duties(tariffs, ORDERS, OFFERS, CATEGORIES, PERIODS, policy="surcharge-renewed")
    rules = {r.rule for r in duties.by_rule}
    assert "301-forced-labor" not in rules and rules
    assert all(r.family is Family.SURCHARGE for r in duties.by_rule)
    row = {s.scenario: s.usd for s in duties.scenarios}
    assert duties.total_usd == pytest.approx(row["surcharge-renewed"])
    assert row["current"] == pytest.approx(20_000)  # the other rows stay what they were


def test_an_unknown_tariff_policy_in_the_scenario_names_its_line(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.toml"
    bad = 'tariff_policy = "fortress"'
    text = default_scenario_text().replace('tariff_policy = "current"', bad, 1)
    scenario.write_text(text, encoding="utf-8")
    line = text.splitlines().index(bad) + 1
    with pytest.raises(ScenarioError) as caught:
        load_inputs(InputRequest(scenario=scenario))
    message = str(caught.value)
    assert f"{scenario}:{line}" in message and "'fortress'" in message
    assert "current" in message and "surcharge-renewed" in message  # the known ones
