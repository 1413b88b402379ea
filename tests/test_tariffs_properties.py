"""Properties of the duty engine (hypothesis): raising one rule's rate never lowers a landed cost,
and a plan's duty total equals the sum of its lines."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rackwright.bom.supply import UsdPriceBreak
from rackwright.tariffs import (
    PartFacts,
    RatePeriod,
    Rule,
    TariffRules,
    load_tariff_rules,
    parse_hts,
)
from rackwright.tariffs.plan_duties import duty_by_rule, plan_duties, schedules
from rackwright.tariffs.quarters import quarter_duty
from rackwright.tariffs.stack import duty_stack
from tariff_fakes import Offer, Order

TARIFFS: TariffRules = load_tariff_rules()
DUTIES = [r for r in TARIFFS.rules if not r.is_exclusion]
CODES = [
    "8517.62.0090", "8542.31.00.00", "8544.42.20.00", "8544.42.90.00", "9403.10.00.40",
    "8534.00.00", "8504.40.60.00", "7419.80.50", "8473.30.51.00", "8471.50.01.50",
    "7326.90.86.88", "8414.59.6590", "8419.50.50.00",
]  # fmt: skip
ORIGINS = ["CN", "TW", "MX", "KR", "TH", "MY", "DE", "JP", "IN", "VN", "US", "CA", "BR"]
START = date(2025, 3, 1)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

facts = st.builds(
    lambda copper, steel, weight, melted, usmca, value: PartFacts(
        metal_value_share={"copper": copper, "steel": steel},
        metal_weight_share=weight,
        us_melted_share=melted,
        usmca=usmca,
        unit_value_usd=value,
    ),
    st.floats(0.0, 0.5),
    st.floats(0.0, 0.5),
    st.floats(0.0, 1.0),
    st.sampled_from([0.0, 0.5, 0.97, 1.0]),
    st.booleans(),
    st.sampled_from([None, 1.0, 5.0]),
)
days = st.integers(0, 1600).map(lambda n: START + timedelta(days=n))


def raised(rule: Rule, period: RatePeriod, by: float) -> Rule:
    """``rule`` with every rate of ``period`` (default, by origin, all-in, by line) up ``by``."""
    more = dataclasses.replace(
        period,
        rate=period.rate + by,
        origin_rates={k: v + by for k, v in period.origin_rates.items()},
        all_in={k: v + by for k, v in period.all_in.items()},
        hts_rates={k: v + by for k, v in period.hts_rates.items()},
    )
    periods = tuple(more if p is period else p for p in rule.periods)
    return dataclasses.replace(rule, periods=periods)


@SETTINGS
@given(
    code=st.sampled_from(CODES),
    origin=st.sampled_from(ORIGINS),
    day=days,
    known=facts,
    rule=st.sampled_from(DUTIES),
    by=st.floats(0.001, 0.5),
    price=st.floats(1.0, 1e5),
    freight=st.floats(0.0, 100.0),
)
def test_raising_one_rules_rate_never_lowers_a_landed_cost(
    code: str,
    origin: str,
    day: date,
    known: PartFacts,
    rule: Rule,
    by: float,
    price: float,
    freight: float,
) -> None:
    hts = parse_hts(code)
    period = rule.period_on(day)
    if period is None:
        period = rule.periods[-1]
        day = max(day, period.start)
    bumped = [raised(r, period, by) if r is rule else r for r in TARIFFS.rules]
    before = duty_stack(TARIFFS.rules, hts, origin, day, known).total_rate
    after = duty_stack(bumped, hts, origin, day, known).total_rate
    assert price * (1 + after) + freight >= price * (1 + before) + freight - 1e-9
    quarter = f"{day.year}Q{(day.month - 1) // 3 + 1}"
    q_before = quarter_duty(TARIFFS.rules, hts, origin, known, quarter).total_rate
    q_after = quarter_duty(bumped, hts, origin, known, quarter).total_rate
    assert q_after >= q_before - 1e-12


PERIODS = ("2026Q1", "2026Q2", "2026Q3", "2026Q4", "2027Q1", "2027Q2", "2027Q3")
PARTS = {
    "nvlink-twinax-224g": "copper-cable",
    "optic-800g-osfp": "optic",
    "pcb-gb300": "pcb",
    "rack-chassis-48u": "sheet-metal",
    "gpu-b300": "gpu",
    "psu-5.5kw": "psu",
}
OFFERS = [
    Offer(f"{part}-{cc}", part, cc, (UsdPriceBreak(1, 100.0), UsdPriceBreak(1000, 90.0)))
    for part in PARTS
    for cc in ("CN", "TW", "MX", "US", "TH")
]


@SETTINGS
@given(
    picks=st.lists(
        st.tuples(
            st.sampled_from(OFFERS),
            st.sampled_from(PERIODS),
            st.floats(1.0, 5000.0),
            st.floats(10.0, 200.0),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_a_plans_duty_total_equals_the_sum_of_its_lines(
    picks: list[tuple[Offer, str, float, float]],
) -> None:
    orders = [Order(o.part_id, o.offer_id, o.country, p, q, u) for o, p, q, u in picks]
    duties = plan_duties(TARIFFS, orders, OFFERS, PARTS, PERIODS)
    by_rule = sum(r.usd for r in duties.by_rule)
    by_family = sum(duties.by_family.values())
    current = schedules(TARIFFS.rules, TARIFFS, OFFERS, PARTS, PERIODS)
    priced = sum(
        o.qty
        * o.unit_cost_usd
        * current[o.offer_id].quarters[PERIODS.index(o.arrival_period)].total_rate
        for o in orders
    )
    assert duties.total_usd == pytest.approx(by_rule, rel=1e-9, abs=1e-6)
    assert duties.total_usd == pytest.approx(by_family, rel=1e-9, abs=1e-6)
    assert duties.total_usd == pytest.approx(priced, rel=1e-9, abs=1e-6)
    assert duties.scenarios[0].scenario == "current"
    assert duties.scenarios[0].usd == pytest.approx(duties.total_usd, rel=1e-9, abs=1e-6)
    usd, _, _ = duty_by_rule(orders, current, PERIODS)
    assert all(v >= 0 for v in usd.values())
