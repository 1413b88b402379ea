"""A first feasible plan from the LP relaxation: round the tiers, re-optimise the rest.

The LP relaxation orders nearly the right quantities but prices some orders at a break they do
not reach. ``tier_pattern`` reads off, per order, the one tier its LP quantity falls in (orders
below their least quantity round up to it). With the tiers fixed what is left is small and
nearly continuous: which sites to qualify, whole lots, and the quantities within each tier's
range (``pattern_plan``: an LP, lots rounded part by part, an LP again). The quantities may
move, so the domestic floor and every other rule are met again; when the pattern admits no plan
the result says so and the caller's branch and bound takes over.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rackwright.optim import BlockAngular, SolveOptions, SolveResult, solve
from rackwright.optim.model import FloatArray, IntArray, SparseModel, drop_zero_columns
from rackwright.sourcing.milp import SourcingModel

BoolArray = NDArray[np.bool_]
_QTY_TOL = 1e-6
LOT_REACH = 1  # whole lots either side of the pattern LP's quantity a fixed order may move


def order_totals(built: SourcingModel, x: FloatArray) -> FloatArray:
    """Per order, the units of all its tiers in solution ``x``."""
    q = np.maximum(x[built.q], 0.0)
    totals = np.bincount(built.tier_order, weights=q, minlength=built.order_offer.size)
    return totals.astype(np.float64)


def tier_pattern(built: SourcingModel, x: FloatArray) -> BoolArray:
    """Per tier: True for the one tier each order of ``x`` uses once its quantity is rounded.

    An order inside a tier's range takes the cheapest such tier; one below every tier's least
    quantity takes the smallest tier when it is at least half of it, and is dropped otherwise.
    """
    tiers = built.tiers
    n_order = tiers.order_offer.size
    total = order_totals(built, x)[tiers.tier_order]
    # a dual-sourced site the LP barely qualifies is dropped with its orders: qualified whole it
    # would owe the rule a full share its few orders cannot deliver
    barely = (x[built.u] < 0.5) & built.arrays.dual.offers
    qualified = ~barely[tiers.tier_offer]
    ordered = (total > _QTY_TOL) & qualified
    inside = ordered & (tiers.lo - 1e-6 <= total) & (total <= tiers.hi + 1e-6)
    has_inside = np.bincount(tiers.tier_order, weights=inside, minlength=n_order) > 0
    lowest = np.full(n_order, np.inf)
    np.minimum.at(lowest, tiers.tier_order, tiers.lo)
    smallest = tiers.lo == lowest[tiers.tier_order]
    round_up = ordered & ~has_inside[tiers.tier_order] & smallest
    return _one_per_order(built, inside | round_up)


def _one_per_order(built: SourcingModel, candidate: BoolArray) -> BoolArray:
    """Keep the cheapest candidate tier of each order."""
    tiers = built.tiers
    chosen = np.zeros(tiers.lo.size, dtype=bool)
    idx = np.flatnonzero(candidate)
    if idx.size:
        order = idx[np.lexsort((tiers.price[idx], tiers.tier_order[idx]))]
        _, first = np.unique(tiers.tier_order[order], return_index=True)
        chosen[order[first]] = True
    return chosen


def pattern_model(
    built: SourcingModel,
    chosen: BoolArray,
    x: FloatArray,
    *,
    lot_reach: int | None = LOT_REACH,
) -> SparseModel:
    """The MILP with every tier binary fixed to ``chosen``.

    A fixed order keeps its tier's range; with ``lot_reach`` its whole lots stay within that many
    of the quantity in ``x``, which keeps the integer part tiny.
    """
    model = built.model
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    lower[built.w] = upper[built.w] = chosen
    if built.lots.size and lot_reach is not None:
        total = order_totals(built, x)[built.lot_orders]
        near = total / built.arrays.multiple[built.order_offer[built.lot_orders]]
        lower[built.lots] = np.maximum(np.floor(near + 1e-9) - lot_reach, 0.0)
        upper[built.lots] = np.minimum(np.ceil(near - 1e-9) + lot_reach, upper[built.lots])
    return dataclasses.replace(model, col_lower=lower, col_upper=upper)


@dataclass(frozen=True)
class Pattern:
    """The MILP with the tiers fixed, without the columns that must then be zero.

    Unchosen tiers buy nothing and orders without a tier need no lots: leaving them out makes
    the model several times smaller. ``cols`` maps its columns to the full model's.
    """

    built: SourcingModel
    model: SparseModel
    cols: IntArray
    rows: IntArray  # the full model's row of each row here
    position: IntArray  # full column -> column here (-1: left out, zero)

    @classmethod
    def of(cls, built: SourcingModel, tiers: BoolArray, model: SparseModel) -> Pattern:
        """``model`` (``built``'s MILP, tiers fixed) without the tiers outside ``tiers``."""
        keep = np.ones(model.num_col, dtype=bool)
        keep[built.q[~tiers]] = keep[built.w[~tiers]] = False
        ordered = np.zeros(built.order_offer.size, dtype=bool)
        ordered[built.tier_order[tiers]] = True
        keep[built.lots[~ordered[built.lot_orders]]] = False
        small, cols, rows = drop_zero_columns(model, keep)
        position = np.full(model.num_col, -1, dtype=np.int64)
        position[cols] = np.arange(cols.size)
        return cls(built, small, cols, rows, position)

    def full_duals(self, result: SolveResult) -> FloatArray:
        """``result``'s row duals in the full model's rows (0 for rows left out)."""
        y = np.zeros(self.built.model.num_row)
        if result.row_dual.size:
            y[self.rows] = result.row_dual
        return y

    def full(self, result: SolveResult) -> SolveResult:
        """``result`` (of a model shaped like ``self.model``) with x in the full model's columns."""
        if not result.has_solution:
            return result
        x = np.zeros(self.built.model.num_col)
        x[self.cols] = result.x
        return dataclasses.replace(result, x=x)

    def here(self, cols: IntArray) -> IntArray:
        """Positions here of those full columns that are kept."""
        at = self.position[cols]
        return at[at >= 0]


def pattern_plan(
    built: SourcingModel,
    x: FloatArray,
    options: SolveOptions,
    *,
    polish: bool = True,
) -> SolveResult:
    """A feasible plan with the tiers of ``x`` fixed, when the pattern allows one.

    An LP first says whether the pattern can meet every rule and where the quantities go. Its
    qualifications are then rounded up and its whole lots rounded (still inside each tier's
    range, since the ranges are whole lots), and a last LP re-meets the floor and the balances
    with the remaining quantities (``polish`` first chooses the lots part by part, which leaves
    less unused at the horizon's end). When that fails the small pattern MILP is solved instead.
    """
    chosen = tier_pattern(built, x)
    pattern = Pattern.of(built, chosen, pattern_model(built, chosen, x, lot_reach=None))
    relaxed = solve(_as_lp(pattern.model), options)
    if not relaxed.has_solution:
        return relaxed
    if polish and built.lots.size:
        polished = polish_lots(pattern, relaxed, options)
        if polished is not None:
            return pattern.full(polished)
    for up in (False, True):
        fixed = _round_integers(pattern, pattern.model, relaxed.x, up=up)
        rounded = solve(_as_lp(fixed), options)
        if rounded.has_solution:
            return pattern.full(rounded)
    near = pattern.full(relaxed).x
    exact = Pattern.of(built, chosen, pattern_model(built, chosen, near))
    return exact.full(solve(exact.model, options))


def polish_lots(
    pattern: Pattern, relaxed: SolveResult, options: SolveOptions
) -> SolveResult | None:
    """Whole lots chosen part by part (exactly, floor priced at the LP's duals), then re-met.

    Rounding each order alone leaves up to a lot of every part unused at the horizon's end; one
    part at a time a tiny MILP (lots within one of the LP's, tiers and sites fixed) picks the
    combination of lots that fits its demand best. The parts' lots are then fixed and an LP
    re-meets the floor with the remaining quantities. None when that LP has no solution.
    """
    built, model, x = pattern.built, pattern.model, relaxed.x
    u, lots = pattern.here(built.u), pattern.here(built.lots)
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    lower[u] = upper[u] = (x[u] > 1e-6).astype(np.float64)
    near = x[lots]
    lower[lots] = np.maximum(np.floor(near + 1e-7) - 1, lower[lots])
    upper[lots] = np.minimum(np.ceil(near - 1e-7) + 1, upper[lots])
    fixed = dataclasses.replace(model, col_lower=lower, col_upper=upper)
    col_part = built.col_part[pattern.cols]
    blocks = BlockAngular.split(fixed, col_part, built.row_part[pattern.rows])
    cost = blocks.priced_cost(blocks.sign_safe(relaxed.row_dual[blocks.coupling_rows]))
    part_opts = dataclasses.replace(options, max_nodes=100, mip_rel_gap=1e-7, progress=None)
    chosen_lots = np.ceil(near - 1e-7)
    where = np.full(model.num_col, -1)
    where[lots] = np.arange(lots.size)
    for k in np.flatnonzero(np.isin(blocks.blocks, col_part[lots])):
        cols = blocks.block_cols(int(k))
        result = solve(blocks.block_model(int(k), cost), part_opts)
        if result.has_solution:
            mine = where[cols] >= 0
            chosen_lots[where[cols][mine]] = np.round(result.x[mine])
    lower[lots] = upper[lots] = chosen_lots
    final = solve(_as_lp(dataclasses.replace(fixed, col_lower=lower, col_upper=upper)), options)
    return final if final.has_solution else None


def _as_lp(model: SparseModel) -> SparseModel:
    return dataclasses.replace(model, integer=np.zeros_like(model.integer))


def _round_integers(
    pattern: Pattern, model: SparseModel, x: FloatArray, *, up: bool = False
) -> SparseModel:
    """``model`` with the qualifications of ``x`` rounded up and its whole lots rounded, fixed.

    Lots round to the nearer whole lot as long as every part's arrivals so far stay at or above
    those of ``x`` (so no period runs short); ``up=True`` rounds every lot up.
    """
    built = pattern.built
    u, lots = pattern.here(built.u), pattern.here(built.lots)
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    lower[u] = upper[u] = (x[u] > 1e-6).astype(np.float64)
    if lots.size:
        kept = pattern.position[built.lots] >= 0
        rounded = np.ceil(x[lots] - 1e-7) if up else _round_lots(built, x[lots], kept)
        rounded = np.clip(rounded, lower[lots], upper[lots])
        lower[lots] = upper[lots] = rounded
    return dataclasses.replace(model, col_lower=lower, col_upper=upper)


def _round_lots(built: SourcingModel, lots: FloatArray, kept: BoolArray) -> FloatArray:
    """Whole lots per order: down where earlier round-ups of the same part leave enough spare.

    ``lots`` are those of the lot orders flagged in ``kept``. Orders under the dual-source rule
    always round up: their shares may sit exactly at the minimum.
    """
    orders = built.lot_orders[kept]
    multiple = built.arrays.multiple[built.order_offer[orders]].astype(np.float64)
    part = built.arrays.part_of[built.order_offer[orders]]
    sequence = np.lexsort((built.order_period[orders], part))
    out = np.ceil(lots - 1e-7)
    shared = built.arrays.dual.offers[built.order_offer[orders]]
    spare = 0.0
    previous = -1
    for i in sequence:
        if part[i] != previous:
            spare, previous = 0.0, int(part[i])
        down = np.floor(lots[i] + 1e-7)
        if not shared[i] and spare + (down - lots[i]) * multiple[i] >= -1e-9:
            out[i] = down
        spare += (out[i] - lots[i]) * multiple[i]
    return out
