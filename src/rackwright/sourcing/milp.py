"""Build the sourcing MILP from a ``SourcingProblem`` with numpy index arrays (no element loops).

Decision per (offer o, arrival period a): the order placed in period ``a - lead_o``. Price breaks
are all-units tiers: a binary ``w`` picks at most one tier and the tier quantity ``q`` lies between
the tier's least quantity (MOQ and whole lots included) and its most: the next break, the offer's
capacity that quarter and the part's demand still due (one lot of slack), whichever is least. Rows:

- tier bounds ``lo w <= q <= hi w``; one tier per order ``sum_k w <= u_o`` (``u_o`` = the part-site
  is qualified, paid once); integer lots ``sum_k q = multiple * n`` where the multiple exceeds 1.
  Since ``hi`` never exceeds the capacity, these rows also keep every order within capacity;
- inventory balance per part and period (arrivals from the lead-time offset, stock held at a cost);
- dual sourcing of critical parts where the rule applies (see ``arrays.DualSourceRule``);
- the domestic floor ``sum_US price q >= floor_a sum price q`` per period (soft with a priced
  shortfall when asked) and country caps ``sum_c price q <= cap_c sum price q``, each scaled by
  the period's spend (``row_unit``) so that HiGHS can meet them to its tolerance.

Only the floor and cap rows couple parts: every other row and column belongs to one part
(``col_part``, ``row_part``), which is what ``decompose`` uses to split the problem by part.
With ``elastic=True`` every policy and physical row gets a weighted non-negative slack (see
``elastic``): the smallest set of relaxations that makes the plan possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from rackwright.optim import SparseModel
from rackwright.optim.model import FloatArray, IntArray
from rackwright.sourcing.arrays import ProblemArrays, arrays_of
from rackwright.sourcing.blocks import COUPLING, PartBlocks, row_unit
from rackwright.sourcing.cuts import add_cover_cuts
from rackwright.sourcing.elastic import Slacks, add_slacks
from rackwright.sourcing.problem import SourcingPolicy, SourcingProblem


@dataclass(frozen=True)
class OrderTiers:
    """Orders (offer, arrival period) and their admissible price tiers ``t``."""

    order_offer: IntArray  # v -> offer
    order_period: IntArray  # v -> arrival period index
    tier_order: IntArray  # t -> v
    tier_k: IntArray  # t -> tier index within the offer
    lo: FloatArray  # t -> least quantity
    hi: FloatArray  # t -> most quantity
    price: FloatArray  # t -> unit price before tariff and freight
    landed: FloatArray  # t -> unit landed cost (price, tariff, freight)

    # gathered once and kept: read-back, explain and the cuts read them for every order line
    @cached_property
    def tier_offer(self) -> IntArray:
        """t -> offer."""
        return self.order_offer[self.tier_order]

    @cached_property
    def tier_period(self) -> IntArray:
        """t -> arrival period."""
        return self.order_period[self.tier_order]


@dataclass(frozen=True)
class PolicyRows:
    """Where the coupling and dual-source rows sit, and how they are scaled."""

    floor_periods: IntArray  # periods with a floor > 0
    floor_rows: IntArray  # one row per floor period
    spend_scale: FloatArray  # per period: USD that one unit of a floor or cap row stands for
    country_rows: IntArray  # (k, 2): country index, period of each capped country row
    country_row_index: IntArray  # row index of each capped country row
    country_cap: FloatArray  # cap of each capped country row
    site_rows: IntArray  # one per part the dual-source rule binds
    share_rows: IntArray  # one per offer the rule covers
    share_demand: FloatArray  # per share row: the part's units in the rule's quarters


@dataclass(frozen=True)
class SourcingModel:
    """The MILP plus every index map needed to read a solution back or split it by part."""

    model: SparseModel
    arrays: ProblemArrays
    tiers: OrderTiers
    q: IntArray  # t -> column of the tier quantity
    w: IntArray  # t -> column of the tier binary
    u: IntArray  # offer -> qualification column
    lots: IntArray  # per order with a multiple > 1: whole lots column
    lot_orders: IntArray  # the orders ``lots`` belong to
    inventory: IntArray  # parts x periods
    holding_usd: FloatArray  # per part, per unit and period held
    shortfall: IntArray  # per floor period (soft floor) or empty
    rows: PolicyRows
    capacity_rows: IntArray  # v -> row (elastic model only; capacity sits in ``hi`` otherwise)
    slacks: Slacks
    col_part: IntArray  # column -> part, COUPLING for shared columns
    row_part: IntArray  # row -> part, COUPLING for floor and cap rows
    elastic: bool

    # names the plan read-back and the explanation use
    @property
    def order_offer(self) -> IntArray:
        """v -> offer."""
        return self.tiers.order_offer

    @property
    def order_period(self) -> IntArray:
        """v -> arrival period."""
        return self.tiers.order_period

    @property
    def tier_order(self) -> IntArray:
        """t -> v."""
        return self.tiers.tier_order

    @property
    def price(self) -> FloatArray:
        """t -> unit price."""
        return self.tiers.price


def order_tiers(arr: ProblemArrays, policy: SourcingPolicy, *, elastic: bool) -> OrderTiers:
    """Every order an offer can deliver in the horizon, with the tiers its quantity can reach."""
    n_offer, n_per = arr.num_offers, arr.num_periods
    arrival = np.arange(n_per)[None, :]
    allowed = arrival - arr.lead[:, None] >= -policy.order_lead_in_periods
    if not elastic:
        allowed &= arr.capacity > 0
    order_offer, order_period = np.nonzero(allowed)
    t_v, t_k = np.nonzero(arr.tier_valid[order_offer])
    t_o, t_a = order_offer[t_v], order_period[t_v]
    lot = arr.multiple[t_o].astype(np.float64)
    # an order never needs more than the part's demand still due from its arrival (plus a lot)
    big = arr.remaining_demand[arr.part_of[t_o], t_a] + arr.moq[t_o] + lot
    next_min = np.concatenate([arr.tier_min[:, 1:], np.full((n_offer, 1), np.inf)], axis=1)
    hi = np.minimum(next_min[t_o, t_k], big)
    if not elastic:
        hi = np.minimum(hi, arr.capacity[t_o, t_a])
    # quantities come in whole lots: round the bounds inwards
    lo = np.ceil(np.maximum(arr.tier_min[t_o, t_k], arr.moq[t_o]) / lot - 1e-9) * lot
    hi = np.where(lot > 1, np.floor(hi / lot + 1e-9) * lot, hi)
    keep = lo <= hi
    t_v, t_k, t_o, lo, hi = t_v[keep], t_k[keep], t_o[keep], lo[keep], hi[keep]
    t_a = order_period[t_v]  # an order pays the duties in force in its arrival quarter
    price = arr.tier_price[t_o, t_k]
    return OrderTiers(
        order_offer=order_offer.astype(np.int64),
        order_period=order_period.astype(np.int64),
        tier_order=t_v.astype(np.int64),
        tier_k=t_k.astype(np.int64),
        lo=lo,
        hi=hi,
        price=price,
        landed=price * (1.0 + arr.tariff[t_o, t_a]) + arr.freight[t_o],
    )


def spend_scale(arr: ProblemArrays) -> FloatArray:
    """Per period, the USD one unit of a floor or cap row stands for.

    From the period's demand at the cheapest price; quarters without demand take the mean.
    """
    value = (arr.demand * arr.landed_min_price[:, None]).sum(axis=0)
    typical = float(value[value > 0].mean()) if (value > 0).any() else 1.0
    return row_unit(np.where(value > 0, value, typical))


def build_model(
    problem: SourcingProblem, *, elastic: bool = False, cover_cuts: bool = True
) -> SourcingModel:
    """Assemble the sourcing MILP (or its elastic relaxation) in CSC form.

    ``cover_cuts`` adds the valid inequalities of ``cuts`` (not to the elastic model, whose
    capacities are soft); without them the model is the plain textbook formulation.
    """
    arr = arrays_of(problem)
    policy = problem.policy
    tiers = order_tiers(arr, policy, elastic=elastic)
    blocks = PartBlocks()
    cost_scale = _elastic_cost_scale(arr, tiers) if elastic else 1.0
    cols = _columns(blocks, arr, tiers, policy, cost_scale)
    _tier_rows(blocks, arr, tiers, cols)
    lots, lot_orders = _lot_rows(blocks, arr, tiers, cols)
    bal = _balance_rows(blocks, arr, tiers, cols)
    cap_rows = _capacity_rows(blocks, arr, tiers, cols) if elastic else np.zeros(0, np.int64)
    rows = _policy_rows(blocks, arr, tiers, cols, policy)
    if cover_cuts and not elastic:
        add_cover_cuts(blocks, arr, tiers, q=cols.q, w=cols.w, inventory=cols.inventory)
    shortfall = np.zeros(0, dtype=np.int64)
    if policy.soft_domestic_floor and not elastic:
        n = rows.floor_rows.size
        shortfall = blocks.vars(n, COUPLING, cost=policy.shortfall_penalty_per_usd)
        blocks.coeffs(rows.floor_rows, shortfall, 1.0 / rows.spend_scale[rows.floor_periods])
    empty = np.zeros(0, dtype=np.int64)
    slacks = Slacks(empty, empty, empty, empty, empty, empty)
    if elastic:
        slacks = add_slacks(blocks, arr, tiers, bal=bal, cap_rows=cap_rows, rows=rows)
    col_part, row_part = blocks.parts()
    return SourcingModel(
        model=blocks.builder.build(),
        arrays=arr,
        tiers=tiers,
        q=cols.q,
        w=cols.w,
        u=cols.u,
        lots=lots,
        lot_orders=lot_orders,
        inventory=cols.inventory,
        holding_usd=cols.holding,
        shortfall=shortfall,
        rows=rows,
        capacity_rows=cap_rows,
        slacks=slacks,
        col_part=col_part,
        row_part=row_part,
        elastic=elastic,
    )


@dataclass(frozen=True)
class _Columns:
    u: IntArray
    w: IntArray
    q: IntArray
    inventory: IntArray
    holding: FloatArray


def _elastic_cost_scale(arr: ProblemArrays, tiers: OrderTiers) -> float:
    """Costs shrunk until any slack outweighs the whole plan's cost."""
    total = float(np.maximum(arr.demand.sum(axis=1) - arr.initial, 0.0).sum())
    return 1e-7 / max(float(tiers.landed.max(initial=1.0)) * total, 1.0)


