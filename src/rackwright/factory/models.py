"""The loaded factory data: line types, generation profiles, sites and costs, checked and frozen.

``FactoryData`` is what ``factory.loader.load_factory`` returns and what the engines read. A
station figure for a generation resolves in this order: the profile's override for that station,
the station's own value, then (for changeovers) the profile's general changeover time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rackwright.catalog.models import Source
from rackwright.factory.calendar import ALWAYS_ON, ShiftCalendar
from rackwright.factory.distributions import DistributionKind
from rackwright.factory.spec import (
    Costs,
    LineType,
    Profile,
    SiteSpec,
    Staffing,
    StationParams,
    StationSpec,
)

_DEFAULT_DISTRIBUTION = DistributionKind.LOGNORMAL


@dataclass(frozen=True)
class FactoryData:
    """Everything the factory file holds, by id, with where each table came from."""

    file: str
    sources: Mapping[str, Source]
    line_types: Mapping[str, LineType]
    profiles: Mapping[str, Profile]
    sites: Mapping[str, SiteSpec]
    costs: Costs
    where: Mapping[str, tuple[str, int | None]] = field(default_factory=dict)

    def profile_for(self, rack_id: str) -> Profile:
        """The profile that builds ``rack_id`` (KeyError when none does)."""
        for profile in self.profiles.values():
            if rack_id in profile.racks:
                return profile
        raise KeyError(rack_id)

    def line_type_of(self, site_id: str) -> LineType:
        """The line type a site runs."""
        return self.line_types[self.sites[site_id].line_type]


def override(profile: Profile, station: StationSpec) -> StationParams | None:
    """The profile's figures for ``station``, if it sets any."""
    return profile.station.get(station.id)


def resolve(station: StationSpec, profile: Profile, name: str) -> Any:
    """One figure of ``station`` for ``profile``: the profile's override, else the station's."""
    own = override(profile, station)
    if own is not None:
        value = getattr(own, name)
        if value is not None:
            return value
    return getattr(station, name)


def station_yield(station: StationSpec, profile: Profile) -> float:
    """First-pass yield per work unit (1 when nothing is said)."""
    value = resolve(station, profile, "yield_")
    return 1.0 if value is None else float(value)


def station_changeover_s(station: StationSpec, profile: Profile) -> float:
    """Seconds to switch ``station`` to ``profile``'s generation."""
    own = override(profile, station)
    if own is not None and own.changeover_s is not None:
        return float(own.changeover_s)
    if station.changeover_s is not None:
        return float(station.changeover_s)
    return float(profile.changeover_s)


def station_distribution(station: StationSpec, profile: Profile) -> tuple[DistributionKind, float]:
    """The cycle-time family and coefficient of variation."""
    kind = resolve(station, profile, "distribution") or _DEFAULT_DISTRIBUTION
    cv = resolve(station, profile, "cv")
    return DistributionKind(kind), float(cv) if cv is not None else 0.0


def site_calendar(site: SiteSpec, shifts_per_day: int | None = None) -> ShiftCalendar:
    """The site's shift calendar (``shifts_per_day`` replaces the site's own count)."""
    return ShiftCalendar(
        shifts_per_day=shifts_per_day if shifts_per_day is not None else site.shifts_per_day,
        hours_per_shift=site.hours_per_shift,
        days_per_week=site.days_per_week,
    )


def station_calendar(
    station: StationSpec, site: SiteSpec, shifts: int | None = None
) -> ShiftCalendar:
    """When ``station`` works at ``site``."""
    if station.staffing is Staffing.ALWAYS:
        return ALWAYS_ON
    return site_calendar(site, shifts)


def station_servers(station: StationSpec, site: SiteSpec) -> int:
    """Servers of ``station`` at ``site`` (the site may set its own count)."""
    return site.station_servers.get(station.id, station.servers)


def crews_per_week(station: StationSpec, site: SiteSpec, shifts: int | None = None) -> float:
    """How many crews staff one server of ``station`` (one per shift; 24/7 needs 168 h of them)."""
    if station.staffing is Staffing.ALWAYS:
        return 168.0 / (site.hours_per_shift * site.days_per_week)
    return float(shifts if shifts is not None else site.shifts_per_day)
