"""Typed results of the ramp plan: lines, shifts, people and output per site and quarter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rackwright.optim import SolveStatus


@dataclass(frozen=True)
class SiteQuarter:
    """One site in one quarter of the plan."""

    site_id: str
    period: str
    lines_built: int
    lines_new: int
    lines_staffed: int
    lines_by_shifts: tuple[int, ...]  # lines staffed for 1, 2, 3 shifts
    line_shifts: int
    designs: int  # rack designs built here this quarter (each beyond the first costs changeovers)
    output: dict[str, float]  # racks made per design
    staff: float
    hires: float  # trained people arriving this quarter
    hired_in: str  # the quarter they were hired in
    leavers: float
    jobs_created: float  # staff change against the quarter before (or today's workforce)
    test_bay_power_share: float  # of the test bay's planning capacity

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "site": self.site_id,
            "period": self.period,
            "lines_built": self.lines_built,
            "lines_new": self.lines_new,
            "lines_staffed": self.lines_staffed,
            "lines_by_shifts": list(self.lines_by_shifts),
            "line_shifts": self.line_shifts,
            "designs": self.designs,
            "output": self.output,
            "staff": self.staff,
            "hires": self.hires,
            "hired_in": self.hired_in,
            "leavers": self.leavers,
            "jobs_created": self.jobs_created,
            "test_bay_power_share": self.test_bay_power_share,
        }


@dataclass(frozen=True)
class RackQuarter:
    """One design in one quarter: what the plan asks, what is made, carried and missing."""

    rack_id: str
    period: str
    demand: float
    made: float
    carried: float  # built ahead, in stock at the quarter's end
    shortfall: float

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "rack": self.rack_id,
            "period": self.period,
            "demand": self.demand,
            "made": self.made,
            "carried": self.carried,
            "shortfall": self.shortfall,
        }


@dataclass(frozen=True)
class Shortfall:
    """Where the plan cannot be met, by how much, and which limits were reached then."""

    rack_id: str
    period: str
    racks: float
    limits: tuple[str, ...]

    @property
    def message(self) -> str:
        """One line for a person."""
        why = "; ".join(self.limits) if self.limits else "no single limit at its bound"
        return f"{self.period} {self.rack_id}: {self.racks:,.0f} racks short ({why})"

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "rack": self.rack_id,
            "period": self.period,
            "racks": self.racks,
            "limits": list(self.limits),
            "message": self.message,
        }


@dataclass(frozen=True)
class RampCosts:
    """What the plan costs, by kind; ``total_usd`` is the solver's objective."""

    lines_usd: float
    labour_usd: float
    hiring_usd: float
    separation_usd: float
    carrying_usd: float
    shortfall_penalty_usd: float

    @property
    def total_usd(self) -> float:
        """Sum of every kind."""
        return (
            self.lines_usd
            + self.labour_usd
            + self.hiring_usd
            + self.separation_usd
            + self.carrying_usd
            + self.shortfall_penalty_usd
        )

    def to_json(self) -> dict[str, float]:
        """JSON form with the total."""
        return {
            "lines_usd": self.lines_usd,
            "labour_usd": self.labour_usd,
            "hiring_usd": self.hiring_usd,
            "separation_usd": self.separation_usd,
            "carrying_usd": self.carrying_usd,
            "shortfall_penalty_usd": self.shortfall_penalty_usd,
            "total_usd": self.total_usd,
        }


@dataclass(frozen=True)
class RampPlan:
    """The capacity and ramp plan."""

    status: SolveStatus
    mip_gap: float
    seconds: float
    sites: tuple[SiteQuarter, ...]
    racks: tuple[RackQuarter, ...]
    shortfalls: tuple[Shortfall, ...]
    costs: RampCosts
    line_rates: dict[str, dict[str, float]]  # site -> design -> mature racks per line-shift-quarter
    bottlenecks: dict[str, dict[str, str]]  # site -> design -> the line station that limits it

    @property
    def feasible(self) -> bool:
        """True when the plan meets every quarter's demand."""
        return not self.shortfalls

    @property
    def jobs_by_site(self) -> dict[str, float]:
        """Jobs created over the plan per site (last quarter's staff minus today's)."""
        out: dict[str, float] = {}
        for row in self.sites:
            out[row.site_id] = out.get(row.site_id, 0.0) + row.jobs_created
        return out

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "status": self.status.value,
            "mip_gap": self.mip_gap,
            "seconds": self.seconds,
            "feasible": self.feasible,
            "costs": self.costs.to_json(),
            "jobs_by_site": self.jobs_by_site,
            "line_rates": self.line_rates,
            "bottlenecks": self.bottlenecks,
            "sites": [s.to_json() for s in self.sites],
            "racks": [r.to_json() for r in self.racks],
            "shortfalls": [s.to_json() for s in self.shortfalls],
        }
