"""The domestic-leaning plan the risk stage compares the plan with (pure).

The scenario's sourcing problem is solved again with every period's domestic floor raised by
``DOMESTIC_UPLIFTS`` (assumption ARISK10; the scenario's ``[scenario.risk] domestic_uplifts``
replaces them): the first raise with a plan wins, so a program whose
higher floors have no plan (too little U.S. capacity in some quarter) is compared at the highest
tried raise that has one. Same BOMs, tariffs, rules and dual-source relaxation as the plan, and
the sourcing stage's deterministic curve options (one thread, gap 1e-3).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rackwright.bom.expand import PartDemand
from rackwright.chain.inputs import PlanInputs
from rackwright.scenario import Scenario
from rackwright.sourcing.engine import solve_sourcing
from rackwright.sourcing.problem import SourcingProblem
from rackwright.sourcing.result import SourcingResult
from rackwright.sourcing.stage import CURVE_OPTIONS, scenario_problem

DOMESTIC_UPLIFTS = (0.2, 0.1, 0.05)
"""Raises of every period's domestic floor tried for the domestic-leaning plan, largest first
(assumption ARISK10: +20 points is one step of the scenario's own target ladder, 2026-2029)."""


def domestic_uplifts(scenario: Scenario) -> tuple[float, ...]:
    """The raises to try, largest first: the scenario's own, or ``DOMESTIC_UPLIFTS``."""
    own = scenario.risk.domestic_uplifts
    return tuple(sorted(own, reverse=True)) if own else DOMESTIC_UPLIFTS


@dataclass(frozen=True)
class DomesticPlan:
    """The domestic-leaning sourcing plan: the raise it meets, each period's floor, the raises
    tried without a plan, and the solve."""

    uplift: float
    periods: tuple[str, ...]
    floors: tuple[float, ...]
    tried_without_plan: tuple[float, ...]
    result: SourcingResult


def raised_problem(problem: SourcingProblem, uplift: float) -> SourcingProblem:
    """``problem`` with every period's domestic floor raised by ``uplift`` (at most 1)."""
    floors = tuple(min(1.0, f + uplift) for f in problem.policy.domestic_floor)
    policy = dataclasses.replace(problem.policy, domestic_floor=floors)
    return dataclasses.replace(problem, policy=policy).check()


def domestic_plan(
    inputs: PlanInputs,
    parts: Mapping[str, Sequence[PartDemand]],
    *,
    relax_dual: bool,
    uplifts: Sequence[float] = DOMESTIC_UPLIFTS,
) -> DomesticPlan | None:
    """The plan at the largest of ``uplifts`` that has one (None: none has)."""
    base = scenario_problem(inputs, inputs.scenario, parts, None, relax_dual=relax_dual)
    tried: list[float] = []
    for uplift in uplifts:
        problem = raised_problem(base, uplift)
        result = solve_sourcing(problem, CURVE_OPTIONS, explain=False)
        if result.has_plan:
            floors = problem.policy.domestic_floor
            return DomesticPlan(uplift, problem.periods, floors, tuple(tried), result)
        tried.append(uplift)
    return None
