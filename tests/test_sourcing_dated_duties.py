"""The optimizer prices each order at the duties in force in the quarter it arrives.

A hand-worked instance (a duty that rises inside the horizon moves the orders of that quarter
home, where one averaged rate would not), and the default scenario's problem, whose offers carry
the day-weighted rate of each quarter worked out here from the rules' published dates.
"""

from __future__ import annotations

import dataclasses

import pytest

from rackwright.chain import PlanInputs
from rackwright.optim import SolveOptions, SolveStatus
from rackwright.plan import InputRequest, prepare
from rackwright.sourcing.engine import solve_sourcing
from rackwright.sourcing.from_bom import problem_from_scenario
from rackwright.sourcing.problem import (
    PriceTier,
    SourcingOffer,
    SourcingPart,
    SourcingPolicy,
    SourcingProblem,
)
from rackwright.tariffs import sourcing_duties

EXACT = SolveOptions(mip_rel_gap=1e-9, mip_abs_gap=1e-6)
PERIODS = ("2027Q1", "2027Q2", "2027Q3")


@pytest.fixture(scope="module")
def default() -> tuple[PlanInputs, SourcingProblem]:
    """The default scenario's inputs and its sourcing problem under the rules in force."""
    inputs = prepare(InputRequest())
    problem = problem_from_scenario(
        inputs.scenario,
        inputs.catalog,
        inputs.supply,
        tariffs=inputs.tariffs,
        tariff_policy="current",
        logistics=inputs.logistics,
        rules=inputs.sourcing_rules,
    )
    return inputs, problem


def _offer(offer_id: str, country: str, price: float, duties: tuple[float, ...]) -> SourcingOffer:
    return SourcingOffer(
        offer_id=offer_id,
        part_id="pcb",
        site_id=f"site-{offer_id}",
        site_name=offer_id,
        country=country,
        tiers=(PriceTier(1, price),),
        moq=1,
        order_multiple=1,
        lead_periods=0,
        capacity=(100.0, 100.0, 100.0),  # no room to buy ahead of the step
        tariff_rate=sum(duties) / len(duties),
        tariff_by_period=duties,
        freight_usd_per_unit=0.0,
        qualification_usd=0.0,
    )


def _problem(*offers: SourcingOffer) -> SourcingProblem:
    part = SourcingPart("pcb", "bare board", "pcb", "compute", "8534", False, (100.0,) * 3)
    policy = SourcingPolicy(domestic_floor=(0.0,) * 3, holding_rate_per_period=0.0)
    return SourcingProblem(PERIODS, (part,), offers, policy)


def test_a_duty_rising_in_the_third_quarter_moves_that_quarters_orders_home() -> None:
    """Taiwan at 10 USD, free until 2027Q3 then 50 % (15 USD landed); the U.S. at 12 USD. The
    averaged rate (16.7 %, 11.67 USD) would buy Taiwan all year; dated, Q3 goes to the U.S."""
    taiwan = _offer("tw", "TW", 10.0, (0.0, 0.0, 0.5))
    home = _offer("us", "US", 12.0, (0.0, 0.0, 0.0))
    result = solve_sourcing(_problem(taiwan, home), EXACT)
    assert result.status is SolveStatus.OPTIMAL
    bought = {(o.offer_id, o.arrival_period): o.qty for o in result.orders}
    assert bought == {("tw", "2027Q1"): 100, ("tw", "2027Q2"): 100, ("us", "2027Q3"): 100}
    assert result.costs.tariff_usd == 0.0
    assert result.costs.price_usd == pytest.approx(100 * 10 + 100 * 10 + 100 * 12)


def test_an_order_pays_the_rate_of_its_arrival_quarter() -> None:
    """With Taiwan the only source, Q3's 100 units pay 50 % of 1,000 USD; Q1 and Q2 pay none."""
    result = solve_sourcing(_problem(_offer("tw", "TW", 10.0, (0.0, 0.0, 0.5))), EXACT)
    assert result.costs.tariff_usd == pytest.approx(500.0)
    landed = {o.arrival_period: o.landed_usd for o in result.orders}
    assert landed == pytest.approx({"2027Q1": 1000.0, "2027Q2": 1000.0, "2027Q3": 1500.0})


def test_the_default_problem_carries_each_quarters_day_weighted_duties(
    default: tuple[PlanInputs, SourcingProblem],
) -> None:
    """A bare PCB (8534, MFN Free). From Taiwan in 2026Q1 (90 days): the reciprocal 20 % to
    01-14 (14 days), Taiwan's 15 % all-in to 02-23 (40 days), Section 122's 10 % after (36 days):
    12.4/90; from 2027 the forced-labor Section 301's 10 %. From China in 2026Q3 (92 days):
    List 3 25 % throughout, Section 122 10 % to 07-23 (23 days), forced-labor 12.5 % after (69)."""
    _, problem = default
    at = {p: i for i, p in enumerate(problem.periods)}
    pcb = {o.country: o for o in problem.offers if o.part_id == "pcb-gb300"}
    assert pcb["TW"].tariff_by_period[at["2026Q1"]] == pytest.approx(
        (14 * 0.20 + 40 * 0.15 + 36 * 0.10) / 90
    )
    assert pcb["TW"].tariff_by_period[at["2027Q1"]] == pytest.approx(0.10)
    assert pcb["CN"].tariff_by_period[at["2026Q3"]] == pytest.approx(
        0.25 + (23 * 0.10 + 69 * 0.125) / 92
    )
    assert pcb["US"].tariff_by_period == (0.0,) * len(problem.periods)


def test_the_sourcing_entry_point_prices_a_scenario_by_quarter(
    default: tuple[PlanInputs, SourcingProblem],
) -> None:
    """``sourcing_duties`` is what the problem builder calls: it agrees with the default problem's
    offers, and under ``china-semis-step-25`` an 8542 GPU from China pays 25 points more from
    2027-06-23: 8 of 2027Q2's 91 days, all of 2027Q3 (four-year-review 50 % throughout)."""
    inputs, problem = default
    current = sourcing_duties(inputs.tariffs)
    category = {p.part_id: p.category for p in problem.parts}
    for offer in problem.offers:
        rates = current.rates_by_quarter(category[offer.part_id], offer, problem.periods)
        assert rates == pytest.approx(offer.tariff_by_period), offer.offer_id
    gpu = _offer("gpu-cn", "CN", 30_000.0, (0.0,) * 3)
    gpu = dataclasses.replace(gpu, part_id="gpu-b300")
    quarters = ("2027Q1", "2027Q2", "2027Q3")
    step = sourcing_duties(inputs.tariffs, "china-semis-step-25")
    assert step.hts_of("gpu-b300", "gpu").startswith("8542")
    assert current.rates_by_quarter("gpu", gpu, quarters) == pytest.approx((0.5, 0.5, 0.5))
    assert step.rates_by_quarter("gpu", gpu, quarters) == pytest.approx(
        (0.5, 0.5 + 0.25 * 8 / 91, 0.75)
    )
