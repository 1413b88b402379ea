"""Find a sourcing plan and prove how far from the cheapest it can be.

Steps, each stopping the search as soon as the proven gap is within the target:

1. **relaxation** - the LP relaxation of the MILP (with ``cuts``): a first lower bound, the floor's
   prices (duals) and fractional orders;
2. **first plan** - the LP's tiers rounded and the rest re-optimised (``incumbent``);
3. **bound by part** - the floor and caps priced at the LP's duals, each part solved alone
   (``lagrange``; parts the LP already buys in whole tiers need no MILP): a stronger lower
   bound, and each part's own cheapest plan;
4. **price and fix** - the parts' plans mixed by a small master LP to meet the floor, the few
   mixed parts re-solved together with the rest fixed (``master``); the parts re-priced at the
   master's prices for a new bound and new plans, for a few rounds;
5. **branch and bound** - HiGHS on the whole MILP, started from the best plan, to a node limit,
   only when the gap is still open and the model small enough.

Every step is deterministic (node, iteration and trial limits; one thread unless told otherwise),
so the same inputs give the same plan and the same bound on every run. A wall-clock limit, when
given, is a safety net: a plan stopped by it says so (``StopReason.TIME_LIMIT``).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from rackwright.optim import (
    BlockAngular,
    SolveOptions,
    SolveProgress,
    SolveResult,
    SolveStatus,
    solve,
)
from rackwright.optim.model import FloatArray, SparseModel
from rackwright.sourcing.incumbent import pattern_plan
from rackwright.sourcing.lagrange import PartBound, part_bound
from rackwright.sourcing.master import (
    Candidates,
    Master,
    restricted_plan,
    solve_master,
    whole_lots,
    worst_fits,
)
from rackwright.sourcing.milp import SourcingModel

BRANCH_NODES = 500  # default node limit of the final branch and bound
# HiGHS's root cut loop grows fast with the model; beyond this many integer columns its time is
# out of proportion to what it closes, and the search stops on the earlier steps' gap instead
BRANCH_MAX_INTEGERS = 6000
FALLBACK_RAISE = 1.1  # floor prices raised by this after a round whose whole plans fell short
# the LP relaxation of a model this large runs without presolve: HiGHS's presolve removes about
# 2 % of the rows and its dual simplex then starts slower (2,000 x 40 x 12: 16.8 s without against
# 23.9 s with, the same optimum). The two give different optimal vertices of a degenerate LP and so
# different first rounds; on the small models (200 x 40 x 12: 0.5 s against 0.7 s; the default
# scenario) the presolved vertex happened to round better, and the time saved there is small
RELAX_PRESOLVE_MAX_COLS = 100_000
MASTER_ROUNDS = 4  # rounds of price and fix, the parts re-priced between them
# share of the parts priced again between rounds (the worst-fitting ones; measured on 2,000 x 40
# x 12: 72 part MILPs instead of 916, 0.9 s against 24 s, and a cheaper plan from the next round)
REPRICE_SHARE = 0.1


class StopReason(StrEnum):
    """Why the search stopped."""

    GAP = "gap reached"  # the proven gap is within the target
    WORK_LIMIT = "work limit"  # node, trial or iteration limits: the same on every run
    TIME_LIMIT = "time limit"  # the wall clock: may differ between runs and machines
    INFEASIBLE = "infeasible"
    NO_PLAN = "no plan found"


@dataclass(frozen=True)
class Proof:
    """The best plan found, the proven lower bound, and how the search ended."""

    x: FloatArray  # empty without a plan
    objective: float
    bound: float
    stop: StopReason
    steps: tuple[str, ...]
    seconds: float
    status: SolveStatus

    @property
    def has_plan(self) -> bool:
        """True when ``x`` is a feasible plan."""
        return bool(self.x.size) and math.isfinite(self.objective)

    @property
    def gap(self) -> float:
        """Relative gap between the plan's cost and the bound (inf without a plan)."""
        if not self.has_plan:
            return math.inf
        return max(self.objective - self.bound, 0.0) / max(abs(self.objective), 1e-9)

    @property
    def gap_usd(self) -> float:
        """At most this much cheaper can any plan be (USD; inf without a plan)."""
        return max(self.objective - self.bound, 0.0) if self.has_plan else math.inf


