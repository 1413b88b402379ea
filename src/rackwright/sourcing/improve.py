"""Improve a plan part by part: adopt a part's own best tiers where the rest can make room.

The Lagrangian step (``lagrange``) leaves, per part, the cheapest way to buy that part at the
floor's prices. Taken alone those plans do not meet the floor together (at the LP's prices many
parts are indifferent between U.S. and imported supply and each picks an extreme). But one part at
a time they do: swap a part's tier choices for its own plan's, let the LP with every tier fixed
re-spread the quantities (and so the U.S. spend) over all parts, and keep the swap when the plan
got cheaper. The LP stays loaded and re-solves from its last basis, so a swap costs a few simplex
iterations. Parts are tried in order of what their own plan saves at the floor's prices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rackwright.optim import SolveOptions, WarmLp
from rackwright.optim.blocks import BlockAngular
from rackwright.optim.model import FloatArray
from rackwright.sourcing.incumbent import Pattern, pattern_model, tier_pattern
from rackwright.sourcing.lagrange import PartBound
from rackwright.sourcing.milp import SourcingModel

MIN_SAVING = 1e-9  # relative: smaller priced savings are not worth a trial


def swap_order(blocks: BlockAngular, bound: PartBound, x: FloatArray) -> list[tuple[int, float]]:
    """Blocks whose own plan is cheaper at the floor's prices than in ``x``, and by how much,
    best saving first."""
    cost = bound.priced_cost
    savings: list[tuple[float, int]] = []
    scale = max(abs(float(blocks.model.col_cost @ x)), 1.0)
    for k in np.flatnonzero(bound.has_plan):
        cols = blocks.block_cols(int(k))
        saving = float(cost[cols] @ x[cols] - cost[cols] @ bound.plans[cols])
        if saving > MIN_SAVING * scale:
            savings.append((-saving, int(k)))
    return [(k, -neg) for neg, k in sorted(savings)]


def swap_parts(
    built: SourcingModel,
    blocks: BlockAngular,
    bound: PartBound,
    x: FloatArray,
    options: SolveOptions,
    *,
    max_trials: int,
    good_enough: float = -np.inf,
    on_trial: Callable[[int, int, float], None] | None = None,
) -> Swapped:
    """``x`` improved by part swaps (quantities continuous: round with ``pattern_plan``).

    One part at a time, in order of what its own plan saves at the floor's prices; a swap is
    kept when the LP gets cheaper. Stops after ``max_trials`` swaps or once the LP's cost is at
    most ``good_enough``.
    """
    swaps = _Swaps(built, bound, x, options)
    if swaps.current is None:
        return Swapped(x, 0, None)
    order = swap_order(blocks, bound, x)[:max_trials]
    for trial, (k, _) in enumerate(order):
        if swaps.cost <= good_enough:
            break
        swaps.try_swap(int(blocks.blocks[k]))
        if on_trial is not None:
            on_trial(trial + 1, len(order), swaps.cost)
    duals = swaps.pattern.full_duals(swaps.current) if swaps.current is not None else None
    return Swapped(swaps.x if swaps.kept else x, swaps.kept, duals)


@dataclass(frozen=True)
class Swapped:
    """The LP point after the swaps (every tier fixed), how many were kept, and the LP's row
    duals in the full model's rows: the floor's prices at that plan, for another round."""

    x: FloatArray
    kept: int
    duals: FloatArray | None


class _Swaps:
    """The warm LP with every tier fixed, over only the tiers a swap can bring in.

    Tiers neither the plan nor any part's own plan uses stay at zero whatever is swapped, so
    they are left out of the LP: it shrinks several times and each re-solve with it.
    """

    def __init__(
        self, built: SourcingModel, bound: PartBound, x: FloatArray, options: SolveOptions
    ) -> None:
        self.built, self.bound = built, bound
        chosen = tier_pattern(built, x)
        usable = chosen | (np.nan_to_num(bound.plans[built.w], nan=0.0) > 0.5)
        self.pattern = Pattern.of(built, usable, pattern_model(built, chosen, x, lot_reach=None))
        self.warm = WarmLp(self.pattern.model, options)
        self.usable_w = np.flatnonzero(usable)
        result = self.warm.solve()
        self.current = result if result.has_solution else None
        self.kept = 0

    @property
    def cost(self) -> float:
        return self.current.objective if self.current is not None else np.inf

    @property
    def x(self) -> FloatArray:
        assert self.current is not None
        return self.pattern.full(self.current).x

    def try_swap(self, part: int) -> bool:
        """Adopt the part's own tiers; keep them when the LP gets cheaper, else put them back."""
        tiers = self.usable_w[self.built.col_part[self.built.w[self.usable_w]] == part]
        cols = self.pattern.position[self.built.w[tiers]]
        before_lower = self.warm.lower[cols].copy()
        before_upper = self.warm.upper[cols].copy()
        new = (np.nan_to_num(self.bound.plans[self.built.w[tiers]], nan=0.0) > 0.5).astype(float)
        self.warm.set_bounds(cols, new, new)
        result = self.warm.solve()
        if result.has_solution and result.objective < self.cost * (1 - 1e-12):
            self.current, self.kept = result, self.kept + 1
            return True
        self.warm.set_bounds(cols, before_lower, before_upper)
        return False
