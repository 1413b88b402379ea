"""Sourcing MILP on hand-worked instances: price breaks, landed cost, floor, lead time, why not."""

from __future__ import annotations

import dataclasses

import pytest

from rackwright.errors import InputError
from rackwright.optim import SolveOptions, SolveStatus
from rackwright.sourcing.engine import solve_sourcing
from rackwright.sourcing.problem import (
    DualSourceScope,
    PriceTier,
    SourcingOffer,
    SourcingPart,
    SourcingPolicy,
    SourcingProblem,
)
from rackwright.sourcing.result import ViolationKind

EXACT = SolveOptions(mip_rel_gap=1e-9, mip_abs_gap=1e-6)
PERIODS = ("2027Q1", "2027Q2", "2027Q3")


def offer(offer_id: str, country: str, price: float, **kw: object) -> SourcingOffer:
    base = {
        "offer_id": offer_id,
        "part_id": "psu",
        "site_id": f"site-{offer_id}",
        "site_name": f"Site {offer_id}",
        "country": country,
        "tiers": (PriceTier(1, price),),
        "moq": 1,
        "order_multiple": 1,
        "lead_periods": 0,
        "capacity": (1000.0, 1000.0, 1000.0),
        "tariff_rate": 0.0,
        "freight_usd_per_unit": 0.0,
        "qualification_usd": 0.0,
    }
    base.update(kw)
    return SourcingOffer(**base)  # type: ignore[arg-type]


def problem(
    *offers: SourcingOffer,
    demand: tuple[float, ...] = (100.0, 100.0, 100.0),
    critical: bool = False,
    **policy: object,
) -> SourcingProblem:
    part = SourcingPart("psu", "5.5 kW PSU", "psu", "power", "8504", critical, demand)
    floor = policy.pop("domestic_floor", (0.0, 0.0, 0.0))
    return SourcingProblem(
        PERIODS,
        (part,),
        offers,
        SourcingPolicy(domestic_floor=floor, holding_rate_per_period=0.0, **policy),  # type: ignore[arg-type]
    )


def test_landed_cost_adds_tariff_freight_and_qualification() -> None:
    # 300 units at 10 USD, 25 % tariff, 1 USD freight, 500 USD qualification.
    result = solve_sourcing(
        problem(
            offer(
                "tw",
                "TW",
                10.0,
                tariff_rate=0.25,
                freight_usd_per_unit=1.0,
                qualification_usd=500.0,
            )
        ),
        EXACT,
    )
    assert result.status is SolveStatus.OPTIMAL
    assert result.costs.price_usd == pytest.approx(3000.0)
    assert result.costs.tariff_usd == pytest.approx(750.0)
    assert result.costs.freight_usd == pytest.approx(300.0)
    assert result.costs.qualification_usd == pytest.approx(500.0)
    assert result.objective_usd == pytest.approx(4550.0)


def test_tariff_moves_the_plan_to_the_cheaper_landed_source() -> None:
    # CN is 10 % cheaper ex works but pays 45 %: 9 * 1.45 = 13.05 > MX at 10 duty free.
    result = solve_sourcing(
        problem(offer("cn", "CN", 9.0, tariff_rate=0.45), offer("mx", "MX", 10.0)), EXACT
    )
    assert {o.offer_id for o in result.orders} == {"mx"}
    assert result.objective_usd == pytest.approx(3000.0)


def test_all_units_price_break_pays_for_one_bigger_order() -> None:
    # 60 units per quarter; 10 USD each, or 8 USD each from 150 units. Holding costs 1 % of the
    # lowest price (0.08 USD) per unit-quarter. Best: one order of 180 arriving in Q1
    # (1440 + (120 + 60) * 0.08 = 1454.4) beats three orders at 10 (1800) and 150 + 30 (1500+).
    offers = offer("tw", "TW", 10.0, tiers=(PriceTier(1, 10.0), PriceTier(150, 8.0)))
    p = problem(offers, demand=(60.0, 60.0, 60.0))
    p = dataclasses.replace(p, policy=dataclasses.replace(p.policy, holding_rate_per_period=0.01))
    result = solve_sourcing(p, EXACT)
    assert [(o.arrival_period, o.qty, o.unit_cost_usd) for o in result.orders] == [
        ("2027Q1", 180.0, 8.0)
    ]
    assert result.costs.holding_usd == pytest.approx(14.4)
    assert result.objective_usd == pytest.approx(1454.4)