@dataclass
class _Search:
    """The state of one proof: best plan, best bound, steps taken, and the clock."""

    built: SourcingModel
    options: SolveOptions
    began: float
    x: FloatArray
    objective: float = math.inf
    bound: float = -math.inf
    steps: list[str] = dataclasses.field(default_factory=list)

    def offer(self, result: SolveResult | None, step: str) -> bool:
        """Keep ``result``'s plan when it is feasible and cheaper; True when it was kept."""
        if result is None or not result.has_solution:
            return False
        cost = float(self.built.model.col_cost @ result.x)
        if cost >= self.objective:
            return False
        self.x, self.objective = result.x, cost
        self.steps.append(f"{step}: plan {cost:,.0f}")
        return True

    def raise_bound(self, value: float, step: str) -> None:
        if value > self.bound:
            self.bound = value
            self.steps.append(f"{step}: bound {value:,.0f}")

    @property
    def gap(self) -> float:
        if not math.isfinite(self.objective):
            return math.inf
        return max(self.objective - self.bound, 0.0) / max(abs(self.objective), 1e-9)

    def enough(self) -> float | None:
        """The dearest plan that would meet the gap target against the bound (None: no bound)."""
        if not math.isfinite(self.bound) or self.bound <= 0:
            return None
        # a hair inside the target, so that a plan stopped at it passes ``done``
        target = self.options.mip_rel_gap * (1.0 - 1e-6)
        return max(self.bound / (1.0 - target), self.bound + self.options.mip_abs_gap)

    def done(self) -> bool:
        return self.gap <= self.options.mip_rel_gap or (
            math.isfinite(self.objective)
            and self.objective - self.bound <= self.options.mip_abs_gap
        )

    def out_of_time(self) -> bool:
        limit = self.options.time_limit_s
        return limit is not None and time.perf_counter() - self.began >= limit

    def left_s(self) -> float | None:
        limit = self.options.time_limit_s
        return None if limit is None else max(limit - (time.perf_counter() - self.began), 0.5)

    def report(self, phase: str) -> None:
        if self.options.progress is None:
            return
        incumbent = self.objective if math.isfinite(self.objective) else math.nan
        self.options.progress(
            SolveProgress(
                elapsed_s=time.perf_counter() - self.began,
                incumbent=incumbent,
                bound=self.bound,
                gap=self.gap,
                phase=phase,
            )
        )

    def proof(self, stop: StopReason, status: SolveStatus) -> Proof:
        has = math.isfinite(self.objective)
        return Proof(
            x=self.x if has else np.zeros(0),
            objective=self.objective if has else math.nan,
            bound=self.bound,
            stop=stop,
            steps=tuple(self.steps),
            seconds=time.perf_counter() - self.began,
            status=status,
        )


def prove_plan(
    built: SourcingModel,
    options: SolveOptions,
    *,
    start: FloatArray | None = None,
) -> Proof:
    """The cheapest plan the steps find for ``built`` and its proven gap (see module doc).

    ``start`` is a plan believed feasible (a neighbouring curve point's): it is checked and used
    as a first incumbent when it is.
    """
    search = _Search(built, options, time.perf_counter(), np.zeros(0))
    lp_opts = dataclasses.replace(options, progress=None)
    presolve = built.model.num_col <= RELAX_PRESOLVE_MAX_COLS
    relaxed = solve(_relax(built.model), dataclasses.replace(lp_opts, presolve=presolve))
    if relaxed.status is SolveStatus.INFEASIBLE:
        return search.proof(StopReason.INFEASIBLE, SolveStatus.INFEASIBLE)
    if not relaxed.has_solution:
        return _branch_and_bound(search, None)
    search.raise_bound(relaxed.objective, "LP relaxation")
    search.report("relaxation")
    if start is not None:
        search.offer(_checked(built, start), "warm start")
    search.offer(pattern_plan(built, relaxed.x, lp_opts, polish=False), "LP rounding")
    search.report("first plan")
    if not built.model.is_mip or search.done():
        return _finish(search)
    blocks = BlockAngular.split(built.model, built.col_part, built.row_part)
    lots = np.zeros(built.model.num_col, dtype=bool)
    lots[built.lots] = True
    bound = part_bound(
        blocks,
        relaxed.row_dual[blocks.coupling_rows],
        lp_opts,
        relax=lots,
        known=relaxed.x,
        on_part=lambda k, n: _every(search, k, n, "bound by part"),
    )
    if math.isinf(bound.bound) and bound.bound > 0:
        return search.proof(StopReason.INFEASIBLE, SolveStatus.INFEASIBLE)
    search.raise_bound(bound.bound, f"bound by part ({bound.solves} part MILPs)")
    search.report("bound by part")
    if not search.done() and not search.out_of_time():
        _price_and_fix(search, blocks, bound, lots, lp_opts, relaxed.x)
    return _finish(search)


