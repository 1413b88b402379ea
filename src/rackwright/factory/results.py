"""Typed results of the factory simulation, each with a JSON form.

Figures with a confidence interval are ``Estimate``s over the replications (95 %, Student t);
per-week series are replication means. Times are in hours and rates per week here, the units a
plant reports in (the names say so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rackwright.factory.stats import Estimate


def _series(values: tuple[float, ...]) -> list[float]:
    return [round(v, 3) for v in values]


@dataclass(frozen=True)
class StationResult:
    """One station of the line type at one site (its lines averaged)."""

    station_id: str
    name: str
    level: str
    kind: str
    servers: int  # per line, or at the site for a shared station
    utilization: Estimate  # work and changeovers over staffed server time
    changeover_share: Estimate  # the part of staffed server time lost to changeovers
    facility_share: Estimate  # time-average share of the facility limit in use (test-bay power)
    mean_queue: Estimate  # racks waiting, per line
    analytic_utilization: float  # from the capacity model at the planned mix, no changeovers

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "station": self.station_id,
            "name": self.name,
            "level": self.level,
            "kind": self.kind,
            "servers": self.servers,
            "utilization": self.utilization.to_json(),
            "changeover_share": self.changeover_share.to_json(),
            "facility_share": self.facility_share.to_json(),
            "mean_queue": self.mean_queue.to_json(),
            "analytic_utilization": self.analytic_utilization,
        }

    @property
    def load(self) -> float:
        """The binding share: servers' utilization or, if higher, the facility limit's."""
        return max(self.utilization.mean, self.facility_share.mean)


@dataclass(frozen=True)
class TestQueue:
    """Failures at one test (or process) station and the racks they queue up for repair."""

    station_id: str
    repair_station_id: str
    failures_per_week: Estimate
    retests_per_week: Estimate
    waiting_for_repair: Estimate  # time-average racks queued at the repair station, site total
    in_repair: Estimate  # time-average racks at the repair station (queued or worked on)
    max_waiting: int  # most racks ever queued at one repair station, any replication

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "station": self.station_id,
            "repair_station": self.repair_station_id,
            "failures_per_week": self.failures_per_week.to_json(),
            "retests_per_week": self.retests_per_week.to_json(),
            "waiting_for_repair": self.waiting_for_repair.to_json(),
            "in_repair": self.in_repair.to_json(),
            "max_waiting": self.max_waiting,
        }


@dataclass(frozen=True)
class RackFlow:
    """One rack design at one site."""

    rack_id: str
    planned_per_week: float  # released per week on average over the window
    shipped_per_week: Estimate
    cycle_time_h: Estimate  # release to ship, racks released in the window
    cycle_time_p50_h: float
    cycle_time_p90_h: float
    scrapped: Estimate

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "rack": self.rack_id,
            "planned_per_week": self.planned_per_week,
            "shipped_per_week": self.shipped_per_week.to_json(),
            "cycle_time_h": self.cycle_time_h.to_json(),
            "cycle_time_p50_h": self.cycle_time_p50_h,
            "cycle_time_p90_h": self.cycle_time_p90_h,
            "scrapped": self.scrapped.to_json(),
        }


@dataclass(frozen=True)
class SiteSimulation:
    """One site over the simulated weeks."""

    site_id: str
    lines: int
    shifts_per_day: int
    planned_per_week: tuple[float, ...]  # kits released each week
    shipped_per_week: tuple[float, ...]  # racks shipped each week (replication mean)
    wip_per_week: tuple[float, ...]  # racks in the factory at each week's end (mean)
    throughput_per_week: Estimate  # over the measured weeks
    planned_throughput_per_week: float
    wip: Estimate  # time-average racks in the factory
    capacity_per_week: float  # analytic limit at the planned mix
    bottleneck: str  # the most utilized station, simulated
    analytic_bottleneck: str
    racks: tuple[RackFlow, ...]
    stations: tuple[StationResult, ...]
    test_queues: tuple[TestQueue, ...]
    events: int

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "site": self.site_id,
            "lines": self.lines,
            "shifts_per_day": self.shifts_per_day,
            "throughput_per_week": self.throughput_per_week.to_json(),
            "planned_throughput_per_week": self.planned_throughput_per_week,
            "capacity_per_week": self.capacity_per_week,
            "wip": self.wip.to_json(),
            "bottleneck": self.bottleneck,
            "analytic_bottleneck": self.analytic_bottleneck,
            "planned_per_week": _series(self.planned_per_week),
            "shipped_per_week": _series(self.shipped_per_week),
            "wip_per_week": _series(self.wip_per_week),
            "racks": [r.to_json() for r in self.racks],
            "stations": [s.to_json() for s in self.stations],
            "test_queues": [q.to_json() for q in self.test_queues],
            "events": self.events,
        }


@dataclass(frozen=True)
class FactorySimulation:
    """Every site over the simulated weeks, with the whole program's weekly output."""

    start_period: str
    weeks: int
    warmup_weeks: int
    replications: int
    seed: int
    sites: tuple[SiteSimulation, ...]
    throughput_per_week: Estimate  # all sites, measured weeks
    planned_throughput_per_week: float
    skipped_sites: tuple[str, ...] = ()  # sites with no lines or nothing planned

    @property
    def events(self) -> int:
        """Simulation events over every site and replication."""
        return sum(s.events for s in self.sites)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "start_period": self.start_period,
            "weeks": self.weeks,
            "warmup_weeks": self.warmup_weeks,
            "replications": self.replications,
            "seed": self.seed,
            "throughput_per_week": self.throughput_per_week.to_json(),
            "planned_throughput_per_week": self.planned_throughput_per_week,
            "sites": [s.to_json() for s in self.sites],
            "skipped_sites": list(self.skipped_sites),
            "events": self.events,
        }