def test_moq_and_order_multiple_are_whole_lots() -> None:
    result = solve_sourcing(
        problem(offer("tw", "TW", 10.0, moq=120, order_multiple=50), demand=(100.0, 0.0, 0.0)),
        EXACT,
    )
    # at least 120 in whole lots of 50: 150
    assert [o.qty for o in result.orders] == [150.0]


def test_domestic_floor_buys_the_dearer_us_share() -> None:
    # US at 12, TW at 10, floor 50 % of spend: 12 u = 0.5 (12 u + 10 (100 - u)) -> u = 45.45...
    floor = (0.5, 0.5, 0.5)
    result = solve_sourcing(
        problem(offer("us", "US", 12.0), offer("tw", "TW", 10.0), domestic_floor=floor), EXACT
    )
    us_units = 1000.0 / 22.0
    assert result.objective_usd == pytest.approx(3 * (12 * us_units + 10 * (100 - us_units)))
    assert all(p.domestic_share >= 0.5 - 1e-9 for p in result.periods)


def test_capacity_binds_and_is_reported() -> None:
    result = solve_sourcing(
        problem(offer("tw", "TW", 10.0, capacity=(40.0, 40.0, 40.0)), offer("us", "US", 20.0)),
        EXACT,
    )
    assert {(b.offer_id, b.period) for b in result.binding} == {("tw", p) for p in PERIODS}
    assert result.objective_usd == pytest.approx(3 * (40 * 10 + 60 * 20))


def test_infeasible_domestic_floor_is_explained_with_the_missing_share() -> None:
    # One quarter; U.S. can ship 20 of 100 units at the same price: 20 % domestic at most, floor
    # 50 %: 30 points of spend are missing.
    part = SourcingPart("psu", "5.5 kW PSU", "power-shelf", "power", "8504", False, (100.0,))
    offers = (
        offer("us", "US", 10.0, capacity=(20.0,)),
        offer("tw", "TW", 10.0, capacity=(1000.0,)),
    )
    p = SourcingProblem(("2028Q3",), (part,), offers, SourcingPolicy(domestic_floor=(0.5,)))
    result = solve_sourcing(p, EXACT)
    assert result.status is SolveStatus.INFEASIBLE and not result.has_plan
    assert [v.kind for v in result.violations] == [ViolationKind.DOMESTIC_FLOOR]
    floor = result.violations[0]
    assert floor.period == "2028Q3"
    assert floor.amount == pytest.approx(0.3, abs=1e-6)
    assert floor.message == (
        "domestic floor 50% in 2028Q3 needs 30% more U.S. content: add U.S. capacity for "
        "power-shelf"
    )
    for relaxes in ("[[domestic_target]]", "--domestic-floor", "--soft-floor"):
        assert relaxes in floor.relax


def test_lead_time_shortage_names_the_part_and_quarter() -> None:
    p = problem(offer("tw", "TW", 10.0, lead_periods=2), order_lead_in_periods=0)
    result = solve_sourcing(p, EXACT)
    assert result.status is SolveStatus.INFEASIBLE
    short = {(v.period, v.amount) for v in result.violations if v.kind is ViolationKind.DEMAND}
    assert short == {("2027Q1", 100.0), ("2027Q2", 100.0)}
    assert all("lead time" in v.message for v in result.violations)


def test_critical_part_with_one_open_site_is_planned_and_says_why_the_rule_did_not_apply() -> None:
    result = solve_sourcing(problem(offer("tw", "TW", 10.0), critical=True), EXACT)
    assert result.has_plan and result.objective_usd == pytest.approx(3000.0)
    (status,) = result.dual_source
    assert not status.applies and status.quarters == ()
    assert "never 2 supplier sites open" in status.reason