def _price_and_fix(
    search: _Search,
    blocks: BlockAngular,
    bound: PartBound,
    lots: NDArray[np.bool_],
    lp_opts: SolveOptions,
    relaxed: FloatArray,
) -> None:
    """Rounds of master LP, restricted MILP and re-pricing (``master``) until the gap is met.

    Each round mixes the candidate plans (the incumbent's, the parts' own) to meet the floor,
    re-solves the mixed parts and those its choice fits worst. A priced round that finds a cheaper
    plan is followed by one that mixes again with that plan as a candidate (no re-pricing:
    seconds; measured on 2,000 x 40 x 12, a second and third such round gain little); otherwise the
    parts the LP left fractional that the master's choice fits worst (``_to_reprice``) are priced
    again at the master's floor prices
    (smoothed towards the LP's, which keeps the rounds from oscillating) for new candidates.
    """
    every = np.ones(blocks.num_blocks, dtype=bool)
    candidates = Candidates(fallback=relaxed)
    if math.isfinite(search.objective):
        candidates = candidates.add(search.x, every)
    first, prices, fresh = bound, bound.y, True
    for round_ in range(MASTER_ROUNDS):
        if fresh:  # the bound's plans are not candidates yet
            plans, usable = whole_lots(
                blocks, bound.plans, bound.has_plan, lots, bound.priced_cost, lp_opts
            )
            candidates = candidates.add(plans, usable)
        master = solve_master(blocks, candidates, lp_opts)
        if master is None:
            return
        improved = _mix_and_fix(search, blocks, candidates, master, bound, lp_opts, round_)
        if improved:
            candidates = candidates.add(search.x, every)
        if search.done() or search.out_of_time() or round_ + 1 == MASTER_ROUNDS:
            return
        if improved and fresh:  # mix once more with the new plan before pricing again
            fresh = False
            continue
        fresh = True
        if master.on_fallback.any():
            # the master's prices then carry the fallback's surcharge: raise the floor's instead,
            # so that the parts' own plans buy more at home (an assumption: 10 % a round)
            prices = FALLBACK_RAISE * prices
        else:
            prices = 0.5 * blocks.sign_safe(master.duals) + 0.5 * first.y
        # only the parts the LP left fractional: the others' plans rarely move with the prices
        # (so the round gives plans, not a bound; measured, re-pricing them all never raised it)
        bound = part_bound(
            blocks,
            prices,
            lp_opts,
            relax=lots,
            only=_to_reprice(blocks, candidates, master, bound, first.solved),
            on_part=lambda k, n: _every(search, k, n, "re-pricing"),
        )


