"""Solve a ``SparseModel`` and return a frozen, typed result.

Every solve can be stopped with Ctrl-C (HiGHS's interrupt callbacks end it within a fraction of a
second and ``solve`` raises ``KeyboardInterrupt``), reports its progress to an optional callback,
and stops on deterministic work limits (nodes, simplex iterations) as well as on the wall clock.
HiGHS itself is reached through ``optim.highs``, the one module that imports highspy.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from rackwright.optim import highs
from rackwright.optim.model import FloatArray, SparseModel
from rackwright.optim.options import (
    LIMITS,
    ProgressCallback,
    SolveOptions,
    SolveProgress,
    SolveResult,
    SolveStatus,
)

__all__ = [
    "LIMITS",
    "ProgressCallback",
    "SolveOptions",
    "SolveProgress",
    "SolveResult",
    "SolveStatus",
    "solve",
    "solve_many",
]


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
    h = highs.new_highs(model, opts, presolve=opts.presolve)
    if start is not None and model.is_mip:
        highs.set_start(h, start)
    with highs.watch(opts) as watch:
        watch.run(h)
        name = highs.model_status(h)
        if name == "kUnboundedOrInfeasible":
            # presolve could not tell which; the simplex without presolve can
            h = highs.new_highs(model, opts, presolve=False)
            watch.run(h)
            name = highs.model_status(h)
    return highs.read_result(h, model, name, time.perf_counter() - began)


def solve_many(models: Sequence[SparseModel], options: SolveOptions) -> Iterator[SolveResult]:
    """``solve`` of each model with ``options``, in order, on ``options.workers`` processes.

    The models are independent (one part each): every one is solved exactly as ``solve`` would,
    so the results are the same for any number of workers. Progress callbacks are not passed on.
    """
    if options.workers <= 1 or len(models) < 2:
        for model in models:
            yield solve(model, options)
        return
    plain = _without_progress(options)
    with ProcessPoolExecutor(max_workers=options.workers) as pool:
        chunk = max(len(models) // (8 * options.workers), 1)
        yield from pool.map(_solve_one, models, [plain] * len(models), chunksize=chunk)


def _solve_one(model: SparseModel, options: SolveOptions) -> SolveResult:
    return solve(model, options)


def _without_progress(options: SolveOptions) -> SolveOptions:
    from dataclasses import replace

    return replace(options, progress=None)