def _columns(
    blocks: PartBlocks,
    arr: ProblemArrays,
    tiers: OrderTiers,
    policy: SourcingPolicy,
    cost_scale: float,
) -> _Columns:
    n_part, n_per = arr.num_parts, arr.num_periods
    tier_part = arr.part_of[tiers.tier_offer]
    u = blocks.vars(
        arr.num_offers, arr.part_of, cost=arr.qualification * cost_scale, upper=1.0, integer=True
    )
    w = blocks.vars(tiers.lo.size, tier_part, upper=1.0, integer=True)
    q = blocks.vars(tiers.lo.size, tier_part, cost=tiers.landed * cost_scale)
    holding = arr.landed_min_price * policy.holding_rate_per_period
    inventory = blocks.vars(
        n_part * n_per,
        np.repeat(np.arange(n_part), n_per),
        cost=np.repeat(holding, n_per) * cost_scale,
    ).reshape(n_part, n_per)
    return _Columns(u=u, w=w, q=q, inventory=inventory, holding=holding)


def _tier_rows(blocks: PartBlocks, arr: ProblemArrays, tiers: OrderTiers, cols: _Columns) -> None:
    """``lo w <= q <= hi w`` per tier and ``sum_k w <= u`` per order."""
    n = tiers.lo.size
    tier_part = arr.part_of[tiers.tier_offer]
    rows = blocks.rows(n, tier_part, lower=0.0)
    blocks.coeffs(rows, cols.q, 1.0)
    blocks.coeffs(rows, cols.w, -tiers.lo)
    rows = blocks.rows(n, tier_part, upper=0.0)
    blocks.coeffs(rows, cols.q, 1.0)
    blocks.coeffs(rows, cols.w, -tiers.hi)
    n_order = tiers.order_offer.size
    rows = blocks.rows(n_order, arr.part_of[tiers.order_offer], upper=0.0)
    blocks.coeffs(rows[tiers.tier_order], cols.w, 1.0)
    blocks.coeffs(rows, cols.u[tiers.order_offer], -1.0)


