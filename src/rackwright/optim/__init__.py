"""The shared optimisation layer: sparse LP/MILP models solved by HiGHS, typed results.

Engines build a ``SparseModel`` with ``ModelBuilder`` (numpy triplets, no per-element loops),
call ``solve`` and read a frozen ``SolveResult`` whose ``status`` is a ``SolveStatus``. A solve
stops on Ctrl-C (raising ``KeyboardInterrupt``), on its gap, on deterministic work limits or on the
clock, and reports ``SolveProgress`` to an optional callback. ``BlockAngular`` splits a model
whose blocks share only a few rows; ``WarmLp`` re-solves an LP after bound changes.
"""

from rackwright.optim.blocks import BlockAngular
from rackwright.optim.highs import WarmLp
from rackwright.optim.model import INF, ModelBuilder, SparseModel
from rackwright.optim.options import (
    ProgressCallback,
    SolveOptions,
    SolveProgress,
    SolveResult,
    SolveStatus,
)
from rackwright.optim.solve import solve, solve_many

__all__ = [
    "INF",
    "BlockAngular",
    "ModelBuilder",
    "ProgressCallback",
    "SolveOptions",
    "SolveProgress",
    "SolveResult",
    "SolveStatus",
    "SparseModel",
    "WarmLp",
    "solve",
    "solve_many",
]