def _to_reprice(
    blocks: BlockAngular,
    candidates: Candidates,
    master: Master,
    bound: PartBound,
    solved: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """Per block: the parts to price again, those whose plan the master's choice fits worst.

    A part whose chosen plan is its own cheapest at the last prices gives the next round nothing
    new; the gap sits in the mixed parts and in the ``REPRICE_SHARE`` of parts (among those the
    LP left fractional) whose chosen plan costs most above their own priced optimum.
    """
    count = max(round(REPRICE_SHARE * blocks.num_blocks), 1)
    worst = worst_fits(blocks, candidates, master, bound.plans, bound.priced_cost, count=count)
    return (solved & worst) | master.mixed


def _mix_and_fix(
    search: _Search,
    blocks: BlockAngular,
    candidates: Candidates,
    master: Master,
    bound: PartBound,
    lp_opts: SolveOptions,
    round_: int,
) -> bool:
    """The restricted MILP of ``master``'s mix (mixed and worst-fitting parts re-solved), offered.

    True when it gave a cheaper plan than the search had.
    """
    also = worst_fits(blocks, candidates, master, bound.plans, bound.priced_cost)
    plan = restricted_plan(
        blocks,
        candidates,
        master,
        # stop once the plan meets the target: searching on only buys a cheaper plan than the
        # proof needs (200 x 40 x 12: the first round's restricted MILP 1.6 s instead of 2.1 s)
        dataclasses.replace(
            lp_opts, time_limit_s=search.left_s(), stop_at_objective=search.enough()
        ),
        also=also,
    )
    kept = search.offer(plan, f"price and fix, round {round_ + 1}")
    search.report("price and fix")
    return kept


def _every(search: _Search, k: int, n: int, phase: str) -> None:
    if k == n or k % max(n // 20, 1) == 0:
        search.report(f"{phase} {k}/{n}")


def _relax(model: SparseModel) -> SparseModel:
    return dataclasses.replace(model, integer=np.zeros_like(model.integer))


def _checked(built: SourcingModel, x: FloatArray) -> SolveResult | None:
    """``x`` as a result when it meets every row and bound of ``built`` (else None)."""
    model = built.model
    if x.shape != (model.num_col,):
        return None
    tol = 1e-6
    activity = model.row_activity(x)
    ok = (
        np.all(x >= model.col_lower - tol)
        and np.all(x <= model.col_upper + tol)
        and np.all(activity >= model.row_lower - tol * np.maximum(1.0, np.abs(model.row_lower)))
        and np.all(activity <= model.row_upper + tol * np.maximum(1.0, np.abs(model.row_upper)))
        and np.all(np.abs(x[model.integer] - np.round(x[model.integer])) <= 1e-6)
    )
    if not ok:
        return None
    return SolveResult(
        status=SolveStatus.OPTIMAL,
        objective=float(model.col_cost @ x),
        x=x,
        row_activity=activity,
        row_dual=np.zeros(0),
        mip_gap=math.inf,
        dual_bound=-math.inf,
        seconds=0.0,
        message="start",
        has_solution=True,
    )


def _branch_and_bound(search: _Search, start: FloatArray | None) -> Proof:
    """HiGHS on the whole MILP from ``start``, to the options' node limit and gap."""
    options = search.options
    opts = dataclasses.replace(
        options,
        max_nodes=options.max_nodes if options.max_nodes is not None else BRANCH_NODES,
        time_limit_s=search.left_s(),
        progress=_offset(options.progress, search),
    )
    search.report("branch and bound")
    result = solve(search.built.model, opts, start=start)
    if result.status is SolveStatus.INFEASIBLE and not math.isfinite(search.objective):
        return search.proof(StopReason.INFEASIBLE, SolveStatus.INFEASIBLE)
    search.offer(result, "branch and bound")
    if math.isfinite(result.dual_bound):
        search.raise_bound(min(result.dual_bound, search.objective), "branch and bound")
    if search.done():
        return search.proof(StopReason.GAP, SolveStatus.OPTIMAL)
    stop = (
        StopReason.TIME_LIMIT if result.status is SolveStatus.TIME_LIMIT else StopReason.WORK_LIMIT
    )
    if not math.isfinite(search.objective):
        return search.proof(StopReason.NO_PLAN, result.status)
    return search.proof(
        stop, SolveStatus.TIME_LIMIT if stop is StopReason.TIME_LIMIT else SolveStatus.NODE_LIMIT
    )


def _finish(search: _Search) -> Proof:
    """Stop when the gap is reached; else branch and bound when the model is small enough."""
    if search.done():
        return search.proof(StopReason.GAP, SolveStatus.OPTIMAL)
    if search.out_of_time():
        return search.proof(StopReason.TIME_LIMIT, SolveStatus.TIME_LIMIT)
    if int(search.built.model.integer.sum()) > BRANCH_MAX_INTEGERS and math.isfinite(
        search.objective
    ):
        # HiGHS's root work on a model this size is unbounded in time: stop on the work limit
        return search.proof(StopReason.WORK_LIMIT, SolveStatus.NODE_LIMIT)
    return _branch_and_bound(search, search.x if math.isfinite(search.objective) else None)


def _offset(
    progress: Callable[[SolveProgress], None] | None, search: _Search
) -> Callable[[SolveProgress], None] | None:
    """Progress of the branch and bound, timed from the start of the whole search."""
    if progress is None:
        return None
    before = time.perf_counter() - search.began

    def report(p: SolveProgress) -> None:
        bound = max(p.bound, search.bound)
        incumbent = (
            min(p.incumbent, search.objective) if math.isfinite(p.incumbent) else search.objective
        )
        gap = (
            (incumbent - bound) / abs(incumbent)
            if math.isfinite(incumbent) and incumbent
            else math.inf
        )
        progress(
            dataclasses.replace(
                p, elapsed_s=before + p.elapsed_s, bound=bound, incumbent=incumbent, gap=gap
            )
        )

    return report