def _lot_rows(
    blocks: PartBlocks, arr: ProblemArrays, tiers: OrderTiers, cols: _Columns
) -> tuple[IntArray, IntArray]:
    """``sum_k q = multiple * n`` with integer ``n`` for orders whose multiple exceeds one."""
    lot_orders = np.flatnonzero(arr.multiple[tiers.order_offer] > 1).astype(np.int64)
    if not lot_orders.size:
        return np.zeros(0, dtype=np.int64), lot_orders
    part = arr.part_of[tiers.order_offer[lot_orders]]
    most = np.zeros(tiers.order_offer.size)
    np.maximum.at(most, tiers.tier_order, tiers.hi)
    multiple = arr.multiple[tiers.order_offer[lot_orders]]
    # a finite, tight domain: HiGHS's root work on a general integer grows with its range
    lots = blocks.vars(
        lot_orders.size, part, upper=np.floor(most[lot_orders] / multiple + 1e-9), integer=True
    )
    rows = blocks.rows(lot_orders.size, part, lower=0.0, upper=0.0)
    row_of_order = np.full(tiers.order_offer.size, -1)
    row_of_order[lot_orders] = rows
    in_lot = row_of_order[tiers.tier_order] >= 0
    blocks.coeffs(row_of_order[tiers.tier_order][in_lot], cols.q[in_lot], 1.0)
    blocks.coeffs(rows, lots, -arr.multiple[tiers.order_offer[lot_orders]])
    return lots, lot_orders


