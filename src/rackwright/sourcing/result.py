"""Typed results of a sourcing solve: the plan, its cost breakdown and, if infeasible, why."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rackwright.optim import SolveStatus


@dataclass(frozen=True)
class CostBreakdown:
    """Landed cost by component; ``total_usd`` equals the solver's objective."""

    price_usd: float
    tariff_usd: float
    freight_usd: float
    qualification_usd: float
    holding_usd: float
    shortfall_penalty_usd: float

    @property
    def total_usd(self) -> float:
        """Sum of every component."""
        return (
            self.price_usd
            + self.tariff_usd
            + self.freight_usd
            + self.qualification_usd
            + self.holding_usd
            + self.shortfall_penalty_usd
        )

    def to_dict(self) -> dict[str, float]:
        """JSON-able components and total."""
        return {
            "price_usd": self.price_usd,
            "tariff_usd": self.tariff_usd,
            "freight_usd": self.freight_usd,
            "qualification_usd": self.qualification_usd,
            "holding_usd": self.holding_usd,
            "shortfall_penalty_usd": self.shortfall_penalty_usd,
            "total_usd": self.total_usd,
        }


@dataclass(frozen=True)
class OrderLine:
    """One order: units of a part from an offer, placed in one quarter, arriving in another."""

    part_id: str
    offer_id: str
    site_id: str
    country: str
    order_period: str
    arrival_period: str
    qty: float
    unit_cost_usd: float
    landed_usd: float


@dataclass(frozen=True)
class PeriodShare:
    """Purchase spend arriving in a period and its U.S. share against the floor."""

    period: str
    spend_usd: float
    domestic_usd: float
    floor: float
    shortfall_share: float

    @property
    def domestic_share(self) -> float:
        """U.S. share of the period's spend (1 when nothing is bought)."""
        return self.domestic_usd / self.spend_usd if self.spend_usd > 0 else 1.0


@dataclass(frozen=True)
class BindingCapacity:
    """An offer that ships its full capacity in a period."""

    offer_id: str
    part_id: str
    site_id: str
    period: str
    capacity_units: float


class ViolationKind(StrEnum):
    """Which rule an infeasibility explanation relaxes."""

    DEMAND = "demand"
    CAPACITY = "capacity"
    DOMESTIC_FLOOR = "domestic_floor"
    COUNTRY_SHARE = "country_share"
    DUAL_SOURCE_SITES = "dual_source_sites"
    DUAL_SOURCE_SHARE = "dual_source_share"


@dataclass(frozen=True)
class Violation:
    """One relaxed constraint of the smallest relaxation that makes the plan possible.

    ``relax`` names the command-line option or input field that relaxes the rule.
    """

    kind: ViolationKind
    period: str
    item: str
    amount: float
    unit: str
    message: str
    relax: str = ""


@dataclass(frozen=True)
class DualSourceStatus:
    """How the dual-source rule fell on one critical part.

    ``quarters`` are those in which the rule applied (empty when it never did: ``reason`` says
    why); ``shares`` give each qualified site's share of the part's units in those quarters.
    """

    part_id: str
    name: str
    applies: bool
    quarters: tuple[str, ...]
    reason: str
    shares: tuple[tuple[str, float], ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "part_id": self.part_id,
            "name": self.name,
            "applies": self.applies,
            "quarters": list(self.quarters),
            "reason": self.reason,
            "shares": [{"site": site, "share": share} for site, share in self.shares],
        }


@dataclass(frozen=True)
class SourcingResult:
    """The outcome of ``solve_sourcing``.

    A usable plan exists when ``status`` is OPTIMAL (or a limit with ``has_plan``). When the
    problem is infeasible, ``violations`` explains why and the plan fields are empty.

    ``bound_usd`` is a proven lower bound on the cost of every plan that meets the rules, so the
    plan is at most ``gap_usd`` (= objective - bound) above the cheapest; ``mip_gap`` is that
    relative to the plan's cost. ``stopped_by`` says whether the search reached ``target_gap``
    or stopped on a work limit (the same on every run) or the wall clock (may differ).
    """

    status: SolveStatus
    has_plan: bool
    objective_usd: float
    costs: CostBreakdown
    orders: tuple[OrderLine, ...]
    periods: tuple[PeriodShare, ...]
    binding: tuple[BindingCapacity, ...]
    qualified: tuple[str, ...]
    violations: tuple[Violation, ...]
    mip_gap: float
    build_seconds: float
    solve_seconds: float
    num_vars: int
    num_rows: int
    message: str
    bound_usd: float = float("-inf")
    target_gap: float = 0.0
    stopped_by: str = ""
    proof_steps: tuple[str, ...] = ()
    dual_source: tuple[DualSourceStatus, ...] = ()
    policy_notes: tuple[str, ...] = ()

    @property
    def gap_usd(self) -> float:
        """How much cheaper than this plan any plan can be, at most (USD; inf without a plan)."""
        if not self.has_plan or not math.isfinite(self.bound_usd):
            return math.inf
        return max(self.objective_usd - self.bound_usd, 0.0)

    def optimality_note(self) -> str:
        """One line: how close to the cheapest plan this one is proven to be, and why it stopped."""
        if not self.has_plan:
            return f"no plan ({self.status.value})"
        if not math.isfinite(self.gap_usd):
            return f"no lower bound proven; stopped: {self.stopped_by or self.status.value}"
        return (
            f"proven within {self.mip_gap:.1e} ({_usd(self.gap_usd)}) of the cheapest plan "
            f"(bound {_usd(self.bound_usd)}; target {self.target_gap:.0e}); "
            f"stopped: {self.stopped_by or self.status.value}"
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-able summary, orders included."""
        return self.to_dict()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary, orders included."""
        return {
            "status": self.status.value,
            "has_plan": self.has_plan,
            "objective_usd": self.objective_usd if self.has_plan else None,
            "costs": self.costs.to_dict(),
            "mip_gap": self.mip_gap if self.has_plan else None,
            "bound_usd": self.bound_usd if math.isfinite(self.bound_usd) else None,
            "gap_usd": self.gap_usd if math.isfinite(self.gap_usd) else None,
            "target_gap": self.target_gap,
            "stopped_by": self.stopped_by,
            "optimality": self.optimality_note(),
            "proof_steps": list(self.proof_steps),
            "dual_source": [d.to_json() for d in self.dual_source],
            "policy_notes": list(self.policy_notes),
            "build_seconds": round(self.build_seconds, 4),
            "solve_seconds": round(self.solve_seconds, 4),
            "model": {"variables": self.num_vars, "rows": self.num_rows},
            "periods": [
                {
                    "period": p.period,
                    "spend_usd": p.spend_usd,
                    "domestic_usd": p.domestic_usd,
                    "domestic_share": p.domestic_share,
                    "floor": p.floor,
                    "shortfall_share": p.shortfall_share,
                }
                for p in self.periods
            ],
            "qualified_offers": list(self.qualified),
            "binding_capacities": [b.__dict__ for b in self.binding],
            "violations": [{**v.__dict__, "kind": v.kind.value} for v in self.violations],
            "orders": [o.__dict__ for o in self.orders],
            "message": self.message,
        }


ZERO_COSTS = CostBreakdown(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def _usd(value: float) -> str:
    """``1.2 BUSD``, ``3.4 MUSD``, ``5,600 USD``."""
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:,.3f} BUSD"
    if size >= 1e6:
        return f"{value / 1e6:,.2f} MUSD"
    return f"{value:,.0f} USD"
