"""Price and fix: a plan from the parts' own plans, mixed to meet the floor, a few parts re-solved.

Only the domestic floor and country caps couple parts. Each candidate plan of a part (the first
plan's, its own cheapest at the floor's prices) is one column of a small *master* LP: pick one
plan per part (convex weights) so that the floor and caps hold, at least cost. A basic optimum
mixes plans in at most as many parts as there are coupling rows; every other part takes one of its
plans whole. Those parts are fixed, and the mixed ones are solved again together, whole MILP rows
and all, with the floor and caps carrying what the fixed parts already buy (``restricted_plan``).
That last MILP has a dozen or so parts, whatever the size of the problem.

The master's row duals are the floor's prices at the mixed plan (Dantzig-Wolfe): pricing the parts
there gives another Lagrangian bound and new plans for the next round.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rackwright.optim import (
    BlockAngular,
    ModelBuilder,
    SolveOptions,
    SolveResult,
    solve,
    solve_many,
)
from rackwright.optim.blocks import COUPLING
from rackwright.optim.model import FloatArray, IntArray, fix_columns

BoolArray = NDArray[np.bool_]
MIXED_TOL = 1e-6  # a master weight below this counts as zero
FALLBACK_PENALTY = 10.0  # the fallback column's surcharge, in multiples of the dearest part
RESTRICTED_NODES = 200  # node limit of the restricted MILP (a work limit: same on every run)
# parts re-solved in the restricted MILP besides the mixed ones: those whose chosen plan costs the
# most above their own priced optimum, 2 % of the parts and at least 8 (measured on 200 x 40 x 12:
# 8 closes the gap in one round where the mixed parts alone needed two, 16-32 cost two to five
# times the time for little more; on 2,000 x 40 x 12, 40 in 3.8 s against 8's 0.5 s and 120's 5.1 s,
# the three gaps 1.01e-4, 1.42e-4 and 1.34e-4 (120 runs into the node limit))
WORST_FITS = 8
WORST_FITS_SHARE = 0.02


@dataclass(frozen=True)
class Candidates:
    """Candidate plans: full column vectors, each usable for the blocks flagged in ``usable``."""

    plans: tuple[FloatArray, ...] = ()
    usable: tuple[BoolArray, ...] = ()
    # the LP relaxation's point: a fractional column per part that keeps the master feasible
    # when the whole plans cannot meet the floor together; a part that uses it is re-solved
    fallback: FloatArray | None = None

    def add(self, plan: FloatArray, usable: BoolArray) -> Candidates:
        """These candidates and ``plan`` (for the blocks in ``usable``)."""
        return dataclasses.replace(self, plans=(*self.plans, plan), usable=(*self.usable, usable))


@dataclass(frozen=True)
class Master:
    """The master LP's answer: per block, the candidate it takes (or None where it mixes)."""

    objective: float
    choice: IntArray  # per block: index of the candidate with the largest weight
    mixed: BoolArray  # per block: True where the weights are split between candidates
    duals: FloatArray  # the coupling rows' duals (the floor's prices at the mixed plan)
    on_fallback: BoolArray  # per block: True where the fractional fallback carries weight


def block_index(blocks: BlockAngular) -> IntArray:
    """Per column: the position of its block in ``blocks.blocks`` (-1 for shared columns)."""
    index = np.full(blocks.model.num_col, -1, dtype=np.int64)
    inside = blocks.col_block != COUPLING
    index[inside] = np.searchsorted(blocks.blocks, blocks.col_block[inside])
    return index


