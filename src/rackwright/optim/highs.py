"""HiGHS behind rackwright's optimisation layer: the only module that imports highspy.

It turns a ``SparseModel`` and ``SolveOptions`` into a configured HiGHS instance, runs it under a
``SolveWatch`` (Ctrl-C and progress) and reads the outcome back into a ``SolveResult``. ``WarmLp``
keeps one LP loaded so that a sequence of bound changes re-solves from the last basis.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from highspy import _core as highs_core  # the plain binding: the wrapper prints a banner
from highspy import kHighsInf

from rackwright.errors import SolverError
from rackwright.optim.interrupt import SolveWatch
from rackwright.optim.model import FloatArray, IntArray, SparseModel
from rackwright.optim.options import SolveOptions, SolveResult, SolveStatus

_STATUS = {
    "kOptimal": SolveStatus.OPTIMAL,
    "kModelEmpty": SolveStatus.OPTIMAL,
    "kInfeasible": SolveStatus.INFEASIBLE,
    "kUnbounded": SolveStatus.UNBOUNDED,
    "kTimeLimit": SolveStatus.TIME_LIMIT,
    "kIterationLimit": SolveStatus.ITERATION_LIMIT,
    "kSolutionLimit": SolveStatus.NODE_LIMIT,  # mip_max_nodes (also leaves, improving solutions)
    # the watch stops a MIP whose incumbent reached ``stop_at_objective`` (Ctrl-C raises instead)
    "kInterrupt": SolveStatus.NODE_LIMIT,
}

_CB = highs_core.cb.HighsCallbackType
_MIP_INTERRUPT = _CB.kCallbackMipInterrupt
# interrupt points: simplex iterations (every LP, every node's LP), IPM iterations, MIP nodes
_WATCHED = (_CB.kCallbackSimplexInterrupt, _CB.kCallbackIpmInterrupt, _MIP_INTERRUPT)

_HEURISTICS = (
    "mip_heuristic_run_feasibility_jump",
    "mip_heuristic_run_rins",
    "mip_heuristic_run_rens",
    "mip_heuristic_run_root_reduced_cost",
)

_threads_in_use: list[int] = []


def watch(options: SolveOptions) -> SolveWatch:
    """A ``SolveWatch`` for one solve under ``options``."""
    return SolveWatch(
        options.progress,
        options.progress_every_s,
        _WATCHED,
        _MIP_INTERRUPT,
        stop_at=options.stop_at_objective,
    )


def _use_threads(threads: int) -> None:
    """HiGHS keeps one global thread pool; a different thread count needs it rebuilt first."""
    if _threads_in_use and _threads_in_use[0] == threads:
        return
    highs_core._Highs.resetGlobalScheduler(True)
    _threads_in_use[:] = [threads]


def highs_bounds(values: FloatArray) -> FloatArray:
    """numpy infinities as HiGHS infinities."""
    out = np.asarray(values, dtype=np.float64).copy()
    out[np.isposinf(out)] = kHighsInf
    out[np.isneginf(out)] = -kHighsInf
    return out


def _configure(h: Any, options: SolveOptions, *, presolve: bool) -> None:
    h.setOptionValue("output_flag", bool(options.log))
    h.setOptionValue("log_to_console", bool(options.log))
    h.setOptionValue("mip_rel_gap", float(options.mip_rel_gap))
    h.setOptionValue("mip_abs_gap", float(options.mip_abs_gap))
    h.setOptionValue("presolve", "on" if presolve else "off")
    if options.time_limit_s is not None:
        h.setOptionValue("time_limit", float(options.time_limit_s))
    if options.mip_heuristic_effort is not None:
        h.setOptionValue("mip_heuristic_effort", float(options.mip_heuristic_effort))
    if not options.heuristics:
        h.setOptionValue("mip_heuristic_effort", 0.0)
        for name in _HEURISTICS:
            h.setOptionValue(name, False)
    if options.max_nodes is not None:
        h.setOptionValue("mip_max_nodes", int(options.max_nodes))
    if options.max_simplex_iterations is not None:
        h.setOptionValue("simplex_iteration_limit", int(options.max_simplex_iterations))
    if options.threads is not None:
        _use_threads(int(options.threads))
        h.setOptionValue("threads", int(options.threads))


def new_highs(model: SparseModel, options: SolveOptions, *, presolve: bool) -> Any:
    """A HiGHS instance holding ``model``, configured by ``options``."""
    h = highs_core._Highs()
    _configure(h, options, presolve=presolve)
    status = h.passModel(
        model.num_col,
        model.num_row,
        model.num_nz,
        1,  # MatrixFormat.kColwise
        1,  # ObjSense.kMinimize
        float(model.offset),
        np.ascontiguousarray(model.col_cost, dtype=np.float64),
        highs_bounds(model.col_lower),
        highs_bounds(model.col_upper),
        highs_bounds(model.row_lower),
        highs_bounds(model.row_upper),
        np.ascontiguousarray(model.a_start[:-1] if model.num_col else model.a_start, np.int32),
        np.ascontiguousarray(model.a_index, dtype=np.int32),
        np.ascontiguousarray(model.a_value, dtype=np.float64),
        model.integer.astype(np.int32),
    )
    if status.name == "kError":
        raise SolverError(
            f"HiGHS rejected the model ({model.num_col} columns, {model.num_row} rows)"
        )
    return h


def set_start(h: Any, start: FloatArray) -> None:
    """Hand HiGHS a full column vector as its first MIP incumbent."""
    n = int(start.shape[0])
    h.setSolution(n, np.arange(n, dtype=np.int32), np.ascontiguousarray(start, dtype=np.float64))


def model_status(h: Any) -> str:
    """HiGHS's model status name (``kOptimal`` ...)."""
    return str(h.getModelStatus().name)


