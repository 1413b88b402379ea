"""The plan against the domestic-leaning plan: what the extra domestic cost buys (pure).

Both plans' networks went through the same TTR/TTS scenarios and the same seeded Monte Carlo;
this lines up their country and policy exposures, red flags and loss distributions beside the
cost difference of the two sourcing solves (their objectives: landed cost with holding and
qualification, the figure each solve proves within its gap).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rackwright.risk.domestic import DomesticPlan
from rackwright.risk.montecarlo import MonteCarloResult
from rackwright.risk.plan_groups import ShockGroup
from rackwright.risk.results import RiskAnalysis
from rackwright.risk.scenarios import COUNTRY_PREFIX
from rackwright.sourcing.result import SourcingResult

QUARTERS_PER_YEAR = 4


@dataclass(frozen=True)
class PlanRisk:
    """One plan's side of the comparison: cost, proven gap, shares and headline risk figures."""

    cost_usd: float
    gap_usd: float
    domestic_share: Mapping[str, float]  # by period
    red_flags: int
    scenarios: int
    mc_mean: float
    mc_tails: tuple[tuple[float, float, float], ...]  # (level, VaR, CVaR)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "cost_usd": self.cost_usd,
            "gap_usd": self.gap_usd if math.isfinite(self.gap_usd) else None,
            "domestic_share": dict(self.domestic_share),
            "red_flags": self.red_flags,
            "scenarios": self.scenarios,
            "montecarlo": {
                "mean": self.mc_mean,
                "tails": [{"level": lv, "var": v, "cvar": c} for lv, v, c in self.mc_tails],
            },
        }


@dataclass(frozen=True)
class ExposureChange:
    """A country or policy scenario's loss under each plan (None: no site of it there)."""

    id: str
    current_loss: float | None
    domestic_loss: float | None
    current_red_flag: bool
    domestic_red_flag: bool

    @property
    def removed(self) -> float:
        """Loss the domestic-leaning plan removes (negative: it adds)."""
        return (self.current_loss or 0.0) - (self.domestic_loss or 0.0)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {**self.__dict__, "removed": self.removed}


@dataclass(frozen=True)
class PlanComparison:
    """The plan against the domestic-leaning plan at a raised floor (ARISK10)."""

    uplift: float
    floors: Mapping[str, float]  # the domestic-leaning plan's floor by period
    tried_without_plan: tuple[float, ...]
    racks: int
    years: float
    current: PlanRisk
    domestic: PlanRisk
    exposures: tuple[ExposureChange, ...]

    @property
    def extra_cost_usd(self) -> float:
        """What the domestic-leaning plan costs more over the horizon (objective difference)."""
        return self.domestic.cost_usd - self.current.cost_usd

    @property
    def extra_per_rack_usd(self) -> float:
        """The extra cost per rack the program builds."""
        return self.extra_cost_usd / self.racks if self.racks else math.nan

    @property
    def mean_loss_removed(self) -> float:
        """Expected yearly loss (Monte Carlo mean) the domestic-leaning plan removes."""
        return self.current.mc_mean - self.domestic.mc_mean

    @property
    def removed_per_extra_usd(self) -> float | None:
        """Expected loss removed a year per extra dollar a year (None: no extra cost)."""
        per_year = self.extra_cost_usd / self.years
        return self.mean_loss_removed / per_year if per_year > 0 else None

    def to_json(self) -> dict[str, Any]:
        """JSON form, derived figures included."""
        return {
            "uplift": self.uplift,
            "floors": dict(self.floors),
            "tried_without_plan": list(self.tried_without_plan),
            "racks": self.racks,
            "years": self.years,
            "current": self.current.to_json(),
            "domestic": self.domestic.to_json(),
            "extra_cost_usd": self.extra_cost_usd,
            "extra_per_rack_usd": self.extra_per_rack_usd,
            "mean_loss_removed": self.mean_loss_removed,
            "removed_per_extra_usd": self.removed_per_extra_usd,
            "exposures": [e.to_json() for e in self.exposures],
        }


def plan_risk(plan: SourcingResult, analysis: RiskAnalysis, mc: MonteCarloResult) -> PlanRisk:
    """One plan's cost and shares with its network's red flags and Monte Carlo."""
    return PlanRisk(
        cost_usd=plan.objective_usd,
        gap_usd=plan.gap_usd,
        domestic_share={p.period: p.domestic_share for p in plan.periods},
        red_flags=len(analysis.red_flags()),
        scenarios=len(analysis.scenarios),
        mc_mean=mc.loss.mean,
        mc_tails=tuple((t.level, t.var, t.cvar) for t in mc.loss.tails),
    )


def _headline_ids(analysis: RiskAnalysis, shocks: Sequence[ShockGroup]) -> dict[str, str]:
    """Row id -> scenario id: each named shock (by the scenario holding its numbers), then
    each country."""
    rows = {s.id: s.scenario or s.id for s in shocks}
    rows |= {s.id: s.id for s in analysis.scenarios if s.id.startswith(COUNTRY_PREFIX)}
    return rows


def exposure_changes(
    current: tuple[RiskAnalysis, Sequence[ShockGroup]],
    domestic: tuple[RiskAnalysis, Sequence[ShockGroup]],
) -> tuple[ExposureChange, ...]:
    """The named shocks and country scenarios of either network, by the plan's loss first."""
    (a, a_shocks), (b, b_shocks) = current, domestic
    a_rows, b_rows = _headline_ids(a, a_shocks), _headline_ids(b, b_shocks)
    a_by, b_by = {s.id: s for s in a.scenarios}, {s.id: s for s in b.scenarios}
    changes = []
    for row in dict.fromkeys([*a_rows, *b_rows]):
        x = a_by.get(a_rows.get(row, ""))
        y = b_by.get(b_rows.get(row, ""))
        changes.append(
            ExposureChange(
                id=row,
                current_loss=x.loss if x else None,
                domestic_loss=y.loss if y else None,
                current_red_flag=bool(x and x.red_flag),
                domestic_red_flag=bool(y and y.red_flag),
            )
        )
    return tuple(sorted(changes, key=lambda c: (-(c.current_loss or 0.0), c.id)))


def compare_plans(
    domestic_plan: DomesticPlan,
    current: tuple[SourcingResult, RiskAnalysis, MonteCarloResult, Sequence[ShockGroup]],
    domestic: tuple[RiskAnalysis, MonteCarloResult, Sequence[ShockGroup]],
    racks: int,
) -> PlanComparison:
    """Line up the plan and the domestic-leaning plan, each with its network's assessment."""
    plan, a, a_mc, a_shocks = current
    b, b_mc, b_shocks = domestic
    periods = domestic_plan.periods
    return PlanComparison(
        uplift=domestic_plan.uplift,
        floors=dict(zip(periods, domestic_plan.floors, strict=True)),
        tried_without_plan=domestic_plan.tried_without_plan,
        racks=racks,
        years=max(len(periods), 1) / QUARTERS_PER_YEAR,
        current=plan_risk(plan, a, a_mc),
        domestic=plan_risk(domestic_plan.result, b, b_mc),
        exposures=exposure_changes((a, a_shocks), (b, b_shocks)),
    )
