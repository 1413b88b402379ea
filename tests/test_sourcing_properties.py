"""Properties of sourcing plans on small random instances (hypothesis)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rackwright.optim import SolveOptions
from rackwright.sourcing.engine import solve_sourcing
from rackwright.sourcing.generate import generate_problem
from rackwright.sourcing.problem import SourcingProblem

EXACT = SolveOptions(mip_rel_gap=1e-9, mip_abs_gap=1e-6, time_limit_s=60)
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def instance(seed: int, floor: float) -> SourcingProblem:
    return generate_problem(
        parts=3,
        sites=5,
        periods=3,
        offers_per_part=3,
        seed=seed,
        domestic_floor=floor,
        critical_fraction=0.3,
    )


@SETTINGS
@given(seed=st.integers(0, 10_000), floor=st.sampled_from([0.0, 0.1, 0.2]))
def test_plan_respects_capacity_demand_lots_and_floor(seed: int, floor: float) -> None:
    problem = instance(seed, floor)
    result = solve_sourcing(problem, EXACT)
    if not result.has_plan:
        assert result.violations, "an infeasible problem must say why"
        return
    offers = {o.offer_id: o for o in problem.offers}
    shipped: dict[tuple[str, str], float] = defaultdict(float)
    arrived: dict[tuple[str, str], float] = defaultdict(float)
    for order in result.orders:
        o = offers[order.offer_id]
        shipped[(order.offer_id, order.arrival_period)] += order.qty
        arrived[(order.part_id, order.arrival_period)] += order.qty
        assert order.qty >= o.moq - 1e-6
        if o.order_multiple > 1:  # multiple 1 leaves quantities continuous (fractional attrition)
            lots = order.qty / o.order_multiple
            assert abs(lots - round(lots)) < 1e-6
        tier = max((t for t in o.tiers if t.min_qty <= order.qty + 1e-6), key=lambda t: t.min_qty)
        assert order.unit_cost_usd == tier.unit_cost_usd
    for (offer_id, period), qty in shipped.items():
        cap = offers[offer_id].capacity[problem.periods.index(period)]
        assert qty <= cap * (1 + 1e-9) + 1e-6
    for part in problem.parts:
        stock = part.initial_inventory
        for i, period in enumerate(problem.periods):
            stock += arrived[(part.part_id, period)] - part.demand[i]
            assert stock >= -1e-6, f"{part.part_id} runs short in {period}"
    for p in result.periods:
        assert p.domestic_share >= p.floor - 1e-7


@SETTINGS
@given(seed=st.integers(0, 10_000))
def test_cost_breakdown_sums_to_the_objective(seed: int) -> None:
    result = solve_sourcing(instance(seed, 0.1), EXACT)
    if result.has_plan:
        assert result.costs.total_usd == pytest.approx(result.objective_usd, rel=1e-7)
        landed = sum(o.landed_usd for o in result.orders)
        parts = result.costs
        assert landed == pytest.approx(parts.price_usd + parts.tariff_usd + parts.freight_usd)


@SETTINGS
@given(
    seed=st.integers(0, 10_000),
    low=st.sampled_from([0.0, 0.1]),
    step=st.sampled_from([0.05, 0.2]),
)
def test_raising_the_domestic_floor_never_lowers_cost(seed: int, low: float, step: float) -> None:
    base = instance(seed, low)
    raised = dataclasses.replace(
        base,
        policy=dataclasses.replace(
            base.policy, domestic_floor=tuple(low + step for _ in base.periods)
        ),
    )
    a = solve_sourcing(base, EXACT, explain=False)
    b = solve_sourcing(raised, EXACT, explain=False)
    if not a.has_plan:
        assert not b.has_plan  # a tighter floor cannot make an impossible plan possible
        return
    if b.has_plan:
        assert b.objective_usd >= a.objective_usd * (1 - 1e-9) - 1e-6


def test_generated_instances_have_us_offers_and_share_vectors() -> None:
    problem = generate_problem(parts=50, sites=10, periods=4, seed=3)
    by_part = defaultdict(list)
    for o in problem.offers:
        by_part[o.part_id].append(o.country)
    assert all("US" in countries for countries in by_part.values())
    assert np.all(np.array(problem.policy.domestic_floor) == 0.2)


def test_part_milps_on_two_processes_give_the_same_plan_and_bound() -> None:
    problem = generate_problem(parts=40, sites=10, periods=6, seed=1)  # three rounds
    one = solve_sourcing(problem, SolveOptions(mip_rel_gap=1e-4, threads=1), explain=False)
    two = solve_sourcing(
        problem, SolveOptions(mip_rel_gap=1e-4, threads=1, workers=2), explain=False
    )
    assert two.objective_usd == one.objective_usd
    assert two.bound_usd == one.bound_usd


def test_the_lp_with_or_without_presolve_gives_a_bound_below_both_plans(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # large models solve the LP relaxation without presolve: another optimal vertex, other duals,
    # so another plan and bound, but each bound must hold for the other path's plan too
    from rackwright.sourcing import prove

    problem = generate_problem(parts=40, sites=10, periods=6, seed=1)
    options = SolveOptions(mip_rel_gap=1e-4, threads=1)
    presolved = solve_sourcing(problem, options, explain=False)
    monkeypatch.setattr(prove, "RELAX_PRESOLVE_MAX_COLS", 0)
    plain = solve_sourcing(problem, options, explain=False)
    for result in (presolved, plain):
        assert result.has_plan and result.mip_gap <= 1e-4
        assert result.bound_usd <= min(presolved.objective_usd, plain.objective_usd) + 1e-6
