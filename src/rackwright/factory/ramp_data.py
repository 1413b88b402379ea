"""The ramp plan's coefficients, from the same line model the simulation runs.

For each site, rack design and quarter: how many racks one line staffed for one shift ships in a
quarter (the line's analytic bottleneck at that quarter's yields, at the planning utilization),
what one shipped rack asks of the site's shared test bay (burn-in position time, megawatt-hours),
and how many people a line-shift and the test bay need. Nothing here solves anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rackwright.factory.buildplan import WEEKS_PER_QUARTER, SiteShare
from rackwright.factory.calendar import WEEK_S
from rackwright.factory.capacity import Flow, capacity_report
from rackwright.factory.inputs import FactoryInputs
from rackwright.factory.models import FactoryData, crews_per_week, station_calendar, station_servers
from rackwright.factory.products import RackProduct
from rackwright.factory.site_network import Variant, site_network

QUARTER_S = WEEKS_PER_QUARTER * WEEK_S


@dataclass(frozen=True)
class RampRequest(FactoryInputs):
    """What to plan (``FactoryInputs``) and how long the solver may take."""

    time_limit_s: float = 30.0
    mip_rel_gap: float = 1e-2


@dataclass(frozen=True)
class LineRate:
    """One line-shift's output of one design in one quarter, and what each rack takes from the
    site's shared stations."""

    racks_per_line_shift: float  # racks a line staffed one shift ships in a quarter
    bottleneck: str  # the line station that limits it
    shared_s_per_rack: Mapping[str, float]  # work-seconds per shipped rack at each shared station
    pool_ws_per_rack: float  # watt-seconds of test-bay power per shipped rack


@dataclass(frozen=True)
class SiteFigures:
    """What a site offers and needs, independent of the plan."""

    site_id: str
    lines_installed: int
    max_lines: int
    max_shifts: int
    share_per_quarter: float  # racks the program may take from the site each quarter
    crew_per_line_shift: float  # people per line per shift, indirect staff included
    test_bay_crew: float  # people the shared stations need while the site runs
    shared_capacity_s: Mapping[str, float]  # work-seconds per quarter at planning utilization
    pool_capacity_ws: float  # test-bay watt-seconds per quarter at planning utilization
    worker_hours_per_quarter: float
    shift_hours_per_quarter: float


def line_rate(
    data: FactoryData, site_id: str, product: RackProduct, quarters_since_launch: int
) -> LineRate:
    """One line on one shift building only ``product`` at that point of its learning curve."""
    variant = Variant(product, data.profile_for(product.rack_id), quarters_since_launch, "r")
    built = site_network(data, site_id, [variant], lines=1, shifts_per_day=1)
    report = capacity_report(built.network, [Flow(0, built.entries[0], 1.0)])
    util = report.utilization
    line_nodes = [i for i, line in enumerate(built.line_of) if line]
    worst = max(line_nodes, key=lambda i: util[i])
    ship = report.ship_rate_per_s
    nodes = built.network.stations
    shared = {
        built.station_ids[i]: report.load_s_per_s[i] / ship
        for i, line in enumerate(built.line_of)
        if not line
    }
    pool = sum(
        report.load_s_per_s[i] * nodes[i].demand(0) / ship
        for i in range(len(nodes))
        if nodes[i].pool_capacity is not None
    )
    planning = data.costs.planning_utilization
    return LineRate(
        racks_per_line_shift=ship / util[worst] * QUARTER_S * planning,
        bottleneck=built.station_ids[worst],
        shared_s_per_rack=shared,
        pool_ws_per_rack=pool,
    )


def site_figures(data: FactoryData, share: SiteShare) -> SiteFigures:
    """A site's limits, crews and shared-station capacity."""
    site = data.sites[share.site_id]
    stations = data.line_type_of(share.site_id).station
    indirect = 1.0 + site.indirect_ratio
    crew = sum(s.operators * station_servers(s, site) for s in stations if not s.shared)
    bay = sum(
        s.operators * station_servers(s, site) * crews_per_week(s, site)
        for s in stations
        if s.shared
    )
    planning = data.costs.planning_utilization
    shared_capacity = {
        s.id: station_servers(s, site)
        * station_calendar(s, site).open_s_per_week
        * WEEKS_PER_QUARTER
        * planning
        for s in stations
        if s.shared
    }
    pool = min(site.test_bay_power_w, site.test_bay_cooling_w) * QUARTER_S * planning
    shift_hours = site.hours_per_shift * site.days_per_week * WEEKS_PER_QUARTER
    return SiteFigures(
        site_id=share.site_id,
        lines_installed=site.lines_installed,
        max_lines=site.max_lines,
        max_shifts=site.max_shifts_per_day,
        share_per_quarter=share.racks_per_week * WEEKS_PER_QUARTER,
        crew_per_line_shift=crew * indirect,
        test_bay_crew=bay * indirect,
        shared_capacity_s=shared_capacity,
        pool_capacity_ws=pool,
        worker_hours_per_quarter=shift_hours,
        shift_hours_per_quarter=shift_hours,
    )


def changeover_fraction(data: FactoryData, site_id: str, racks: Sequence[str]) -> float:
    """Share of a shared line-shift's time lost switching between ``racks`` every campaign."""
    site = data.sites[site_id]
    worst = max(data.profile_for(r).changeover_s for r in racks) if racks else 0.0
    shift_s = site.hours_per_shift * 3600.0 * site.days_per_week * WEEKS_PER_QUARTER
    return min(data.costs.campaigns_per_quarter * worst / shift_s, 0.9)
