"""Elastic slacks for the sourcing MILP: the weighted relaxation that explains an infeasible plan.

Each slack is weighted so that one unit of it is a fraction of its row's scale. Unmet demand costs
ten times a capacity increase, so a shortage is explained by the capacity that would fix it where
any exists; policy rows are cheaper still, so the rule is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rackwright.optim.model import IntArray
from rackwright.sourcing.arrays import ProblemArrays
from rackwright.sourcing.blocks import COUPLING, ROW_RANGE, PartBlocks, row_unit

if TYPE_CHECKING:
    from rackwright.sourcing.milp import OrderTiers, PolicyRows


@dataclass(frozen=True)
class Slacks:
    """Column indices of the elastic slacks (empty arrays when the model is not elastic)."""

    demand: IntArray  # parts x periods, units short
    capacity: IntArray  # per order (v), units above capacity
    domestic: IntArray  # per floor period, USD of domestic spend missing
    country: IntArray  # per capped (country, period) row, USD above the cap
    dual_sites: IntArray  # per part the dual-source rule binds, sites missing
    dual_share: IntArray  # per offer the rule covers, units below the minimum share


def add_slacks(
    blocks: PartBlocks,
    arr: ProblemArrays,
    tiers: OrderTiers,
    *,
    bal: IntArray,
    cap_rows: IntArray,
    rows: PolicyRows,
) -> Slacks:
    """Add one non-negative slack per demand, capacity, floor, cap and dual-source row."""
    n_part, n_per = arr.num_parts, arr.num_periods
    total_demand = np.maximum(arr.demand.sum(axis=1) - arr.initial, 0.0)
    per_period = np.maximum(total_demand / n_per, 1.0)
    part_rows = np.repeat(np.arange(n_part), n_per)
    demand = blocks.vars(
        bal.size, part_rows, cost=np.repeat(10.0 / per_period, n_per), upper=arr.demand.ravel()
    ).reshape(bal.shape)
    blocks.coeffs(bal, demand, 1.0)
    v_part = arr.part_of[tiers.order_offer]
    capacity = blocks.vars(cap_rows.size, v_part, cost=2.0 / per_period[v_part])
    blocks.coeffs(cap_rows, capacity, -1.0)
    scale = rows.spend_scale
    floor_scale = scale[rows.floor_periods]
    floor_cost = 1.0 / np.maximum(floor_scale * ROW_RANGE, 1.0)  # per USD of the period's spend
    domestic = blocks.vars(rows.floor_rows.size, COUPLING, cost=floor_cost)
    blocks.coeffs(rows.floor_rows, domestic, 1.0 / floor_scale)
    cap_scale = scale[rows.country_rows[:, 1]]
    cap_cost = 1.0 / np.maximum(cap_scale * ROW_RANGE, 1.0)
    country = blocks.vars(rows.country_row_index.size, COUPLING, cost=cap_cost)
    blocks.coeffs(rows.country_row_index, country, -1.0 / cap_scale)
    dual_sites = blocks.vars(rows.site_rows.size, arr.dual.parts, cost=1.0)
    blocks.coeffs(rows.site_rows, dual_sites, 1.0)
    covered = np.flatnonzero(arr.dual.offers)
    share_cost = 1.0 / np.maximum(rows.share_demand, 1.0)
    dual_share = blocks.vars(rows.share_rows.size, arr.part_of[covered], cost=share_cost)
    blocks.coeffs(rows.share_rows, dual_share, 1.0 / row_unit(rows.share_demand))
    return Slacks(demand, capacity, domestic, country, dual_sites, dual_share)