def test_whole_horizon_rule_makes_one_site_infeasible_and_names_the_relaxing_option() -> None:
    p = problem(
        offer("tw", "TW", 10.0), critical=True, dual_source_scope=DualSourceScope.WHOLE_HORIZON
    )
    result = solve_sourcing(p, EXACT)
    assert result.status is SolveStatus.INFEASIBLE
    assert {v.kind for v in result.violations} == {ViolationKind.DUAL_SOURCE_SITES}
    assert "needs 2" in result.violations[0].message
    assert "--dual-sites 1" in result.violations[0].relax


def test_dual_source_rule_applies_once_the_second_site_opens() -> None:
    # TW (10 USD) is open all three quarters, MX (11 USD) only from 2027Q2: the rule covers
    # Q2-Q3 (200 units), where MX must take 20 % = 40 units; Q1's 100 come from TW alone. A
    # holding cost keeps TW from buying Q2-Q3's units early.
    late = offer("mx", "MX", 11.0, capacity=(0.0, 1000.0, 1000.0))
    p = problem(offer("tw", "TW", 10.0), late, critical=True)
    p = dataclasses.replace(p, policy=dataclasses.replace(p.policy, holding_rate_per_period=0.01))
    result = solve_sourcing(p, EXACT)
    assert result.objective_usd == pytest.approx(260 * 10 + 40 * 11)
    (status,) = result.dual_source
    assert status.applies and status.quarters == ("2027Q2", "2027Q3")
    assert dict(status.shares) == pytest.approx({"site-tw": 0.8, "site-mx": 0.2})


def test_every_plan_states_its_bound_and_gap() -> None:
    result = solve_sourcing(problem(offer("tw", "TW", 10.0), offer("mx", "MX", 11.0)), EXACT)
    assert result.stopped_by == "gap reached"
    assert result.bound_usd <= result.objective_usd + 1e-6
    assert result.gap_usd == pytest.approx(result.objective_usd - result.bound_usd, abs=1e-6)
    assert result.mip_gap <= EXACT.mip_rel_gap
    assert "proven within" in result.optimality_note()


def test_dual_sourcing_splits_a_critical_part() -> None:
    result = solve_sourcing(
        problem(offer("tw", "TW", 10.0), offer("mx", "MX", 11.0), critical=True), EXACT
    )
    by_offer: dict[str, float] = {}
    for order in result.orders:
        by_offer[order.offer_id] = by_offer.get(order.offer_id, 0.0) + order.qty
    assert by_offer == pytest.approx({"tw": 240.0, "mx": 60.0})
    assert set(result.qualified) == {"tw", "mx"}


def test_country_cap_limits_one_country() -> None:
    result = solve_sourcing(
        problem(offer("cn", "CN", 10.0), offer("mx", "MX", 12.0), country_caps={"CN": 0.25}),
        EXACT,
    )
    for p in result.periods:
        cn = sum(
            o.qty * o.unit_cost_usd
            for o in result.orders
            if o.country == "CN" and o.arrival_period == p.period
        )
        assert cn <= 0.25 * p.spend_usd + 1e-6


def test_soft_floor_reports_shortfall_instead_of_failing() -> None:
    p = problem(
        offer("us", "US", 10.0, capacity=(20.0, 20.0, 20.0)),
        offer("tw", "TW", 10.0),
        domestic_floor=(0.5, 0.5, 0.5),
        soft_domestic_floor=True,
        shortfall_penalty_per_usd=0.1,
    )
    result = solve_sourcing(p, EXACT)
    assert result.has_plan
    # each quarter's U.S. 20 units leave 30 points (300 USD) short
    missing_usd = sum(s.shortfall_share * s.spend_usd for s in result.periods)
    assert missing_usd == pytest.approx(900.0)
    assert result.costs.shortfall_penalty_usd == pytest.approx(3 * 0.1 * 300.0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"part_id": "nope"}, "offer 'tw' names unknown part"),
        ({"tariff_rate": -0.1}, "negative tariff"),
        ({"capacity": (1.0, 2.0)}, "capacity needs 3 values"),
        ({"tiers": (PriceTier(10, 5.0), PriceTier(5, 4.0))}, "ascending min_qty"),
    ],
)
def test_bad_problem_names_the_item(change: dict[str, object], message: str) -> None:
    bad = dataclasses.replace(offer("tw", "TW", 10.0), **change)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=message):
        solve_sourcing(problem(bad))
