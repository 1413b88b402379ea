"""Valid inequalities that tighten the sourcing LP where price breaks meet small demand.

The tier rows alone are the convex hull of one order, so the LP relaxation buys any quantity at
the best tier's price: an order of 3,000 units is priced at the 10,000-unit break with its binary
at 0.3. What makes that impossible is demand: an order whose tier is chosen must reach the tier's
least quantity, and whatever the part does not use by period ``t`` is still in stock then.

For a tier column ``q`` of order (offer, period ``a``) of part p with binary ``w``, any later
period ``t`` and ``D = demand of p in a..t``:

- order cover: ``q <= D w + I_t``. With ``w = 1`` the order's units beyond D are in stock at t;
  with ``w = 0`` there is no order.
- capacity cover: ``arrivals_p(a) <= C + (D - C) w + I_t``, with ``C`` the most the part can
  receive at ``a`` without this tier (the other offers' capacity, and this offer's other tiers).
  With ``w = 0`` arrivals are within C; with ``w = 1`` they are within D plus the stock at t.

Both are added only where they can cut off an LP point: where the demand up to ``t`` (or what the
other sources cannot cover of it) is below the tier's least quantity, so buying the tier means
holding stock. They raise the LP bound by most of the integrality gap on the default scenario.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from rackwright.optim.model import FloatArray, IntArray
from rackwright.sourcing.arrays import ProblemArrays
from rackwright.sourcing.blocks import PartBlocks

if TYPE_CHECKING:
    from rackwright.sourcing.milp import OrderTiers

MAX_LOOKAHEAD = 6  # periods a cover looks ahead; further ones cut off little


def add_cover_cuts(
    blocks: PartBlocks,
    arr: ProblemArrays,
    tiers: OrderTiers,
    *,
    q: IntArray,
    w: IntArray,
    inventory: IntArray,
) -> int:
    """Add the order and capacity covers that can bind; returns how many rows were added."""
    t_part = arr.part_of[tiers.tier_offer]
    t_a = tiers.tier_period
    n_per = arr.num_periods
    cum = np.concatenate([np.zeros((arr.num_parts, 1)), np.cumsum(arr.demand, axis=1)], axis=1)
    excluded = _capacity_without(arr, tiers)
    added = 0
    for step in range(MAX_LOOKAHEAD):
        t_end = t_a + step
        alive = t_end < n_per
        end = np.minimum(t_end, n_per - 1)
        demand = cum[t_part, end + 1] - cum[t_part, t_a]
        before = cum[t_part, end] - cum[t_part, t_a]  # demand in a..t-1
        # order cover: binds while demand so far is short of the tier's least quantity
        order = alive & (demand < tiers.hi) & ((step == 0) | (before < tiers.lo))
        added += _order_cover(blocks, t_part, q, w, inventory, order, demand, end)
        short = demand - excluded
        capacity = alive & (short > 0) & (short < tiers.lo)
        added += _capacity_cover(
            blocks, arr, tiers, (q, w, inventory), capacity, demand, excluded, end
        )
        if not (alive & (before < tiers.lo)).any():
            break
    return added


def _capacity_without(arr: ProblemArrays, tiers: OrderTiers) -> FloatArray:
    """Per tier: the most its part can receive in its period when this tier is not chosen."""
    n_order = tiers.order_offer.size
    v_part = arr.part_of[tiers.order_offer]
    order_cap = np.zeros(n_order)
    np.maximum.at(order_cap, tiers.tier_order, tiers.hi)
    key = v_part * arr.num_periods + tiers.order_period
    part_period_cap = np.bincount(key, weights=order_cap, minlength=arr.num_parts * arr.num_periods)
    # the order's own best other tier replaces its overall best
    other_best = np.zeros(tiers.lo.size)
    for k in np.unique(tiers.tier_k):
        mask = tiers.tier_k != k
        best = np.zeros(n_order)
        np.maximum.at(best, tiers.tier_order[mask], tiers.hi[mask])
        this = tiers.tier_k == k
        other_best[this] = best[tiers.tier_order[this]]
    v = tiers.tier_order
    slack: FloatArray = part_period_cap[key[v]] - order_cap[v] + other_best
    return slack


def _order_cover(
    blocks: PartBlocks,
    t_part: IntArray,
    q: IntArray,
    w: IntArray,
    inventory: IntArray,
    mask: np.ndarray,
    demand: FloatArray,
    end: IntArray,
) -> int:
    idx = np.flatnonzero(mask)
    if not idx.size:
        return 0
    rows = blocks.rows(idx.size, t_part[idx], upper=0.0)
    blocks.coeffs(rows, q[idx], 1.0)
    blocks.coeffs(rows, w[idx], -demand[idx])
    blocks.coeffs(rows, inventory[t_part[idx], end[idx]], -1.0)
    return int(idx.size)


def _capacity_cover(
    blocks: PartBlocks,
    arr: ProblemArrays,
    tiers: OrderTiers,
    cols: tuple[IntArray, IntArray, IntArray],
    mask: np.ndarray,
    demand: FloatArray,
    excluded: FloatArray,
    end: IntArray,
) -> int:
    idx = np.flatnonzero(mask)
    if not idx.size:
        return 0
    q, w, inventory = cols
    t_part = arr.part_of[tiers.tier_offer]
    rows = blocks.rows(idx.size, t_part[idx], upper=excluded[idx])
    # every tier column of the same part arriving in the same period enters each row
    key = t_part * arr.num_periods + tiers.tier_period
    order = np.argsort(key, kind="stable")
    starts = np.searchsorted(key[order], key[idx], side="left")
    stops = np.searchsorted(key[order], key[idx], side="right")
    lengths = stops - starts
    members = order[np.repeat(starts, lengths) + _ranges(lengths)]
    blocks.coeffs(np.repeat(rows, lengths), q[members], 1.0)
    blocks.coeffs(rows, w[idx], -(demand[idx] - excluded[idx]))
    blocks.coeffs(rows, inventory[t_part[idx], end[idx]], -1.0)
    return int(idx.size)


def _ranges(lengths: IntArray) -> IntArray:
    """``0..n-1`` for each n in ``lengths``, concatenated."""
    if not lengths.size:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.arange(int(lengths.sum())) - offsets
