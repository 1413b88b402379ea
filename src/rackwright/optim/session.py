"""An LP kept loaded in HiGHS and re-solved after bound or cost changes (warm-started).

Engines that solve one model under many scenarios (risk's time-to-recover and time-to-survive
LPs, one per failed node) build the ``SparseModel`` once, open an ``LpSession`` and, between
solves, change only column bounds, row bounds or costs. HiGHS keeps the last optimal basis, so
each re-solve is a few dual-simplex pivots from the previous answer instead of a fresh solve.
``resolve`` returns only the status and objective (reading a whole solution back costs more
than a short re-solve); ``values`` and ``reduced_costs`` read columns of the last solve.

Ctrl-C: a solve runs under ``optim.highs.watch`` (HiGHS stops at its next simplex iteration)
unless the previous solve of the session was shorter than ``WATCH_AFTER_S``; such a re-solve
returns within milliseconds and Python's own Ctrl-C lands then, without paying the watch's
per-iteration callback.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from rackwright.errors import SolverError
from rackwright.optim.highs import (
    highs_bounds,
    model_status,
    new_highs,
    read_result,
    typed_status,
    watch,
)
from rackwright.optim.model import FloatArray, SparseModel
from rackwright.optim.options import SolveOptions, SolveResult, SolveStatus

DEVEX = 1  # HiGHS simplex_dual_edge_weight_strategy: cheaper than steepest edge on hot starts

HOT_START_OPTIONS: dict[str, float | int] = {
    # Devex pricing: steepest-edge weights are rebuilt on every hot start and cost more than the
    # few pivots a re-solve needs (TTS re-solves on the 5,000-node risk benchmark: 31 vs 57 ms)
    "simplex_dual_edge_weight_strategy": DEVEX,
    # no cost/bound perturbation: each re-solve is short, and removing a perturbation costs a
    # clean-up pass every time (about 10-15 % per re-solve on the same benchmark)
    "dual_simplex_cost_perturbation_multiplier": 0.0,
    "primal_simplex_bound_perturbation_multiplier": 0.0,
}


WATCH_AFTER_S = 0.05
"""Watch a solve for Ctrl-C when the last one took at least this long (seconds). The watch's
Python callback runs at every simplex iteration: 3.5-7 % of a 2-5 ms re-solve (TTR/TTS on the
5,000-node risk benchmark), and nothing a person waiting on a Ctrl-C notices at 50 ms."""


@dataclass(frozen=True)
class Resolve:
    """Status and objective of one re-solve."""

    status: SolveStatus
    objective: float
    seconds: float

    @property
    def ok(self) -> bool:
        """True when the re-solve reached an optimum."""
        return self.status is SolveStatus.OPTIMAL


def _indices(index: ArrayLike) -> np.ndarray:
    return np.ascontiguousarray(np.atleast_1d(np.asarray(index, dtype=np.int32)))


def _values(values: ArrayLike, n: int) -> FloatArray:
    return np.ascontiguousarray(
        np.broadcast_to(np.asarray(values, dtype=np.float64), (n,)), dtype=np.float64
    )


class LpSession:
    """One LP loaded in HiGHS: change bounds and costs, then ``resolve`` again.

    Presolve is off so the basis of the previous solve is reused (``HOT_START_OPTIONS`` tune
    the simplex for short re-solves). ``model`` stays the
    description of the model as built; the current bounds and costs live in HiGHS. Not
    thread-safe and not picklable: open one per worker.
    """

    def __init__(self, model: SparseModel, options: SolveOptions | None = None) -> None:
        if model.is_mip:
            raise SolverError("LpSession re-solves linear programs only; the model has integers")
        self.model = model
        self._options = options or SolveOptions()
        self._highs = new_highs(model, self._options, presolve=False)
        for name, value in HOT_START_OPTIONS.items():
            self._highs.setOptionValue(name, value)
        self._last_s = math.inf  # the first solve starts cold: watch it

    def _run(self) -> float:
        """Run HiGHS from the current basis (see ``WATCH_AFTER_S``); the seconds it took."""
        began = time.perf_counter()
        if self._last_s < WATCH_AFTER_S:
            self._highs.run()
        else:
            with watch(self._options) as w:
                w.run(self._highs)
        self._last_s = time.perf_counter() - began
        return self._last_s

    def set_col_bounds(self, cols: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> None:
        """Set ``lower <= x[cols] <= upper`` (scalars broadcast)."""
        idx = _indices(cols)
        n = idx.shape[0]
        self._highs.changeColsBounds(
            n, idx, highs_bounds(_values(lower, n)), highs_bounds(_values(upper, n))
        )

    def set_row_bounds(self, rows: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> None:
        """Set ``lower <= (A x)[rows] <= upper`` (scalars broadcast)."""
        idx = _indices(rows)
        n = idx.shape[0]
        self._highs.changeRowsBounds(
            n, idx, highs_bounds(_values(lower, n)), highs_bounds(_values(upper, n))
        )

    def set_costs(self, cols: ArrayLike, cost: ArrayLike) -> None:
        """Set the objective coefficients of ``cols`` (minimisation)."""
        idx = _indices(cols)
        n = idx.shape[0]
        self._highs.changeColsCost(n, idx, _values(cost, n))

    def resolve(self) -> Resolve:
        """Re-solve from the last basis; status and objective only."""
        seconds = self._run()
        status = typed_status(model_status(self._highs))
        objective = (
            float(self._highs.getInfo().objective_function_value)
            if status is SolveStatus.OPTIMAL
            else math.nan
        )
        return Resolve(status, objective, seconds)

    def solve(self) -> SolveResult:
        """Re-solve from the last basis and read the whole solution back."""
        seconds = self._run()
        return read_result(self._highs, self.model, model_status(self._highs), seconds)

    def values(self, cols: ArrayLike) -> FloatArray:
        """Primal values of ``cols`` at the last solve."""
        solution = self._highs.getSolution()
        values: FloatArray = np.asarray(solution.col_value, dtype=np.float64)[_indices(cols)]
        return values

    def reduced_costs(self, cols: ArrayLike) -> FloatArray:
        """Reduced costs of ``cols`` at the last solve: d objective / d (active bound)."""
        solution = self._highs.getSolution()
        duals: FloatArray = np.asarray(solution.col_dual, dtype=np.float64)[_indices(cols)]
        return duals
