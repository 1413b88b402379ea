"""The shared optimisation layer: sparse LP/MILP models solved by HiGHS, typed results.

Engines build a ``SparseModel`` with ``ModelBuilder`` (numpy triplets, no per-element loops),
call ``solve`` and read a frozen ``SolveResult`` whose ``status`` is a ``SolveStatus``.
"""

from rackwright.optim.model import INF, ModelBuilder, SparseModel
from rackwright.optim.solve import SolveOptions, SolveResult, SolveStatus, solve

__all__ = [
    "INF",
    "ModelBuilder",
    "SolveOptions",
    "SolveResult",
    "SolveStatus",
    "SparseModel",
    "solve",
]