def block_totals(
    blocks: BlockAngular, where: IntArray, x: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Per block: the cost of ``x`` and its activity on each coupling row (blocks x rows)."""
    model = blocks.model
    inside = where >= 0
    cost: FloatArray = np.bincount(
        where[inside], weights=(model.col_cost * x)[inside], minlength=blocks.num_blocks
    ).astype(np.float64)
    activity = np.zeros((blocks.num_blocks, blocks.coupling_rows.size))
    in_block = where[blocks.c_col] >= 0
    np.add.at(
        activity,
        (where[blocks.c_col[in_block]], blocks.c_row[in_block]),
        (blocks.c_val * x[blocks.c_col])[in_block],
    )
    return cost, activity


def solve_master(
    blocks: BlockAngular, candidates: Candidates, options: SolveOptions
) -> Master | None:
    """The cheapest mix of candidates meeting the coupling rows; None when no mix meets them."""
    model, n_block = blocks.model, blocks.num_blocks
    where = block_index(blocks)
    builder = ModelBuilder()
    convexity = builder.add_rows(n_block, lower=1.0, upper=1.0)
    rows = blocks.coupling_rows
    coupling = builder.add_rows(rows.size, lower=model.row_lower[rows], upper=model.row_upper[rows])
    owners: list[IntArray] = []
    columns = list(zip(candidates.plans, candidates.usable, strict=True))
    if candidates.fallback is not None:
        columns.append((candidates.fallback, np.ones(n_block, dtype=bool)))
    for j, (plan, usable) in enumerate(columns):
        cost, activity = block_totals(blocks, where, np.nan_to_num(plan, nan=0.0))
        if j == len(candidates.plans):  # the fallback: dearer than any whole plan
            cost = cost + FALLBACK_PENALTY * max(float(np.abs(cost).max(initial=0.0)), 1.0)
        mine = np.flatnonzero(usable)
        weights = builder.add_vars(mine.size, cost=cost[mine], upper=1.0)
        builder.add_coeffs(convexity[mine], weights, 1.0)
        k, r = np.nonzero(activity[mine])
        builder.add_coeffs(coupling[r], weights[k], activity[mine][k, r])
        owners.append(mine)
    _shared_columns(builder, blocks, coupling)
    result = solve(builder.build(), dataclasses.replace(options, progress=None))
    if not result.has_solution:
        return None
    return _read_master(result, owners, n_block, coupling, len(candidates.plans))


def _shared_columns(builder: ModelBuilder, blocks: BlockAngular, coupling: IntArray) -> None:
    """The shared columns (a soft floor's shortfall) enter the master as they are."""
    model = blocks.model
    shared = np.flatnonzero(blocks.col_block == COUPLING)
    if not shared.size:
        return
    cols = builder.add_vars(shared.size, cost=model.col_cost[shared], lower=model.col_lower[shared])
    builder_cols = np.full(model.num_col, -1, dtype=np.int64)
    builder_cols[shared] = cols
    on = builder_cols[blocks.c_col] >= 0
    builder.add_coeffs(coupling[blocks.c_row[on]], builder_cols[blocks.c_col[on]], blocks.c_val[on])


def _read_master(
    result: SolveResult, owners: list[IntArray], n_block: int, coupling: IntArray, whole: int
) -> Master:
    weights = np.zeros((len(owners), n_block))
    start = 0
    for j, mine in enumerate(owners):
        weights[j, mine] = result.x[start : start + mine.size]
        start += mine.size
    largest = weights[:whole].max(axis=0, initial=0.0)
    return Master(
        objective=result.objective,
        choice=np.argmax(weights[:whole], axis=0).astype(np.int64),
        mixed=largest < 1.0 - MIXED_TOL,  # split, or partly on the fractional fallback
        on_fallback=(
            weights[whole] > MIXED_TOL if len(owners) > whole else np.zeros(n_block, dtype=bool)
        ),
        duals=result.row_dual[coupling] if result.row_dual.size else np.zeros(coupling.size),
    )


def worst_fits(
    blocks: BlockAngular,
    candidates: Candidates,
    master: Master,
    own: FloatArray,
    cost: FloatArray,
    count: int | None = None,
) -> BoolArray:
    """Per block: True for the ``count`` unmixed parts whose chosen plan fits them worst.

    Without ``count``: ``WORST_FITS_SHARE`` of the parts, at least ``WORST_FITS``.

    A part's misfit is its chosen candidate's cost at the priced ``cost`` less that of ``own``
    (the part's own cheapest plan at those prices; nan where it has none, misfit 0): what the
    master paid, to meet the floor, for taking a plan the part would not take alone.
    """
    where = block_index(blocks)
    inside = where >= 0

    def per_block(x: FloatArray) -> FloatArray:
        value = (cost * np.nan_to_num(x, nan=0.0))[inside]
        totals = np.bincount(where[inside], weights=value, minlength=blocks.num_blocks)
        out: FloatArray = totals.astype(np.float64)
        return out

    has_own = (
        np.bincount(where[inside], weights=np.isfinite(own[inside]), minlength=blocks.num_blocks)
        > 0
    )
    chosen = np.zeros(blocks.num_blocks)
    for j, plan in enumerate(candidates.plans):
        take = master.choice == j
        chosen[take] = per_block(plan)[take]
    misfit = np.where(has_own & ~master.mixed, chosen - per_block(own), 0.0)
    worst = np.zeros(blocks.num_blocks, dtype=bool)
    if count is None:
        count = max(WORST_FITS, round(WORST_FITS_SHARE * blocks.num_blocks))
    order = np.argsort(-misfit, kind="stable")[:count]
    worst[order[misfit[order] > 0]] = True
    return worst


def restricted_plan(
    blocks: BlockAngular,
    candidates: Candidates,
    master: Master,
    options: SolveOptions,
    also: BoolArray | None = None,
) -> SolveResult:
    """The whole MILP with every unmixed part fixed at its chosen plan; the mixed parts solved.

    Parts flagged in ``also`` (``worst_fits``) are solved with the mixed ones.

    The result's ``x`` is the full column vector (fixed parts included) and its objective the
    whole plan's cost; ``has_solution`` is False when the mixed parts cannot meet the rest.
    """
    model = blocks.model
    where = block_index(blocks)
    base = np.zeros(model.num_col)
    for j, plan in enumerate(candidates.plans):
        take = (where >= 0) & (master.choice[np.maximum(where, 0)] == j)
        base[take] = plan[take]
    solved = master.mixed if also is None else master.mixed | also
    free = (where < 0) | solved[np.maximum(where, 0)]
    lower, upper = _neighbourhood(blocks, where, candidates, free, master.on_fallback)
    narrowed = dataclasses.replace(model, col_lower=lower, col_upper=upper)
    sub, cols, _ = fix_columns(narrowed, free, base)
    opts = dataclasses.replace(
        options, max_nodes=RESTRICTED_NODES, progress=None, mip_rel_gap=options.mip_rel_gap / 2
    )
    result = solve(sub, opts)
    if not result.has_solution:
        return result
    x = base
    x[cols] = result.x
    return dataclasses.replace(
        result, x=x, objective=float(model.col_cost @ x), row_activity=model.row_activity(x)
    )


def _neighbourhood(
    blocks: BlockAngular,
    where: IntArray,
    candidates: Candidates,
    free: BoolArray,
    on_fallback: BoolArray,
) -> tuple[FloatArray, FloatArray]:
    """Column bounds that keep the free parts near their candidates.

    A free part's integer columns (tiers, sites, lots) stay within the range its candidate plans
    span (lots one either side), and for parts the master put on the fallback, the fallback's
    too: the restricted MILP chooses among what the candidates tried,
    which keeps its search small however hard the part's own MILP is.
    """
    model = blocks.model
    low = np.full(model.num_col, np.inf)
    high = np.full(model.num_col, -np.inf)
    sources = list(zip(candidates.plans, candidates.usable, strict=True))
    if candidates.fallback is not None:
        sources.append((candidates.fallback, on_fallback))
    for plan, usable in sources:
        mine = (where >= 0) & usable[np.maximum(where, 0)]
        value = np.where(mine, np.nan_to_num(plan, nan=0.0), np.nan)
        low = np.fmin(low, np.floor(value + 1e-9))
        high = np.fmax(high, np.ceil(value - 1e-9))
    narrow = free & model.integer & np.isfinite(low)
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    lower[narrow] = np.maximum(lower[narrow], low[narrow] - 1.0)
    upper[narrow] = np.minimum(upper[narrow], high[narrow] + 1.0)
    binary = narrow & (model.col_upper <= 1.0)  # tiers and sites: only what a candidate used
    lower[binary] = np.maximum(model.col_lower[binary], low[binary])
    upper[binary] = np.minimum(model.col_upper[binary], high[binary])
    return lower, upper


def whole_lots(
    blocks: BlockAngular,
    plans: FloatArray,
    has_plan: BoolArray,
    lots: BoolArray,
    cost: FloatArray,
    options: SolveOptions,
) -> tuple[FloatArray, BoolArray]:
    """Parts' plans priced with lots relaxed, made whole: tiers and sites kept, lots re-chosen.

    Per part whose plan has a fractional lot count, a small MILP at the same priced ``cost``
    (only its lots integer) rounds them. Returns the plans and which parts have a whole plan.
    """
    out = np.nan_to_num(plans, nan=0.0)
    usable = has_plan.copy()
    model = blocks.model
    fixed_kind = model.integer & ~lots  # tier and site binaries: kept as the plan has them
    part_opts = dataclasses.replace(
        options, mip_rel_gap=1e-7, max_nodes=100, progress=None, time_limit_s=None
    )
    rounded: list[int] = []
    models = []
    for k in np.flatnonzero(has_plan):
        cols = blocks.block_cols(int(k))
        if np.all(np.abs(out[cols][lots[cols]] - np.round(out[cols][lots[cols]])) <= 1e-6):
            continue
        sub = blocks.block_model(int(k), cost)
        binary = fixed_kind[cols]
        lower, upper = sub.col_lower.copy(), sub.col_upper.copy()
        lower[binary] = upper[binary] = np.round(out[cols][binary])
        # each lot count rounds down or up: a tiny search instead of the whole lot range
        mine = lots[cols]
        lower[mine] = np.floor(out[cols][mine] + 1e-9)
        upper[mine] = np.ceil(out[cols][mine] - 1e-9)
        rounded.append(int(k))
        models.append(dataclasses.replace(sub, col_lower=lower, col_upper=upper))
    for part, result in zip(rounded, solve_many(models, part_opts), strict=True):
        if result.has_solution:
            out[blocks.block_cols(part)] = result.x
        else:
            usable[part] = False
    return out, usable
