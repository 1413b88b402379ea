"""Build the sourcing MILP from a ``SourcingProblem`` with numpy index arrays (no element loops).

Decision per (offer o, arrival period a): the order placed in period ``a - lead_o``. Price breaks
are all-units tiers: a binary ``w`` picks at most one tier and the tier quantity ``q`` must lie
between the tier's lower quantity (and the MOQ) and the next break (or capacity). Rows:

- tier bounds ``lo w <= q <= hi w``; one tier per order ``sum_k w <= u_o`` (``u_o`` = the part-site
  is qualified, paid once); integer lots ``sum_k q = multiple * n`` where the multiple exceeds 1;
- offer capacity per period; inventory balance per part and period (arrivals from the lead-time
  offset, end inventory carried at a holding cost);
- spend per period ``S_a = sum price q``, domestic floor ``sum_US price q >= floor_a S_a`` (soft
  with a priced shortfall when asked), country caps ``sum_c price q <= cap_c S_a``;
- critical parts: at least two qualified sites, each with a minimum share of the part's units.

With ``elastic=True`` every policy and physical row gets a non-negative slack and the objective
becomes the weighted slack total: the smallest set of relaxations that makes the plan possible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rackwright.optim import INF, ModelBuilder, SparseModel
from rackwright.optim.model import FloatArray, IntArray
from rackwright.sourcing.problem import SourcingProblem

NDArrayBool = NDArray[np.bool_]


@dataclass(frozen=True)
class ProblemArrays:
    """The problem as dense numpy arrays (offers x tiers, offers x periods, parts x periods)."""

    part_of: IntArray
    lead: IntArray
    moq: FloatArray
    multiple: IntArray
    capacity: FloatArray
    tariff: FloatArray  # offers x periods: the duty rate by arrival period
    freight: FloatArray
    qualification: FloatArray
    domestic: NDArrayBool
    country_of: IntArray
    countries: tuple[str, ...]
    tier_min: FloatArray
    tier_price: FloatArray
    tier_valid: NDArrayBool
    demand: FloatArray
    initial: FloatArray
    critical: NDArrayBool
    floor: FloatArray

    @property
    def num_offers(self) -> int:
        """O."""
        return int(self.part_of.shape[0])

    @property
    def num_parts(self) -> int:
        """Number of parts."""
        return int(self.demand.shape[0])

    @property
    def num_periods(self) -> int:
        """P."""
        return int(self.demand.shape[1])


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
    return ProblemArrays(
        part_of=np.array([parts[o.part_id] for o in offers], dtype=np.int64),
        lead=np.array([o.lead_periods for o in offers], dtype=np.int64),
        moq=np.array([o.moq for o in offers], dtype=np.float64),
        multiple=np.array([o.order_multiple for o in offers], dtype=np.int64),
        capacity=np.array([o.capacity for o in offers], dtype=np.float64).reshape(-1, periods),
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
        demand=np.array([p.demand for p in problem.parts], dtype=np.float64).reshape(-1, periods),
        initial=np.array([p.initial_inventory for p in problem.parts], dtype=np.float64),
        critical=np.array([p.critical for p in problem.parts], dtype=bool),
        floor=np.array(problem.policy.domestic_floor, dtype=np.float64),
    )


@dataclass(frozen=True)
class Slacks:
    """Column indices of the elastic slacks (empty arrays when the model is not elastic)."""

    demand: IntArray  # parts x periods, units short
    capacity: IntArray  # per order (v), units above capacity
    domestic: IntArray  # per period, USD of domestic spend missing
    country: IntArray  # (country, period) pairs in ``country_rows``, USD above the cap
    dual_sites: IntArray  # per critical part, sites missing
    dual_share: IntArray  # per offer of a critical part, units below the minimum share


@dataclass(frozen=True)
class SourcingModel:
    """The MILP plus every index map needed to read a solution back."""

    model: SparseModel
    arrays: ProblemArrays
    order_offer: IntArray  # v -> offer
    order_period: IntArray  # v -> arrival period index
    tier_order: IntArray  # t -> v
    tier_k: IntArray  # t -> tier index
    price: FloatArray  # t -> unit price of the tier (USD, before tariff and freight)
    tier_lo: FloatArray  # t -> least quantity of the tier (MOQ included)
    tier_hi: FloatArray  # t -> most quantity of the tier
    q: IntArray  # t -> column of the tier quantity
    w: IntArray  # t -> column of the tier binary
    u: IntArray  # offer -> qualification column
    inventory: IntArray  # parts x periods
    holding_usd: FloatArray  # per part, per unit and period held
    spend: IntArray  # per period
    shortfall: IntArray  # per period (soft floor) or empty
    country_rows: IntArray  # (k, 2): country index, period of each capped country row
    country_cap: FloatArray  # cap of each country row
    critical_parts: IntArray
    critical_offers: IntArray
    capacity_rows: IntArray  # v -> row
    slacks: Slacks
    elastic: bool


def build_model(problem: SourcingProblem, *, elastic: bool = False) -> SourcingModel:
    """Assemble the sourcing MILP (or its elastic relaxation) in CSC form."""
    arr = arrays_of(problem)
    policy = problem.policy
    n_offer, n_part, n_per = arr.num_offers, arr.num_parts, arr.num_periods
    total_demand = np.maximum(arr.demand.sum(axis=1) - arr.initial, 0.0)

    # orders: (offer, arrival period) whose order period is not before the lead-in
    arrival = np.arange(n_per)[None, :]
    allowed = arrival - arr.lead[:, None] >= -policy.order_lead_in_periods
    if not elastic:
        allowed &= arr.capacity > 0
    order_offer, order_period = np.nonzero(allowed)
    n_order = order_offer.size

    # tiers of each order
    t_v, t_k = np.nonzero(arr.tier_valid[order_offer])
    t_o = order_offer[t_v]
    t_a = order_period[t_v]
    # an order never needs more than the part's demand from its arrival on (plus one lot)
    still_due = np.cumsum(arr.demand[:, ::-1], axis=1)[:, ::-1]
    remaining = np.maximum(still_due - arr.initial[:, None], 0.0)
    big = remaining[arr.part_of[t_o], t_a] + (arr.moq + arr.multiple)[t_o]
    next_min = np.concatenate([arr.tier_min[:, 1:], np.full((n_offer, 1), np.inf)], axis=1)
    lo = np.maximum(arr.tier_min[t_o, t_k], arr.moq[t_o])
    hi = np.minimum(next_min[t_o, t_k], big)
    if not elastic:
        hi = np.minimum(hi, arr.capacity[t_o, t_a])
    keep = lo <= hi
    t_v, t_k, t_o, t_a, lo, hi = t_v[keep], t_k[keep], t_o[keep], t_a[keep], lo[keep], hi[keep]
    price = arr.tier_price[t_o, t_k]
    landed = price * (1.0 + arr.tariff[t_o, t_a]) + arr.freight[t_o]

    cost_scale = 1.0
    if elastic:
        cost_scale = 1e-7 / max(float((landed.max(initial=1.0)) * total_demand.sum()), 1.0)
    b = ModelBuilder()
    u = b.add_vars(n_offer, cost=arr.qualification * cost_scale, upper=1.0, integer=True)
    w = b.add_vars(t_v.size, upper=1.0, integer=True)
    q = b.add_vars(t_v.size, cost=landed * cost_scale)
    min_price = np.full(n_part, np.inf)
    offer_min = arr.tier_price.min(axis=1, initial=np.inf, where=arr.tier_valid)
    np.minimum.at(min_price, arr.part_of, offer_min)
    holding = np.where(np.isfinite(min_price), min_price, 0.0) * policy.holding_rate_per_period
    inventory = b.add_vars(n_part * n_per, cost=np.repeat(holding, n_per) * cost_scale).reshape(
        n_part, n_per
    )
    spend = b.add_vars(n_per)

    # tier bounds and one tier per order, linked to qualification
    rows = b.add_rows(t_v.size, lower=0.0)
    b.add_coeffs(rows, q, 1.0)
    b.add_coeffs(rows, w, -lo)
    rows = b.add_rows(t_v.size, upper=0.0)
    b.add_coeffs(rows, q, 1.0)
    b.add_coeffs(rows, w, -hi)
    rows = b.add_rows(n_order, upper=0.0)
    b.add_coeffs(rows[t_v], w, 1.0)
    b.add_coeffs(rows, u[order_offer], -1.0)

    # integer lots where the order multiple exceeds one
    lot_orders = np.flatnonzero(arr.multiple[order_offer] > 1)
    if lot_orders.size:
        lots = b.add_vars(lot_orders.size, integer=True)
        rows = b.add_rows(lot_orders.size, lower=0.0, upper=0.0)
        row_of_order = np.full(n_order, -1)
        row_of_order[lot_orders] = rows
        in_lot = row_of_order[t_v] >= 0
        b.add_coeffs(row_of_order[t_v][in_lot], q[in_lot], 1.0)
        b.add_coeffs(rows, lots, -arr.multiple[order_offer[lot_orders]])

    # capacity per order (offer, period)
    cap_rows = b.add_rows(n_order, upper=arr.capacity[order_offer, order_period])
    b.add_coeffs(cap_rows[t_v], q, 1.0)

    # inventory balance: inv[a-1] + arrivals - inv[a] = demand (initial stock enters at a = 0)
    rhs = arr.demand.copy()
    rhs[:, 0] -= arr.initial
    bal = b.add_rows(n_part * n_per, lower=rhs.ravel(), upper=rhs.ravel()).reshape(n_part, n_per)
    b.add_coeffs(bal, inventory, -1.0)
    b.add_coeffs(bal[:, 1:], inventory[:, :-1], 1.0)
    b.add_coeffs(bal[arr.part_of[t_o], t_a], q, 1.0)

    # spend per period, domestic floor and country caps
    rows = b.add_rows(n_per, lower=0.0, upper=0.0)
    b.add_coeffs(rows[t_a], q, price)
    b.add_coeffs(rows, spend, -1.0)
    floor_periods = np.flatnonzero(arr.floor > 0)
    dom_rows = b.add_rows(floor_periods.size, lower=0.0)
    dom_row_of = np.full(n_per, -1)
    dom_row_of[floor_periods] = dom_rows
    dom_terms = arr.domestic[t_o] & (dom_row_of[t_a] >= 0)
    b.add_coeffs(dom_row_of[t_a][dom_terms], q[dom_terms], price[dom_terms])
    b.add_coeffs(dom_rows, spend[floor_periods], -arr.floor[floor_periods])
    shortfall = np.zeros(0, dtype=np.int64)
    if policy.soft_domestic_floor and not elastic:
        shortfall = b.add_vars(floor_periods.size, cost=policy.shortfall_penalty_per_usd)
        b.add_coeffs(dom_rows, shortfall, 1.0)

    caps = np.array(
        [
            policy.country_caps.get(c, 1.0 if c == "US" else policy.max_foreign_share)
            for c in arr.countries
        ]
    )
    capped = np.flatnonzero(caps < 1.0)
    country_rows = np.array([(c, a) for c in capped for a in range(n_per)], dtype=np.int64).reshape(
        -1, 2
    )
    c_rows = b.add_rows(country_rows.shape[0], upper=0.0)
    c_row_of = np.full((len(arr.countries), n_per), -1)
    if country_rows.size:
        c_row_of[country_rows[:, 0], country_rows[:, 1]] = c_rows
    c_terms = c_row_of[arr.country_of[t_o], t_a]
    has = c_terms >= 0
    b.add_coeffs(c_terms[has], q[has], price[has])
    b.add_coeffs(c_rows, spend[country_rows[:, 1]], -caps[country_rows[:, 0]])

    # dual sourcing of critical parts
    critical_parts = np.flatnonzero(arr.critical)
    critical_offers = np.flatnonzero(arr.critical[arr.part_of])
    site_rows = b.add_rows(critical_parts.size, lower=float(policy.dual_source_min_sites))
    part_row = np.full(n_part, -1)
    part_row[critical_parts] = site_rows
    b.add_coeffs(part_row[arr.part_of[critical_offers]], u[critical_offers], 1.0)
    share_rows = b.add_rows(critical_offers.size, lower=0.0)
    offer_row = np.full(n_offer, -1)
    offer_row[critical_offers] = share_rows
    in_share = offer_row[t_o] >= 0
    b.add_coeffs(offer_row[t_o][in_share], q[in_share], 1.0)
    b.add_coeffs(
        share_rows,
        u[critical_offers],
        -policy.dual_source_min_share * total_demand[arr.part_of[critical_offers]],
    )

    empty = np.zeros(0, dtype=np.int64)
    slacks = Slacks(empty, empty, empty, empty, empty, empty)
    if elastic:
        slacks = _add_slacks(
            b,
            arr,
            total_demand,
            price_scale=np.where(np.isfinite(min_price), min_price, 1.0),
            bal=bal,
            cap_rows=cap_rows,
            order_offer=order_offer,
            dom_rows=dom_rows,
            floor_periods=floor_periods,
            c_rows=c_rows,
            country_rows=country_rows,
            site_rows=site_rows,
            share_rows=share_rows,
            critical_offers=critical_offers,
        )
    return SourcingModel(
        model=b.build(),
        arrays=arr,
        order_offer=order_offer,
        order_period=order_period,
        tier_order=t_v,
        tier_k=t_k,
        price=price,
        tier_lo=lo,
        tier_hi=hi,
        q=q,
        w=w,
        u=u,
        inventory=inventory,
        holding_usd=holding,
        spend=spend,
        shortfall=shortfall,
        country_rows=country_rows,
        country_cap=caps[country_rows[:, 0]] if country_rows.size else np.zeros(0),
        critical_parts=critical_parts,
        critical_offers=critical_offers,
        capacity_rows=cap_rows,
        slacks=slacks,
        elastic=elastic,
    )


def _add_slacks(
    b: ModelBuilder,
    arr: ProblemArrays,
    total_demand: FloatArray,
    *,
    price_scale: FloatArray,
    bal: IntArray,
    cap_rows: IntArray,
    order_offer: IntArray,
    dom_rows: IntArray,
    floor_periods: IntArray,
    c_rows: IntArray,
    country_rows: IntArray,
    site_rows: IntArray,
    share_rows: IntArray,
    critical_offers: IntArray,
) -> Slacks:
    """Elastic columns, each weighted so one unit of slack is a fraction of its row's scale.

    Unmet demand costs ten times a capacity increase, so a shortage is explained by the capacity
    that would fix it where any exists; policy rows are cheaper still, so the rule is named.
    """
    n_per = arr.num_periods
    per_period = np.maximum(total_demand / n_per, 1.0)
    demand = b.add_vars(
        bal.size, cost=np.repeat(10.0 / per_period, n_per), upper=arr.demand.ravel()
    ).reshape(bal.shape)
    b.add_coeffs(bal, demand, 1.0)
    capacity = b.add_vars(cap_rows.size, cost=2.0 / per_period[arr.part_of[order_offer]])
    b.add_coeffs(cap_rows, capacity, -1.0)
    spend_scale = np.maximum((arr.demand * price_scale[:, None]).sum(axis=0), 1.0)
    domestic = b.add_vars(floor_periods.size, cost=1.0 / spend_scale[floor_periods])
    b.add_coeffs(dom_rows, domestic, 1.0)
    country = b.add_vars(c_rows.size, cost=1.0 / spend_scale[country_rows[:, 1]])
    b.add_coeffs(c_rows, country, -1.0)
    dual_sites = b.add_vars(site_rows.size, cost=1.0)
    b.add_coeffs(site_rows, dual_sites, 1.0)
    share_scale = np.maximum(total_demand[arr.part_of[critical_offers]], 1.0)
    dual_share = b.add_vars(share_rows.size, cost=1.0 / share_scale)
    b.add_coeffs(share_rows, dual_share, 1.0)
    return Slacks(demand, capacity, domestic, country, dual_sites, dual_share)


__all__ = ["INF", "ProblemArrays", "Slacks", "SourcingModel", "arrays_of", "build_model"]
