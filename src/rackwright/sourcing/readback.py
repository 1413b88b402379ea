"""Read a proven plan back into a ``SourcingResult``: orders, costs, shares, binding capacity.

Also says, per critical part, how the dual-source rule fell on it (which quarters, which sites'
shares, or why it did not apply), and states the rules in words for the report.
"""

from __future__ import annotations

import numpy as np

from rackwright.optim import SolveStatus
from rackwright.optim.model import FloatArray
from rackwright.sourcing.milp import SourcingModel
from rackwright.sourcing.problem import (
    DualSourceScope,
    SourcingProblem,
    period_index,
    period_label,
)
from rackwright.sourcing.prove import Proof
from rackwright.sourcing.result import (
    ZERO_COSTS,
    BindingCapacity,
    CostBreakdown,
    DualSourceStatus,
    OrderLine,
    PeriodShare,
    SourcingResult,
    Violation,
)

_QTY_TOL = 1e-6


def read_plan(
    problem: SourcingProblem,
    built: SourcingModel,
    proof: Proof,
    build_seconds: float,
    target_gap: float,
    violations: tuple[Violation, ...] = (),
) -> SourcingResult:
    """Turn the proof's columns into orders, costs, shares and binding capacities."""
    common = {
        "status": proof.status,
        "mip_gap": proof.gap,
        "build_seconds": build_seconds,
        "solve_seconds": proof.seconds,
        "num_vars": built.model.num_col,
        "num_rows": built.model.num_row,
        "violations": violations,
        "message": "; ".join(proof.steps) or proof.stop.value,
        "bound_usd": proof.bound,
        "target_gap": target_gap,
        "stopped_by": proof.stop.value,
        "proof_steps": proof.steps,
        "policy_notes": policy_notes(problem, built),
    }
    if not proof.has_plan:
        status = proof.status if proof.status is not SolveStatus.OPTIMAL else SolveStatus.ERROR
        return SourcingResult(
            has_plan=False,
            objective_usd=float("nan"),
            costs=ZERO_COSTS,
            orders=(),
            periods=(),
            binding=(),
            qualified=(),
            **{**common, "status": status, "mip_gap": float("inf")},  # type: ignore[arg-type]
        )
    x = proof.x
    q = np.maximum(x[built.q], 0.0)
    qualified = x[built.u] > 0.5
    return SourcingResult(
        has_plan=True,
        objective_usd=float(built.model.col_cost @ x),
        costs=_costs(problem, built, x, q, qualified),
        orders=_orders(problem, built, q),
        periods=_periods(problem, built, x, q),
        binding=_binding(problem, built, q),
        qualified=tuple(problem.offers[i].offer_id for i in np.flatnonzero(qualified)),
        dual_source=dual_source_status(problem, built, q, qualified),
        **common,  # type: ignore[arg-type]
    )


def _costs(
    problem: SourcingProblem,
    built: SourcingModel,
    x: FloatArray,
    q: FloatArray,
    qualified: np.ndarray,
) -> CostBreakdown:
    arr = built.arrays
    t_o, t_a = built.tiers.tier_offer, built.tiers.tier_period
    spend = built.price * q
    inventory = np.maximum(x[built.inventory], 0.0)
    shortfall_usd = float(x[built.shortfall].sum()) if built.shortfall.size else 0.0
    return CostBreakdown(
        price_usd=float(spend.sum()),
        tariff_usd=float((spend * arr.tariff[t_o, t_a]).sum()),
        freight_usd=float((q * arr.freight[t_o]).sum()),
        qualification_usd=float(arr.qualification[qualified].sum()),
        holding_usd=float((inventory * built.holding_usd[:, None]).sum()),
        shortfall_penalty_usd=shortfall_usd * problem.policy.shortfall_penalty_per_usd,
    )


def _periods(
    problem: SourcingProblem, built: SourcingModel, x: FloatArray, q: FloatArray
) -> tuple[PeriodShare, ...]:
    arr = built.arrays
    t_o, t_a = built.tiers.tier_offer, built.tiers.tier_period
    spend = built.price * q
    n_per = arr.num_periods
    period_spend = np.bincount(t_a, weights=spend, minlength=n_per)
    domestic = np.bincount(t_a, weights=spend * arr.domestic[t_o], minlength=n_per)
    shortfall = np.zeros(n_per)
    if built.shortfall.size:
        shortfall[built.rows.floor_periods] = x[built.shortfall]
    return tuple(
        PeriodShare(
            period=label,
            spend_usd=float(period_spend[a]),
            domestic_usd=float(domestic[a]),
            floor=float(arr.floor[a]),
            shortfall_share=float(shortfall[a] / period_spend[a]) if period_spend[a] > 0 else 0.0,
        )
        for a, label in enumerate(problem.periods)
    )


