"""Explain an infeasible sourcing problem with an elastic relaxation.

Every demand, capacity, domestic-floor, country-share and dual-source row gets a weighted slack;
the smallest weighted total names the rules to relax and by how much, in a user's words
("domestic floor 60% in 2028Q3 needs 14% more U.S. content: add U.S. capacity for power-shelf"),
and each explanation names the option or input field that relaxes its rule (``relax``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from rackwright.optim import SolveOptions, solve
from rackwright.optim.model import FloatArray
from rackwright.sourcing.milp import SourcingModel, build_model
from rackwright.sourcing.problem import SourcingProblem
from rackwright.sourcing.result import Violation, ViolationKind

_TOL = 1e-6

# what relaxes each rule: the scenario or policy field, and the `rackwright source` option
RELAXES = {
    ViolationKind.DEMAND: (
        "build fewer racks in the scenario's [[build]] lots for that quarter, or add supplier "
        "capacity (the offer's capacity in the catalog's supply data)"
    ),
    ViolationKind.CAPACITY: (
        "raise this offer's capacity in the catalog's supply data, or build fewer racks in the "
        "scenario's [[build]] lots for that quarter"
    ),
    ViolationKind.DOMESTIC_FLOOR: (
        "lower the scenario's [[domestic_target]] share for that year (or pass "
        "--domestic-floor), or allow a priced shortfall with --soft-floor"
    ),
    ViolationKind.COUNTRY_SHARE: (
        "raise max_foreign_share or the country's cap in the sourcing policy (policy.toml)"
    ),
    ViolationKind.DUAL_SOURCE_SITES: (
        "qualify another supplier site for the part, mark it critical = false in the catalog, "
        "or pass --dual-sites 1 (policy.toml [dual_source] min_sites)"
    ),
    ViolationKind.DUAL_SOURCE_SHARE: (
        "lower --dual-share (policy.toml [dual_source] min_share); 0 keeps two sites qualified "
        "but lets the second take any share"
    ),
}


@dataclasses.dataclass(frozen=True)
class _Relaxed:
    """An elastic solution and the quantities every explanation reads from it."""

    problem: SourcingProblem
    built: SourcingModel
    x: FloatArray
    q: FloatArray
    spend: FloatArray
    period_spend: FloatArray
    names: dict[str, str]


def explain_infeasibility(
    problem: SourcingProblem, options: SolveOptions | None = None
) -> tuple[Violation, ...]:
    """The relaxations that make ``problem`` feasible, largest first within each kind."""
    built = build_model(problem, elastic=True)
    opts = dataclasses.replace(options or SolveOptions(mip_rel_gap=1e-4), progress=None)
    # The LP relaxation names capacity, lead-time and policy conflicts at once; only when it
    # finds nothing to relax (MOQ, lot or tier rounding is to blame) is the elastic MIP solved.
    relaxed = dataclasses.replace(built.model, integer=np.zeros_like(built.model.integer))
    result = solve(relaxed, opts)
    if result.has_solution and _slack_total(built, result.x) <= _TOL:
        result = solve(built.model, dataclasses.replace(opts, max_nodes=opts.max_nodes or 2000))
    if not result.has_solution:
        return ()
    q = np.maximum(result.x[built.q], 0.0)
    spend = built.price * q
    state = _Relaxed(
        problem=problem,
        built=built,
        x=result.x,
        q=q,
        spend=spend,
        period_spend=np.bincount(
            built.tiers.tier_period, weights=spend, minlength=built.arrays.num_periods
        ).astype(np.float64),
        names={p.part_id: p.name for p in problem.parts},
    )
    readers: tuple[Callable[[_Relaxed], list[Violation]], ...] = (
        _demand,
        _capacity,
        _domestic_floor,
        _country_share,
        _dual_sites,
        _dual_share,
    )
    return tuple(v for read in readers for v in read(state))


def _violation(
    kind: ViolationKind, period: str, item: str, amount: float, unit: str, message: str
) -> Violation:
    return Violation(kind, period, item, amount, unit, message, RELAXES[kind])


def _demand(s: _Relaxed) -> list[Violation]:
    arr, problem = s.built.arrays, s.problem
    unmet = s.x[s.built.slacks.demand]
    out = []
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
            _violation(
                ViolationKind.DEMAND,
                problem.periods[a],
                part.part_id,
                float(unmet[p, a]),
                "units",
                f"demand for {part.name} in {problem.periods[a]} is short by "
                f"{unmet[p, a]:,.0f} of {arr.demand[p, a]:,.0f} units: {why}",
            )
        )
    return out


def _capacity(s: _Relaxed) -> list[Violation]:
    arr, built, problem = s.built.arrays, s.built, s.problem
    extra = s.x[built.slacks.capacity]
    out = []
    for v in np.flatnonzero(extra > _TOL * np.maximum(arr.demand.max(initial=0.0), 1.0)):
        o, a = int(built.order_offer[v]), int(built.order_period[v])
        offer = problem.offers[o]
        cap = arr.capacity[o, a]
        more = f" ({extra[v] / cap:.0%} above {cap:,.0f})" if cap > 0 else " (it has none)"
        out.append(
            _violation(
                ViolationKind.CAPACITY,
                problem.periods[a],
                offer.offer_id,
                float(extra[v]),
                "units",
                f"{offer.site_name} ({offer.country}) capacity for {s.names[offer.part_id]} in "
                f"{problem.periods[a]} must rise by {extra[v]:,.0f} units{more}",
            )
        )
    return out


def _domestic_floor(s: _Relaxed) -> list[Violation]:
    arr, built, problem = s.built.arrays, s.built, s.problem
    floor_periods = built.rows.floor_periods
    missing = s.x[built.slacks.domestic]
    t_o, t_a = built.tiers.tier_offer, built.tiers.tier_period
    category = np.array([problem.parts[p].category for p in arr.part_of])
    out = []
    for i in np.flatnonzero(missing > _TOL * np.maximum(s.period_spend[floor_periods], 1.0)):
        a = int(floor_periods[i])
        points = missing[i] / s.period_spend[a] if s.period_spend[a] > 0 else 1.0
        foreign = (t_a == a) & ~arr.domestic[t_o]
        biggest = "imported parts"
        if foreign.any():
            by_cat: dict[str, float] = {}
            for c, usd in zip(category[t_o[foreign]], s.spend[foreign], strict=True):
                by_cat[str(c)] = by_cat.get(str(c), 0.0) + float(usd)
            biggest = max(by_cat, key=lambda c: by_cat[c])
        out.append(
            _violation(
                ViolationKind.DOMESTIC_FLOOR,
                problem.periods[a],
                "US",
                float(points),
                "share of spend",
                f"domestic floor {arr.floor[a]:.0%} in {problem.periods[a]} needs "
                f"{points:.0%} more U.S. content: add U.S. capacity for {biggest}",
            )
        )
    return out


def _country_share(s: _Relaxed) -> list[Violation]:
    arr, built, problem = s.built.arrays, s.built, s.problem
    over = s.x[built.slacks.country]
    out = []
    for i in np.flatnonzero(over > _TOL):
        c, a = (int(v) for v in built.rows.country_rows[i])
        points = over[i] / s.period_spend[a] if s.period_spend[a] > 0 else 0.0
        if points <= _TOL:
            continue
        country = arr.countries[c]
        out.append(
            _violation(
                ViolationKind.COUNTRY_SHARE,
                problem.periods[a],
                country,
                float(points),
                "share of spend",
                f"{country} share in {problem.periods[a]} is {points:.0%} of spend over its "
                f"{built.rows.country_cap[i]:.0%} cap: add capacity outside {country}",
            )
        )
    return out


def _dual_sites(s: _Relaxed) -> list[Violation]:
    arr, built, problem = s.built.arrays, s.built, s.problem
    short = s.x[built.slacks.dual_sites]
    need = problem.policy.dual_source_min_sites
    out = []
    for i in np.flatnonzero(short > 0.5):
        p = int(arr.dual.parts[i])
        part = problem.parts[p]
        have = len({problem.offers[o].site_id for o in np.flatnonzero(arr.part_of == p)})
        out.append(
            _violation(
                ViolationKind.DUAL_SOURCE_SITES,
                "",
                part.part_id,
                float(round(short[i])),
                "sites",
                f"critical part {part.name} has {have} supplier site(s); dual sourcing needs "
                f"{need}: qualify {round(short[i])} more",
            )
        )
    return out


def _dual_share(s: _Relaxed) -> list[Violation]:
    arr, built, problem = s.built.arrays, s.built, s.problem
    short = s.x[built.slacks.dual_share]
    covered = np.flatnonzero(arr.dual.offers)
    share = problem.policy.dual_source_min_share
    out = []
    for i in np.flatnonzero(short > _TOL * np.maximum(arr.demand.max(initial=0.0), 1.0)):
        offer = problem.offers[int(covered[i])]
        out.append(
            _violation(
                ViolationKind.DUAL_SOURCE_SHARE,
                "",
                offer.offer_id,
                float(short[i]),
                "units",
                f"{offer.site_name} must supply {share:.0%} of {s.names[offer.part_id]} as a "
                f"second source but falls {short[i]:,.0f} units short in the quarters the rule "
                "applies",
            )
        )
    return out


def _slack_total(built: SourcingModel, x: FloatArray) -> float:
    """Weighted slack of a relaxed solution (its objective without the tiny cost term)."""
    s = built.slacks
    cols = np.concatenate(
        [s.demand.ravel(), s.capacity, s.domestic, s.country, s.dual_sites, s.dual_share]
    )
    return float((built.model.col_cost[cols] * x[cols]).sum())
