"""Sourcing: least landed-cost supplier plans per part, site and quarter, and why not.

``problem_from_scenario`` (``stage.scenario_problem`` from a plan's inputs) turns the scenario's
build plan and the BOM's offers into a ``SourcingProblem``; ``solve_sourcing`` returns a
``SourcingResult`` (orders, cost breakdown, domestic share per quarter, binding capacities, or the
violations of an infeasible plan). ``orlib`` holds the OR-Library warehouse-location reader that
validates the solver layer.
"""

from rackwright.sourcing.engine import solve_sourcing
from rackwright.sourcing.explain import explain_infeasibility
from rackwright.sourcing.from_bom import problem_from_scenario
from rackwright.sourcing.problem import (
    PriceTier,
    SourcingOffer,
    SourcingPart,
    SourcingPolicy,
    SourcingProblem,
)
from rackwright.sourcing.result import (
    BindingCapacity,
    CostBreakdown,
    OrderLine,
    PeriodShare,
    SourcingResult,
    Violation,
    ViolationKind,
)
from rackwright.sourcing.tariffs import load_logistics

__all__ = [
    "BindingCapacity",
    "CostBreakdown",
    "OrderLine",
    "PeriodShare",
    "PriceTier",
    "SourcingOffer",
    "SourcingPart",
    "SourcingPolicy",
    "SourcingProblem",
    "SourcingResult",
    "Violation",
    "ViolationKind",
    "explain_infeasibility",
    "load_logistics",
    "problem_from_scenario",
    "solve_sourcing",
]