def _orders(problem: SourcingProblem, built: SourcingModel, q: FloatArray) -> tuple[OrderLine, ...]:
    arr = built.arrays
    first = period_index(problem.periods[0])
    lines = []
    t_o, t_a = built.tiers.tier_offer, built.tiers.tier_period
    for t in np.flatnonzero(q > _QTY_TOL):
        o = int(t_o[t])
        a = int(t_a[t])
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
    out = []
    for v in tight:
        offer = problem.offers[int(built.order_offer[v])]
        out.append(
            BindingCapacity(
                offer_id=offer.offer_id,
                part_id=offer.part_id,
                site_id=offer.site_id,
                period=problem.periods[int(built.order_period[v])],
                capacity_units=float(cap[v]),
            )
        )
    return tuple(out)


def dual_source_status(
    problem: SourcingProblem, built: SourcingModel, q: FloatArray, qualified: np.ndarray
) -> tuple[DualSourceStatus, ...]:
    """Per critical part: where the dual-source rule applied and each site's share, or why not."""
    arr = built.arrays
    rule = arr.dual
    need = rule.min_sites
    t_o, t_a = built.tiers.tier_offer, built.tiers.tier_period
    bought = np.zeros((arr.num_parts, arr.num_periods))
    np.add.at(bought, (arr.part_of[t_o], t_a), q)
    out = []
    for p in np.flatnonzero(arr.critical):
        part = problem.parts[p]
        quarters = tuple(problem.periods[a] for a in np.flatnonzero(rule.periods[p]))
        if p in set(rule.parts.tolist()):
            in_rule = rule.periods[p][t_a] & (arr.part_of[t_o] == p)
            units = np.bincount(t_o[in_rule], weights=q[in_rule], minlength=arr.num_offers)
            total = max(float(rule.demand(arr.demand)[p]), 1e-9)
            shares = tuple(
                (problem.offers[o].site_id, float(units[o] / total))
                for o in np.flatnonzero((arr.part_of == p) & qualified)
            )
            reason = f"{need} sites open in {len(quarters)} quarter(s) with demand"
            out.append(DualSourceStatus(part.part_id, part.name, True, quarters, reason, shares))
        else:
            out.append(
                DualSourceStatus(
                    part.part_id, part.name, False, (), _why_not(problem, int(p), need)
                )
            )
    return tuple(out)


def _why_not(problem: SourcingProblem, p: int, need: int) -> str:
    """Why the rule did not bind on critical part ``p``."""
    if need <= 1:
        return "the dual-source rule is off (fewer than 2 sites required)"
    part = problem.parts[p]
    offers = [o for o in problem.offers if o.part_id == part.part_id]
    demand_quarters = [i for i, d in enumerate(part.demand) if d > 0]
    open_then = max(
        (len({o.site_id for o in offers if o.capacity[i] > 0}) for i in demand_quarters),
        default=0,
    )
    first_two = next(
        (
            problem.periods[i]
            for i in range(len(problem.periods))
            if len({o.site_id for o in offers if o.capacity[i] > 0}) >= need
        ),
        None,
    )
    if first_two is None:
        return f"never {need} supplier sites open (at most {open_then})"
    return (
        f"at most {open_then} supplier site(s) open while it is bought; "
        f"{need} are open only from {first_two}"
    )


def policy_notes(problem: SourcingProblem, built: SourcingModel) -> tuple[str, ...]:
    """The plan's rules in words, for the report."""
    policy = problem.policy
    rule = built.arrays.dual
    critical = int(built.arrays.critical.sum())
    notes = [
        "Domestic share = U.S. share of purchase spend (before tariff and freight) of the parts "
        "arriving in each quarter"
        + (
            "; a shortfall is allowed at a price and reported."
            if policy.soft_domestic_floor
            else "."
        ),
    ]
    if rule.min_sites > 1 and critical:
        where = (
            f"in the quarters in which {rule.min_sites} of its supplier sites are open"
            if policy.dual_source_scope is DualSourceScope.OPEN_QUARTERS
            else "over the whole horizon"
        )
        notes.append(
            f"Dual-source rule: a critical part needs {rule.min_sites} qualified sites, each "
            f"taking at least {rule.min_share:.0%} of its units, {where}; it binds on "
            f"{rule.parts.size} of {critical} critical parts."
        )
    return tuple(notes)
