"""Solve a sourcing problem: build the MILP, prove a plan, read back a typed result or say why not.

``solve_sourcing`` is the engine's entry point: it checks the problem, builds the model
(``milp``), runs the proof steps (``prove``), explains an infeasible problem (``explain``) and
reads the plan into a ``SourcingResult`` (``readback``). With the default options the answer is
the same on every run: the search stops on its gap or on deterministic work limits.
"""

from __future__ import annotations

import dataclasses
import time

from rackwright.optim import SolveOptions
from rackwright.optim.model import FloatArray
from rackwright.sourcing.milp import SourcingModel, build_model
from rackwright.sourcing.problem import SourcingProblem
from rackwright.sourcing.prove import StopReason, prove_plan
from rackwright.sourcing.readback import read_plan
from rackwright.sourcing.result import SourcingResult, Violation

# one thread: HiGHS's search differs between thread counts, and the answer must not
DEFAULT_OPTIONS = SolveOptions(mip_rel_gap=1e-4, threads=1)


def solve_sourcing(
    problem: SourcingProblem,
    options: SolveOptions | None = None,
    *,
    explain: bool = True,
    start: FloatArray | None = None,
) -> SourcingResult:
    """Least landed-cost plan for ``problem`` with its proven gap; an infeasible one says why.

    ``options.mip_rel_gap`` is the proven relative gap to reach; ``max_nodes`` bounds the final
    branch and bound; ``time_limit_s`` is a wall-clock safety net (a plan it stops says so).
    Without ``threads`` one thread is used, so the same inputs give the same plan. ``start`` is a
    column vector of a plan for a problem of the same shape (a neighbouring floor's), tried as a
    first incumbent.
    """
    result, _ = solve_with_columns(problem, options, explain=explain, start=start)
    return result


def solve_with_columns(
    problem: SourcingProblem,
    options: SolveOptions | None = None,
    *,
    explain: bool = True,
    start: FloatArray | None = None,
) -> tuple[SourcingResult, FloatArray | None]:
    """``solve_sourcing``, also returning the plan's column vector (to warm-start a neighbour)."""
    from rackwright.sourcing.explain import explain_infeasibility

    problem.check()
    opts = options or DEFAULT_OPTIONS
    if opts.threads is None:
        opts = dataclasses.replace(opts, threads=1)
    began = time.perf_counter()
    built = build_model(problem)
    build_s = time.perf_counter() - began
    proof = prove_plan(built, opts, start=start)
    violations: tuple[Violation, ...] = ()
    if proof.stop is StopReason.INFEASIBLE and explain:
        violations = explain_infeasibility(problem, opts)
    result = read_plan(problem, built, proof, build_s, opts.mip_rel_gap, violations)
    return result, proof.x if proof.has_plan else None


__all__ = ["DEFAULT_OPTIONS", "SourcingModel", "solve_sourcing", "solve_with_columns"]
