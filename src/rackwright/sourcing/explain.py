"""Explain an infeasible sourcing problem with an elastic relaxation.

Every demand, capacity, domestic-floor, country-share and dual-source row gets a weighted slack;
the smallest weighted total names the rules to relax and by how much, in a user's words
("domestic floor 60% in 2028Q3 needs 14% more U.S. content: add U.S. capacity for power-shelf").
"""

from __future__ import annotations

import dataclasses

import numpy as np

from rackwright.optim import SolveOptions, solve
from rackwright.optim.model import FloatArray
from rackwright.sourcing.milp import SourcingModel, build_model
from rackwright.sourcing.problem import SourcingProblem
from rackwright.sourcing.result import Violation, ViolationKind

_TOL = 1e-6


def explain_infeasibility(
    problem: SourcingProblem, options: SolveOptions | None = None
) -> tuple[Violation, ...]:
    """The relaxations that make ``problem`` feasible, largest first within each kind."""
    built = build_model(problem, elastic=True)
    opts = options or SolveOptions(mip_rel_gap=1e-4)
    # The LP relaxation names capacity, lead-time and policy conflicts at once; only when it
    # finds nothing to relax (MOQ, lot or tier rounding is to blame) is the elastic MIP solved.
    relaxed = dataclasses.replace(built.model, integer=np.zeros_like(built.model.integer))
    result = solve(relaxed, opts)
    if result.has_solution and _slack_total(built, result.x) <= _TOL:
        result = solve(built.model, opts)
    if not result.has_solution:
        return ()
    x = result.x
    arr = built.arrays
    s = built.slacks
    names = {p.part_id: p.name for p in problem.parts}
    out: list[Violation] = []

    q = np.maximum(x[built.q], 0.0)
    t_o = built.order_offer[built.tier_order]
    t_a = built.order_period[built.tier_order]
    spend = built.price * q
    period_spend = np.bincount(t_a, weights=spend, minlength=arr.num_periods)

    unmet = x[s.demand]
    for p, a in zip(*np.nonzero(unmet > _TOL * np.maximum(arr.demand, 1.0)), strict=True):
        part = problem.parts[p]
        reachable = [
            o
            for o in np.flatnonzero(arr.part_of == p)
            if a - arr.lead[o] >= -problem.policy.order_lead_in_periods
        ]
        why = (
            "no offer's lead time can deliver by then"
            if not reachable
            else "not enough capacity can deliver by then"
        )
        out.append(
            Violation(
                ViolationKind.DEMAND,
                problem.periods[a],
                part.part_id,
                float(unmet[p, a]),
                "units",
                f"demand for {part.name} in {problem.periods[a]} is short by "
                f"{unmet[p, a]:,.0f} of {arr.demand[p, a]:,.0f} units: {why}",
            )
        )

    extra = x[s.capacity]
    for v in np.flatnonzero(extra > _TOL * np.maximum(arr.demand.max(), 1.0)):
        o, a = int(built.order_offer[v]), int(built.order_period[v])
        offer = problem.offers[o]
        cap = arr.capacity[o, a]
        more = f" ({extra[v] / cap:.0%} above {cap:,.0f})" if cap > 0 else " (it has none)"
        out.append(
            Violation(
                ViolationKind.CAPACITY,
                problem.periods[a],
                offer.offer_id,
                float(extra[v]),
                "units",
                f"{offer.site_name} ({offer.country}) capacity for {names[offer.part_id]} in "
                f"{problem.periods[a]} must rise by {extra[v]:,.0f} units{more}",
            )
        )

    floor_periods = np.flatnonzero(arr.floor > 0)
    missing = x[s.domestic]
    category = np.array([problem.parts[p].category for p in arr.part_of])
    for i in np.flatnonzero(missing > _TOL * np.maximum(period_spend[floor_periods], 1.0)):
        a = int(floor_periods[i])
        points = missing[i] / period_spend[a] if period_spend[a] > 0 else 1.0
        foreign = (t_a == a) & ~arr.domestic[t_o]
        biggest = "imported parts"
        if foreign.any():
            by_cat: dict[str, float] = {}
            for c, usd in zip(category[t_o[foreign]], spend[foreign], strict=True):
                by_cat[str(c)] = by_cat.get(str(c), 0.0) + float(usd)
            biggest = max(by_cat, key=lambda c: by_cat[c])
        out.append(
            Violation(
                ViolationKind.DOMESTIC_FLOOR,
                problem.periods[a],
                "US",
                float(points),
                "share of spend",
                f"domestic floor {arr.floor[a]:.0%} in {problem.periods[a]} needs "
                f"{points:.0%} more U.S. content: add U.S. capacity for {biggest}",
            )
        )

    over = x[s.country]
    for i in np.flatnonzero(over > _TOL):
        c, a = (int(v) for v in built.country_rows[i])
        points = over[i] / period_spend[a] if period_spend[a] > 0 else 0.0
        if points <= _TOL:
            continue
        country = arr.countries[c]
        out.append(
            Violation(
                ViolationKind.COUNTRY_SHARE,
                problem.periods[a],
                country,
                float(points),
                "share of spend",
                f"{country} share in {problem.periods[a]} is {points:.0%} of spend over its "
                f"{built.country_cap[i]:.0%} cap: add capacity outside {country}",
            )
        )

    sites_short = x[s.dual_sites]
    for i in np.flatnonzero(sites_short > 0.5):
        part = problem.parts[int(built.critical_parts[i])]
        have = int((arr.part_of == built.critical_parts[i]).sum())
        out.append(
            Violation(
                ViolationKind.DUAL_SOURCE_SITES,
                "",
                part.part_id,
                float(round(sites_short[i])),
                "sites",
                f"critical part {part.name} has {have} supplier site(s); dual sourcing needs "
                f"{problem.policy.dual_source_min_sites}: qualify {round(sites_short[i])} more",
            )
        )

    share_short = x[s.dual_share]
    for i in np.flatnonzero(share_short > _TOL * np.maximum(arr.demand.max(), 1.0)):
        offer = problem.offers[int(built.critical_offers[i])]
        out.append(
            Violation(
                ViolationKind.DUAL_SOURCE_SHARE,
                "",
                offer.offer_id,
                float(share_short[i]),
                "units",
                f"{offer.site_name} must supply {problem.policy.dual_source_min_share:.0%} of "
                f"{names[offer.part_id]} as a second source but falls {share_short[i]:,.0f} "
                "units short over the horizon",
            )
        )
    return tuple(out)


def _slack_total(built: SourcingModel, x: FloatArray) -> float:
    """Weighted slack of a relaxed solution (its objective without the tiny cost term)."""
    s = built.slacks
    cols = np.concatenate(
        [s.demand.ravel(), s.capacity, s.domestic, s.country, s.dual_sites, s.dual_share]
    )
    return float((built.model.col_cost[cols] * x[cols]).sum())