def typed_status(name: str) -> SolveStatus:
    """The ``SolveStatus`` of HiGHS model status ``name`` (undecided counts as infeasible)."""
    if name == "kUnboundedOrInfeasible":
        return SolveStatus.INFEASIBLE
    return _STATUS.get(name, SolveStatus.ERROR)


def read_result(h: Any, model: SparseModel, name: str, seconds: float) -> SolveResult:
    """The ``SolveResult`` of a finished run of ``h`` on ``model``."""
    info = h.getInfo()
    status = typed_status(name)
    has_solution = int(info.primal_solution_status) == 2 and status not in (
        SolveStatus.INFEASIBLE,
        SolveStatus.UNBOUNDED,
    )
    empty = np.zeros(0, dtype=np.float64)
    x, activity, duals, reduced, objective = empty, empty, empty, empty, math.nan
    if has_solution:
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=np.float64)
        activity = np.asarray(sol.row_value, dtype=np.float64)
        if not model.is_mip:
            duals = np.asarray(sol.row_dual, dtype=np.float64)
            reduced = np.asarray(sol.col_dual, dtype=np.float64)
        objective = float(info.objective_function_value)
    if model.is_mip:
        gap = float(info.mip_gap) if has_solution else math.inf
        bound = float(info.mip_dual_bound)
    else:
        gap = 0.0 if status is SolveStatus.OPTIMAL else math.inf
        bound = objective if status is SolveStatus.OPTIMAL else -math.inf
    return SolveResult(
        status=status,
        objective=objective,
        x=x,
        row_activity=activity,
        row_dual=duals,
        mip_gap=gap,
        dual_bound=bound,
        seconds=seconds,
        message=name.removeprefix("k"),
        has_solution=has_solution,
        num_col=model.num_col,
        num_row=model.num_row,
        num_nz=model.num_nz,
        col_dual=reduced,
    )


class WarmLp:
    """An LP kept loaded in HiGHS: change column bounds, re-solve from the previous basis.

    A sequence of small changes (one part's tiers at a time) then costs a few simplex
    iterations each instead of a solve from scratch.
    """

    def __init__(self, model: SparseModel, options: SolveOptions) -> None:
        lp = model if not model.is_mip else _relaxed(model)
        self.model = lp
        self.options = options
        self._h = new_highs(lp, options, presolve=False)
        self.lower = lp.col_lower.copy()
        self.upper = lp.col_upper.copy()

    def set_bounds(self, cols: IntArray, lower: FloatArray, upper: FloatArray) -> None:
        """New bounds on ``cols`` for the next ``solve``."""
        if not cols.size:
            return
        self.lower[cols] = lower
        self.upper[cols] = upper
        self._h.changeColsBounds(
            int(cols.size),
            np.ascontiguousarray(cols, dtype=np.int32),
            highs_bounds(np.asarray(lower, dtype=np.float64)),
            highs_bounds(np.asarray(upper, dtype=np.float64)),
        )

    def solve(self) -> SolveResult:
        """Solve from the current basis."""
        began = time.perf_counter()
        with watch(self.options) as w:
            w.run(self._h)
        name = model_status(self._h)
        model = SparseModel(
            col_cost=self.model.col_cost,
            col_lower=self.lower,
            col_upper=self.upper,
            row_lower=self.model.row_lower,
            row_upper=self.model.row_upper,
            a_start=self.model.a_start,
            a_index=self.model.a_index,
            a_value=self.model.a_value,
            integer=self.model.integer,
        )
        return read_result(self._h, model, name, time.perf_counter() - began)


def _relaxed(model: SparseModel) -> SparseModel:
    from dataclasses import replace

    return replace(model, integer=np.zeros_like(model.integer))
