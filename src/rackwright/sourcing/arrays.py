"""A ``SourcingProblem`` laid out as numpy arrays, and where its dual-source rule applies.

One pass over the offers; everything downstream (the MILP, the decomposition, the plan read-back)
works on these arrays with index arithmetic instead of Python loops over parts and offers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rackwright.optim.model import FloatArray, IntArray
from rackwright.sourcing.problem import DualSourceScope, SourcingProblem

BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class DualSourceRule:
    """Where the dual-source rule binds: per critical part, the quarters and the offers it covers.

    ``periods[p, a]`` is True when the rule applies to part ``p`` in quarter ``a``; ``offers[o]``
    when offer ``o`` must take its share there if qualified (its site is open in one of those
    quarters). ``parts`` lists the parts the rule binds (some demand falls in those quarters).
    """

    periods: BoolArray
    offers: BoolArray
    parts: IntArray
    min_sites: int
    min_share: float

    def demand(self, demand: FloatArray) -> FloatArray:
        """Per part, the units demanded in the quarters where the rule applies."""
        total: FloatArray = np.where(self.periods, demand, 0.0).sum(axis=1)
        return total


@dataclass(frozen=True)
class ProblemArrays:
    """The problem as dense numpy arrays (offers x tiers, offers x periods, parts x periods)."""

    part_of: IntArray
    lead: IntArray
    moq: FloatArray
    multiple: IntArray
    capacity: FloatArray
    tariff: FloatArray  # offers x periods: the duty rate of an order arriving in each period
    freight: FloatArray
    qualification: FloatArray
    domestic: BoolArray
    country_of: IntArray
    countries: tuple[str, ...]
    tier_min: FloatArray
    tier_price: FloatArray
    tier_valid: BoolArray
    demand: FloatArray
    initial: FloatArray
    critical: BoolArray
    floor: FloatArray
    dual: DualSourceRule

    @property
    def num_offers(self) -> int:
        """Number of offers."""
        return int(self.part_of.shape[0])

    @property
    def num_parts(self) -> int:
        """Number of parts."""
        return int(self.demand.shape[0])

    @property
    def num_periods(self) -> int:
        """Number of periods."""
        return int(self.demand.shape[1])

    @property
    def landed_min_price(self) -> FloatArray:
        """Per part, the lowest ex-works tier price of any of its offers (0 without offers)."""
        lowest = np.full(self.num_parts, np.inf)
        offer_min = self.tier_price.min(axis=1, initial=np.inf, where=self.tier_valid)
        np.minimum.at(lowest, self.part_of, offer_min)
        return np.where(np.isfinite(lowest), lowest, 0.0)

    @property
    def remaining_demand(self) -> FloatArray:
        """Parts x periods: units still due from each period to the end, less initial stock."""
        still_due = np.cumsum(self.demand[:, ::-1], axis=1)[:, ::-1]
        return np.maximum(still_due - self.initial[:, None], 0.0)


def arrays_of(problem: SourcingProblem) -> ProblemArrays:
    """Lay the problem out as numpy arrays (one pass over the offers, no model work)."""
    parts = {p.part_id: i for i, p in enumerate(problem.parts)}
    offers = problem.offers
    countries = tuple(sorted({o.country for o in offers}))
    country_index = {c: i for i, c in enumerate(countries)}
    k_max = max((len(o.tiers) for o in offers), default=1)
    tier_min = np.full((len(offers), k_max), np.inf)  # padding: no further break
    tier_price = np.zeros((len(offers), k_max))
    tier_valid = np.zeros((len(offers), k_max), dtype=bool)
    for i, offer in enumerate(offers):
        k = len(offer.tiers)
        tier_min[i, :k] = [t.min_qty for t in offer.tiers]
        tier_price[i, :k] = [t.unit_cost_usd for t in offer.tiers]
        tier_valid[i, :k] = True
    periods = len(problem.periods)
    part_of = np.array([parts[o.part_id] for o in offers], dtype=np.int64)
    capacity = np.array([o.capacity for o in offers], dtype=np.float64).reshape(-1, periods)
    demand = np.array([p.demand for p in problem.parts], dtype=np.float64).reshape(-1, periods)
    critical = np.array([p.critical for p in problem.parts], dtype=bool)
    sites = [o.site_id for o in offers]
    return ProblemArrays(
        part_of=part_of,
        lead=np.array([o.lead_periods for o in offers], dtype=np.int64),
        moq=np.array([o.moq for o in offers], dtype=np.float64),
        multiple=np.array([o.order_multiple for o in offers], dtype=np.int64),
        capacity=capacity,
        tariff=np.array([o.tariff_rates(periods) for o in offers], dtype=np.float64).reshape(
            -1, periods
        ),
        freight=np.array([o.freight_usd_per_unit for o in offers], dtype=np.float64),
        qualification=np.array([o.qualification_usd for o in offers], dtype=np.float64),
        domestic=np.array([o.domestic for o in offers], dtype=bool),
        country_of=np.array([country_index[o.country] for o in offers], dtype=np.int64),
        countries=countries,
        tier_min=tier_min,
        tier_price=tier_price,
        tier_valid=tier_valid,
        demand=demand,
        initial=np.array([p.initial_inventory for p in problem.parts], dtype=np.float64),
        critical=critical,
        floor=np.array(problem.policy.domestic_floor, dtype=np.float64),
        dual=dual_source_rule(problem, part_of, sites, capacity, demand, critical),
    )


def dual_source_rule(
    problem: SourcingProblem,
    part_of: IntArray,
    sites: list[str],
    capacity: FloatArray,
    demand: FloatArray,
    critical: BoolArray,
) -> DualSourceRule:
    """The quarters and offers each critical part's dual-source rule covers under the policy."""
    policy = problem.policy
    n_part, n_per = demand.shape
    need = policy.dual_source_min_sites
    if need <= 1:
        periods = np.zeros((n_part, n_per), dtype=bool)
    elif policy.dual_source_scope is DualSourceScope.WHOLE_HORIZON:
        periods = np.repeat(critical[:, None], n_per, axis=1)
    else:
        periods = critical[:, None] & (_open_sites(part_of, sites, capacity, n_part) >= need)
    binds = np.flatnonzero(np.where(periods, demand, 0.0).sum(axis=1) > 0)
    bound = np.zeros(n_part, dtype=bool)
    bound[binds] = True
    if policy.dual_source_scope is DualSourceScope.WHOLE_HORIZON:
        offers = bound[part_of]
    else:
        offers = bound[part_of] & ((capacity > 0) & periods[part_of]).any(axis=1)
    return DualSourceRule(
        periods=periods & bound[:, None],
        offers=offers,
        parts=binds.astype(np.int64),
        min_sites=need,
        min_share=policy.dual_source_min_share,
    )


def _open_sites(part_of: IntArray, sites: list[str], capacity: FloatArray, n_part: int) -> IntArray:
    """Parts x periods: how many distinct supplier sites of the part have capacity then."""
    site_index = {s: i for i, s in enumerate(dict.fromkeys(sites))}
    site_of = np.array([site_index[s] for s in sites], dtype=np.int64)
    n_per = capacity.shape[1]
    seen = np.zeros((n_part, len(site_index), n_per), dtype=bool)
    np.logical_or.at(seen, (part_of, site_of), capacity > 0)  # two offers at one site count once
    count: IntArray = seen.sum(axis=1).astype(np.int64)
    return count