def _balance_rows(
    blocks: PartBlocks, arr: ProblemArrays, tiers: OrderTiers, cols: _Columns
) -> IntArray:
    """``inv[a-1] + arrivals[a] - inv[a] = demand[a]`` (initial stock enters at a = 0)."""
    n_part, n_per = arr.num_parts, arr.num_periods
    rhs = arr.demand.copy()
    rhs[:, 0] -= arr.initial
    bal = blocks.rows(
        n_part * n_per,
        np.repeat(np.arange(n_part), n_per),
        lower=rhs.ravel(),
        upper=rhs.ravel(),
    ).reshape(n_part, n_per)
    blocks.coeffs(bal, cols.inventory, -1.0)
    blocks.coeffs(bal[:, 1:], cols.inventory[:, :-1], 1.0)
    blocks.coeffs(bal[arr.part_of[tiers.tier_offer], tiers.tier_period], cols.q, 1.0)
    return bal


def _capacity_rows(
    blocks: PartBlocks, arr: ProblemArrays, tiers: OrderTiers, cols: _Columns
) -> IntArray:
    """Explicit capacity rows, for the elastic model whose tiers are not capped by capacity."""
    v_offer, v_period = tiers.order_offer, tiers.order_period
    rows = blocks.rows(v_offer.size, arr.part_of[v_offer], upper=arr.capacity[v_offer, v_period])
    blocks.coeffs(rows[tiers.tier_order], cols.q, 1.0)
    return rows


