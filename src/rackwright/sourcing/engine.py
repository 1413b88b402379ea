"""Solve a sourcing problem: build the MILP, solve it, read back a typed plan or explain why not."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
from numpy.typing import NDArray

from rackwright.optim import SolveOptions, SolveResult, SolveStatus, solve
from rackwright.optim.model import FloatArray
from rackwright.sourcing.milp import SourcingModel, build_model
from rackwright.sourcing.problem import SourcingProblem, period_index, period_label
from rackwright.sourcing.result import (
    ZERO_COSTS,
    BindingCapacity,
    CostBreakdown,
    OrderLine,
    PeriodShare,
    SourcingResult,
    Violation,
)

DEFAULT_OPTIONS = SolveOptions(mip_rel_gap=1e-4, time_limit_s=300.0)
_QTY_TOL = 1e-6


def solve_sourcing(
    problem: SourcingProblem,
    options: SolveOptions | None = None,
    *,
    explain: bool = True,
) -> SourcingResult:
    """Least landed-cost plan for ``problem``; an infeasible one comes back with violations."""
    from rackwright.sourcing.explain import explain_infeasibility

    problem.check()
    opts = options or DEFAULT_OPTIONS
    start = time.perf_counter()
    built = build_model(problem)
    build_s = time.perf_counter() - start
    result = solve_with_warm_start(built, opts)
    violations: tuple[Violation, ...] = ()
    if result.status is SolveStatus.INFEASIBLE and explain:
        violations = explain_infeasibility(problem, opts)
    return read_plan(problem, built, result, build_s, violations)


def solve_with_warm_start(built: SourcingModel, options: SolveOptions) -> SolveResult:
    """Solve the MILP, first handing HiGHS an incumbent from an LP-guided restricted MIP.

    The LP relaxation's order quantities pick one price tier per order; the MIP restricted to
    those tiers (orders still on/off, lots still whole) solves fast and its plan is a good first
    incumbent, so the full search spends its time closing the gap rather than finding plans.
    """
    start = time.perf_counter()
    model = built.model
    if not model.is_mip:
        return solve(model, options)
    budget = options.time_limit_s
    third = None if budget is None else max(budget / 3, 1.0)
    lp_opts = dataclasses.replace(options, time_limit_s=third)
    lp = solve(dataclasses.replace(model, integer=np.zeros_like(model.integer)), lp_opts)
    if not lp.has_solution:
        if lp.status is SolveStatus.TIME_LIMIT:
            return solve(model, _left(options, start))
        return solve(model, options)  # infeasible or unbounded: let the MIP say which
    upper = model.col_upper.copy()
    upper[built.w[~_lp_tiers(built, lp.x)]] = 0.0
    left = None if budget is None else budget - (time.perf_counter() - start)
    restricted_opts = dataclasses.replace(
        options,
        time_limit_s=None if left is None or third is None else max(min(third, left / 2), 1.0),
        mip_rel_gap=max(options.mip_rel_gap, 1e-3),
    )
    restricted = solve(dataclasses.replace(model, col_upper=upper), restricted_opts)
    first = restricted.x if restricted.has_solution else None
    result = solve(model, _left(options, start), start=first)
    return dataclasses.replace(result, seconds=time.perf_counter() - start)


def _left(options: SolveOptions, start: float) -> SolveOptions:
    """``options`` with the time limit cut to what is left since ``start``."""
    if options.time_limit_s is None:
        return options
    left = max(options.time_limit_s - (time.perf_counter() - start), 1.0)
    return dataclasses.replace(options, time_limit_s=left)


def _lp_tiers(built: SourcingModel, x: FloatArray) -> NDArray[np.bool_]:
    """Per tier column: True for the one tier the LP quantity of its order falls in."""
    q = np.maximum(x[built.q], 0.0)
    n_order = built.order_offer.size
    total = np.bincount(built.tier_order, weights=q, minlength=n_order)[built.tier_order]
    ordered = total > _QTY_TOL
    inside = ordered & (built.tier_lo - 1e-6 <= total) & (total <= built.tier_hi + 1e-6)
    # orders below every tier's minimum round up to their smallest tier
    has_inside = np.bincount(built.tier_order, weights=inside, minlength=n_order) > 0
    lowest = np.full(n_order, np.inf)
    np.minimum.at(lowest, built.tier_order, built.tier_lo)
    fallback = ordered & ~has_inside[built.tier_order] & (built.tier_lo == lowest[built.tier_order])
    candidate = inside | fallback
    chosen = np.zeros(built.tier_order.size, dtype=bool)
    idx = np.flatnonzero(candidate)
    if idx.size:
        order = idx[np.lexsort((built.price[idx], built.tier_order[idx]))]
        _, first = np.unique(built.tier_order[order], return_index=True)
        chosen[order[first]] = True
    return chosen


def read_plan(
    problem: SourcingProblem,
    built: SourcingModel,
    result: SolveResult,
    build_seconds: float,
    violations: tuple[Violation, ...] = (),
) -> SourcingResult:
    """Turn solver columns into orders, costs, shares and binding capacities."""
    common = {
        "status": result.status,
        "mip_gap": result.mip_gap,
        "build_seconds": build_seconds,
        "solve_seconds": result.seconds,
        "num_vars": built.model.num_col,
        "num_rows": built.model.num_row,
        "violations": violations,
        "message": result.message,
    }
    if not result.has_solution:
        return SourcingResult(
            has_plan=False,
            objective_usd=float("nan"),
            costs=ZERO_COSTS,
            orders=(),
            periods=(),
            binding=(),
            qualified=(),
            **common,  # type: ignore[arg-type]
        )
    arr = built.arrays
    x = result.x
    q = np.maximum(x[built.q], 0.0)
    t_o = built.order_offer[built.tier_order]
    t_a = built.order_period[built.tier_order]
    spend = built.price * q
    qualified = x[built.u] > 0.5
    inventory = np.maximum(x[built.inventory], 0.0)
    shortfall_usd = float(x[built.shortfall].sum()) if built.shortfall.size else 0.0
    costs = CostBreakdown(
        price_usd=float(spend.sum()),
        tariff_usd=float((spend * arr.tariff[t_o, t_a]).sum()),
        freight_usd=float((q * arr.freight[t_o]).sum()),
        qualification_usd=float(arr.qualification[qualified].sum()),
        holding_usd=float((inventory * built.holding_usd[:, None]).sum()),
        shortfall_penalty_usd=shortfall_usd * problem.policy.shortfall_penalty_per_usd,
    )
    n_per = arr.num_periods
    period_spend = np.bincount(t_a, weights=spend, minlength=n_per)
    domestic = np.bincount(t_a, weights=spend * arr.domestic[t_o], minlength=n_per)
    shortfall_by_period = np.zeros(n_per)
    if built.shortfall.size:
        shortfall_by_period[np.flatnonzero(arr.floor > 0)] = x[built.shortfall]
    periods = tuple(
        PeriodShare(
            period=label,
            spend_usd=float(period_spend[a]),
            domestic_usd=float(domestic[a]),
            floor=float(arr.floor[a]),
            shortfall_share=float(shortfall_by_period[a] / period_spend[a])
            if period_spend[a] > 0
            else 0.0,
        )
        for a, label in enumerate(problem.periods)
    )
    return SourcingResult(
        has_plan=True,
        objective_usd=result.objective,
        costs=costs,
        orders=_orders(problem, built, q),
        periods=periods,
        binding=_binding(problem, built, q),
        qualified=tuple(problem.offers[i].offer_id for i in np.flatnonzero(qualified)),
        **common,  # type: ignore[arg-type]
    )


def _orders(problem: SourcingProblem, built: SourcingModel, q: FloatArray) -> tuple[OrderLine, ...]:
    arr = built.arrays
    active = np.flatnonzero(q > _QTY_TOL)
    first = period_index(problem.periods[0])
    lines = []
    for t in active:
        o = int(built.order_offer[built.tier_order[t]])
        a = int(built.order_period[built.tier_order[t]])
        offer = problem.offers[o]
        price = float(built.price[t])
        lines.append(
            OrderLine(
                part_id=offer.part_id,
                offer_id=offer.offer_id,
                site_id=offer.site_id,
                country=offer.country,
                order_period=period_label(first + a - int(arr.lead[o])),
                arrival_period=problem.periods[a],
                qty=float(q[t]),
                unit_cost_usd=price,
                landed_usd=float(q[t] * (price * (1 + arr.tariff[o, a]) + arr.freight[o])),
            )
        )
    return tuple(lines)


def _binding(
    problem: SourcingProblem, built: SourcingModel, q: FloatArray
) -> tuple[BindingCapacity, ...]:
    arr = built.arrays
    shipped = np.bincount(built.tier_order, weights=q, minlength=built.order_offer.size)
    cap = arr.capacity[built.order_offer, built.order_period]
    tight = np.flatnonzero((cap > 0) & (shipped >= cap * (1 - 1e-6) - _QTY_TOL))
    return tuple(
        BindingCapacity(
            offer_id=problem.offers[int(built.order_offer[v])].offer_id,
            part_id=problem.offers[int(built.order_offer[v])].part_id,
            site_id=problem.offers[int(built.order_offer[v])].site_id,
            period=problem.periods[int(built.order_period[v])],
            capacity_units=float(cap[v]),
        )
        for v in tight
    )
