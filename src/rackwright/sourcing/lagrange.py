"""A proven lower bound by part: the domestic floor and country caps priced, each part alone.

Only the floor and cap rows couple parts. Priced at multipliers ``y`` (the LP relaxation's duals,
the best prices a linear model knows), they leave one small MILP per part, and

    L(y) = y' b + sum over parts of (the part's least priced cost)

is a lower bound on the cheapest plan for any ``y`` of the right signs (Lagrangian relaxation).
It is at least the LP bound, and higher by whatever integrality costs each part on its own: price
breaks it cannot reach, minimum orders, whole lots, qualification. Each part's MILP runs to a
node limit and contributes its own proven bound, so the sum stays a bound when one stops early.
The parts' plans are kept: each is the cheapest way to buy that part at those prices.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rackwright.optim import BlockAngular, SolveOptions, solve_many
from rackwright.optim.blocks import COUPLING
from rackwright.optim.model import FloatArray

PART_NODES = 50  # branch-and-bound nodes per part: enough for all but a handful of parts
INTEGRAL_TOL = 1e-6  # an LP value this close to a whole number counts as whole


@dataclass(frozen=True)
class PartBound:
    """The Lagrangian bound and the parts' own plans at the multipliers ``y``."""

    bound: float
    y: FloatArray
    plans: FloatArray  # full column vector: each part's plan in its own columns (nan without)
    has_plan: NDArray[np.bool_]  # per block
    priced_cost: FloatArray  # c - A_c' y, per column
    solves: int
    solved: NDArray[np.bool_]  # per block: True where a MILP was solved (not read off the LP)


def part_bound(
    blocks: BlockAngular,
    y: FloatArray,
    options: SolveOptions,
    *,
    relax: NDArray[np.bool_] | None = None,
    known: FloatArray | None = None,
    only: NDArray[np.bool_] | None = None,
    on_part: Callable[[int, int], None] | None = None,
) -> PartBound:
    """``L(y)`` and each part's plan, one MILP per part (``relax`` marks columns solved as LP).

    ``known`` is an optimum of the whole LP relaxation whose row duals are ``y``: restricted to
    one part it is that part's priced LP optimum, so a part it already buys in whole tiers and
    sites needs no MILP (its LP optimum is integral, hence its MILP optimum).
    """
    y = blocks.sign_safe(y)
    cost = blocks.priced_cost(y)
    plans = np.full(blocks.model.num_col, np.nan)
    integer = blocks.model.integer & (~relax if relax is not None else True)
    wanted = np.ones(blocks.num_blocks, dtype=bool) if only is None else only
    read = wanted & _settled_blocks(blocks, integer, known)
    bound = blocks.dual_constant(y) + blocks.coupling_bound(cost) if only is None else -np.inf
    for k in np.flatnonzero(read):  # known is not None here: settled blocks come from it
        cols = blocks.block_cols(int(k))
        plans[cols] = np.asarray(known)[cols]
        bound += float(cost[cols] @ plans[cols])
    solved = wanted & ~read
    bound += _solve_parts(blocks, cost, integer, solved, plans, options, on_part)
    has_plan = read.copy()
    has_plan[solved] = [
        bool(np.isfinite(plans[blocks.block_cols(int(k))]).all()) for k in np.flatnonzero(solved)
    ]
    return PartBound(
        bound=float(bound),
        y=y,
        plans=plans,
        has_plan=has_plan,
        priced_cost=cost,
        solves=int(solved.sum()),
        solved=solved,
    )


def _solve_parts(
    blocks: BlockAngular,
    cost: FloatArray,
    integer: NDArray[np.bool_],
    solved: NDArray[np.bool_],
    plans: FloatArray,
    options: SolveOptions,
    on_part: Callable[[int, int], None] | None,
) -> float:
    """The sum of the proven bounds of the ``solved`` parts' MILPs; their plans into ``plans``.

    The MILPs are solved on ``options.workers`` processes (``solve_many``): each alike, so the
    bound and plans do not depend on the count.
    """
    part_opts = dataclasses.replace(
        options,
        mip_rel_gap=1e-7,
        mip_abs_gap=1e-6,
        max_nodes=PART_NODES,
        heuristics=False,
        progress=None,
        time_limit_s=None,
    )
    which = np.flatnonzero(solved)
    models = [
        dataclasses.replace(sub, integer=integer[blocks.block_cols(int(k))])
        for k in which
        for sub in (blocks.block_model(int(k), cost),)
    ]
    total = 0.0
    for i, (k, result) in enumerate(zip(which, solve_many(models, part_opts), strict=True)):
        total += result.dual_bound  # +inf when the part alone has no plan: nor has the problem
        if result.has_solution:
            plans[blocks.block_cols(int(k))] = result.x
        if on_part is not None:
            on_part(i + 1, which.size)
    return total


def _settled_blocks(
    blocks: BlockAngular, integer: NDArray[np.bool_], known: FloatArray | None
) -> NDArray[np.bool_]:
    """Per block: True when ``known`` is integral on every integer column of the block."""
    settled = np.zeros(blocks.num_blocks, dtype=bool)
    if known is None:
        return settled
    off = integer & (np.abs(known - np.round(known)) > INTEGRAL_TOL)
    part = blocks.col_block[off]
    fractional = np.unique(part[part != COUPLING])
    settled[:] = True
    settled[np.searchsorted(blocks.blocks, fractional)] = False
    return settled
