"""Solver settings and outcomes: typed, frozen, and free of any solver import.

``SolveOptions`` says when to stop (gap, wall clock, deterministic work limits) and where to
report progress; ``SolveResult`` is what came back, with ``SolveStatus`` naming how it ended.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from rackwright.optim.model import FloatArray


class SolveStatus(StrEnum):
    """How a solve ended."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    ITERATION_LIMIT = "iteration_limit"
    NODE_LIMIT = "node_limit"
    ERROR = "error"


@dataclass(frozen=True)
class SolveProgress:
    """Where a running solve stands: seconds so far, best plan's cost, proven bound, gap."""

    elapsed_s: float
    incumbent: float  # nan until a feasible point is known
    bound: float  # -inf until one is proven
    gap: float  # relative; inf without an incumbent
    nodes: int = 0
    phase: str = ""

    @property
    def has_plan(self) -> bool:
        """True once a feasible point (an incumbent) is known."""
        return math.isfinite(self.incumbent)


ProgressCallback = Callable[[SolveProgress], None]


@dataclass(frozen=True)
class SolveOptions:
    """Solver settings. A MIP stops at ``mip_rel_gap`` (relative) or ``mip_abs_gap``.

    ``time_limit_s`` stops on the wall clock (results then depend on the machine's speed);
    ``max_nodes`` and ``max_simplex_iterations`` are work limits that stop at the same point on
    every run. ``heuristics=False`` spends a MIP's effort on its bound only (no primal
    heuristics: for a relaxation whose bound is all that is wanted). With ``threads`` fixed the
    same inputs give the same answer (HiGHS's MIP search differs between thread counts).
    ``progress`` is called about every ``progress_every_s`` seconds while a MIP runs.
    ``stop_at_objective`` stops a MIP at the first incumbent costing at most that much (the
    caller's target is met; a work limit like ``max_nodes``: same point on every run, one thread).
    ``workers`` is how many processes a decomposition may solve its independent subproblems on
    (one per part at a time); each subproblem is solved alike, so the answer does not depend on it.
    """

    time_limit_s: float | None = None
    mip_rel_gap: float = 1e-4
    mip_abs_gap: float = 1e-6
    threads: int | None = None
    presolve: bool = True
    log: bool = False
    mip_heuristic_effort: float | None = None
    max_nodes: int | None = None
    max_simplex_iterations: int | None = None
    heuristics: bool = True
    progress: ProgressCallback | None = field(default=None, compare=False)
    progress_every_s: float = 0.25
    workers: int = 1
    stop_at_objective: float | None = None


@dataclass(frozen=True)
class SolveResult:
    """The outcome of one solve.

    ``x`` and ``row_activity`` are empty when no feasible point was found (``has_solution``
    False). ``row_dual`` and ``col_dual`` (reduced costs) are filled for LPs only. ``mip_gap``
    is the relative gap reached (0 for an LP solved to optimality, ``inf`` when no incumbent
    exists) and ``dual_bound`` the proven lower bound.
    """

    status: SolveStatus
    objective: float
    x: FloatArray
    row_activity: FloatArray
    row_dual: FloatArray
    mip_gap: float
    dual_bound: float
    seconds: float
    message: str
    has_solution: bool
    num_col: int = 0
    num_row: int = 0
    num_nz: int = 0
    col_dual: FloatArray = field(default_factory=lambda: np.zeros(0))

    @property
    def ok(self) -> bool:
        """True when the result holds a usable plan (optimal, or a limit hit with a solution)."""
        return self.status is SolveStatus.OPTIMAL or (self.has_solution and self.status in LIMITS)


LIMITS = (SolveStatus.TIME_LIMIT, SolveStatus.ITERATION_LIMIT, SolveStatus.NODE_LIMIT)
