"""Solve a ``SparseModel`` with HiGHS and return a frozen, typed result.

This is the only place in rackwright that imports highspy.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from highspy import _core as highs_core  # the plain binding: the wrapper prints a banner
from highspy import kHighsInf

from rackwright.errors import SolverError
from rackwright.optim.model import FloatArray, SparseModel


class SolveStatus(StrEnum):
    """How a solve ended."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    ITERATION_LIMIT = "iteration_limit"
    ERROR = "error"


@dataclass(frozen=True)
class SolveOptions:
    """Solver settings. A MIP stops at ``mip_rel_gap`` (relative) or ``mip_abs_gap``."""

    time_limit_s: float | None = None
    mip_rel_gap: float = 1e-4
    mip_abs_gap: float = 1e-6
    threads: int | None = None
    presolve: bool = True
    log: bool = False
    mip_heuristic_effort: float | None = None


@dataclass(frozen=True)
class SolveResult:
    """The outcome of one solve.

    ``x`` and ``row_activity`` are empty when no feasible point was found (``has_solution``
    False). ``row_dual`` and ``col_dual`` (reduced costs: the objective's rate of change per
    unit of a column's active bound) are filled for LPs only. ``mip_gap`` is the relative gap
    reached (0 for an LP solved to optimality, ``inf`` when no incumbent exists).
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
    col_dual: FloatArray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))

    @property
    def ok(self) -> bool:
        """True when the result holds a usable plan (optimal, or a limit hit with a solution)."""
        return self.status is SolveStatus.OPTIMAL or (
            self.has_solution
            and self.status in (SolveStatus.TIME_LIMIT, SolveStatus.ITERATION_LIMIT)
        )


_LIMITS = (SolveStatus.TIME_LIMIT, SolveStatus.ITERATION_LIMIT)

_STATUS = {
    "kOptimal": SolveStatus.OPTIMAL,
    "kModelEmpty": SolveStatus.OPTIMAL,
    "kInfeasible": SolveStatus.INFEASIBLE,
    "kUnbounded": SolveStatus.UNBOUNDED,
    "kTimeLimit": SolveStatus.TIME_LIMIT,
    "kIterationLimit": SolveStatus.ITERATION_LIMIT,
    "kSolutionLimit": SolveStatus.ITERATION_LIMIT,
}


def highs_bounds(values: FloatArray) -> FloatArray:
    """numpy infinities as HiGHS infinities."""
    out = np.asarray(values, dtype=np.float64).copy()
    out[np.isposinf(out)] = kHighsInf
    out[np.isneginf(out)] = -kHighsInf
    return out


def new_highs(model: SparseModel, options: SolveOptions, *, presolve: bool) -> object:
    """A HiGHS instance holding ``model`` with ``options`` set (not yet run)."""
    h = highs_core._Highs()
    h.setOptionValue("output_flag", bool(options.log))
    h.setOptionValue("log_to_console", bool(options.log))
    h.setOptionValue("mip_rel_gap", float(options.mip_rel_gap))
    h.setOptionValue("mip_abs_gap", float(options.mip_abs_gap))
    h.setOptionValue("presolve", "on" if presolve else "off")
    if options.time_limit_s is not None:
        h.setOptionValue("time_limit", float(options.time_limit_s))
    if options.mip_heuristic_effort is not None:
        h.setOptionValue("mip_heuristic_effort", float(options.mip_heuristic_effort))
    if options.threads is not None:
        h.setOptionValue("threads", int(options.threads))
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


def solve(
    model: SparseModel,
    options: SolveOptions | None = None,
    *,
    start: FloatArray | None = None,
) -> SolveResult:
    """Solve ``model`` (minimisation) and report status, solution, gap and wall time.

    ``start`` is a full column vector believed feasible: a MIP uses it as its first incumbent.
    """
    opts = options or SolveOptions()
    if model.num_col == 0:
        return SolveResult(
            status=SolveStatus.OPTIMAL,
            objective=model.offset,
            x=np.zeros(0),
            row_activity=np.zeros(model.num_row),
            row_dual=np.zeros(0),
            mip_gap=0.0,
            dual_bound=model.offset,
            seconds=0.0,
            message="empty model",
            has_solution=True,
            num_row=model.num_row,
        )
    began = time.perf_counter()
    h = new_highs(model, opts, presolve=opts.presolve)
    if start is not None and model.is_mip:
        h.setSolution(  # type: ignore[attr-defined]
            model.num_col,
            np.arange(model.num_col, dtype=np.int32),
            np.ascontiguousarray(start, dtype=np.float64),
        )
    h.run()  # type: ignore[attr-defined]
    name = h.getModelStatus().name  # type: ignore[attr-defined]
    if name == "kUnboundedOrInfeasible":
        # presolve could not tell which; the simplex without presolve can
        h = new_highs(model, opts, presolve=False)
        h.run()  # type: ignore[attr-defined]
    return read_result(h, model, time.perf_counter() - began)


def model_status(h: object) -> SolveStatus:
    """The typed model status of HiGHS instance ``h`` after its last ``run``."""
    name = h.getModelStatus().name  # type: ignore[attr-defined]
    if name == "kUnboundedOrInfeasible":
        return SolveStatus.INFEASIBLE
    return _STATUS.get(name, SolveStatus.ERROR)


def read_result(h: object, model: SparseModel, seconds: float) -> SolveResult:
    """The typed outcome of the last ``run`` of HiGHS instance ``h`` on ``model``."""
    name = h.getModelStatus().name  # type: ignore[attr-defined]
    info = h.getInfo()  # type: ignore[attr-defined]
    status = model_status(h)
    has_solution = int(info.primal_solution_status) == 2 and status not in (
        SolveStatus.INFEASIBLE,
        SolveStatus.UNBOUNDED,
    )
    empty = np.zeros(0, dtype=np.float64)
    col_duals = empty
    if has_solution:
        sol = h.getSolution()  # type: ignore[attr-defined]
        x = np.asarray(sol.col_value, dtype=np.float64)
        activity = np.asarray(sol.row_value, dtype=np.float64)
        duals = np.asarray(sol.row_dual, dtype=np.float64) if not model.is_mip else empty
        if not model.is_mip:
            col_duals = np.asarray(sol.col_dual, dtype=np.float64)
        objective = float(info.objective_function_value)
    else:
        x, activity, duals, objective = empty, empty, empty, math.nan
    if model.is_mip:
        gap = float(info.mip_gap) if has_solution else math.inf
        bound = float(info.mip_dual_bound)
    else:
        gap = 0.0 if status is SolveStatus.OPTIMAL else math.inf
        bound = objective
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
        col_dual=col_duals,
    )