def _policy_rows(
    blocks: PartBlocks,
    arr: ProblemArrays,
    tiers: OrderTiers,
    cols: _Columns,
    policy: SourcingPolicy,
) -> PolicyRows:
    """Domestic floor and country caps (coupling) and the dual-source rows (per part)."""
    n_per = arr.num_periods
    scale = spend_scale(arr)
    t_o, t_a = tiers.tier_offer, tiers.tier_period
    floor_periods = np.flatnonzero(arr.floor > 0).astype(np.int64)
    floor_rows = blocks.rows(floor_periods.size, COUPLING, lower=0.0)
    row_of = np.full(n_per, -1)
    row_of[floor_periods] = floor_rows
    has = row_of[t_a] >= 0
    share = arr.domestic[t_o].astype(np.float64) - arr.floor[t_a]
    blocks.coeffs(row_of[t_a][has], cols.q[has], (tiers.price * share / scale[t_a])[has])

    caps = np.array(
        [
            policy.country_caps.get(c, 1.0 if c == "US" else policy.max_foreign_share)
            for c in arr.countries
        ]
    )
    capped = np.flatnonzero(caps < 1.0)
    country_rows = np.array([(c, a) for c in capped for a in range(n_per)], dtype=np.int64)
    country_rows = country_rows.reshape(-1, 2)
    c_rows = blocks.rows(country_rows.shape[0], COUPLING, upper=0.0)
    c_row_of = np.full((len(arr.countries), n_per), -1)
    if country_rows.size:
        c_row_of[country_rows[:, 0], country_rows[:, 1]] = c_rows
    # the cap counts every country's spend: (1 - cap) for the country itself, -cap for the rest
    for c in capped:
        mine = arr.country_of[t_o] == c
        weight = np.where(mine, 1.0 - caps[c], -caps[c]) * tiers.price / scale[t_a]
        blocks.coeffs(c_row_of[c, t_a], cols.q, weight)

    site_rows, share_rows, share_demand = _dual_source_rows(blocks, arr, tiers, cols)
    return PolicyRows(
        floor_periods=floor_periods,
        floor_rows=floor_rows,
        spend_scale=scale,
        country_rows=country_rows,
        country_row_index=c_rows,
        country_cap=caps[country_rows[:, 0]] if country_rows.size else np.zeros(0),
        site_rows=site_rows,
        share_rows=share_rows,
        share_demand=share_demand,
    )


def _dual_source_rows(
    blocks: PartBlocks, arr: ProblemArrays, tiers: OrderTiers, cols: _Columns
) -> tuple[IntArray, IntArray, FloatArray]:
    """Per bound part: enough qualified sites; per covered offer: its share in the rule's quarters.

    ``sum_{a in D} q[o, a] >= share * demand(D) * u[o]``, written in units of ``row_unit(demand)``.
    """
    rule = arr.dual
    parts = rule.parts
    site_rows = blocks.rows(parts.size, parts, lower=float(rule.min_sites))
    part_row = np.full(arr.num_parts, -1)
    part_row[parts] = site_rows
    covered = np.flatnonzero(rule.offers)
    blocks.coeffs(part_row[arr.part_of[covered]], cols.u[covered], 1.0)

    demand = rule.demand(arr.demand)[arr.part_of[covered]]
    share_rows = blocks.rows(covered.size, arr.part_of[covered], lower=0.0)
    offer_row = np.full(arr.num_offers, -1)
    offer_row[covered] = share_rows
    t_o, t_a = tiers.tier_offer, tiers.tier_period
    counts = (offer_row[t_o] >= 0) & rule.periods[arr.part_of[t_o], t_a]
    scale = np.ones(arr.num_offers)
    scale[covered] = row_unit(demand)
    blocks.coeffs(offer_row[t_o][counts], cols.q[counts], 1.0 / scale[t_o][counts])
    blocks.coeffs(share_rows, cols.u[covered], -rule.min_share * demand / scale[covered])
    return site_rows, share_rows, demand
