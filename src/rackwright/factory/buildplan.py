"""The build plan as the factory engines take it: racks of a design to complete per quarter.

A typed input, so the plan can come from the scenario today (``builds_from_scenario``) and from
the demand stage's result later. ``SiteShare`` is what each site may give the program (the
scenario's racks per week): the simulation splits the plan across sites in that proportion and
the ramp plan never asks a site for more.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rackwright.errors import InputError
from rackwright.scenario import Scenario

_PERIOD = re.compile(r"^(\d{4})Q([1-4])$")
WEEKS_PER_QUARTER = 13


def period_index(period: str) -> int:
    """``2027Q2`` -> a running quarter number (year x 4 + quarter - 1)."""
    match = _PERIOD.match(period)
    if match is None:
        raise InputError(
            "a period is a year and quarter, e.g. 2027Q1", field="period", value=period
        )
    return int(match.group(1)) * 4 + int(match.group(2)) - 1


def period_name(index: int) -> str:
    """The inverse of ``period_index``."""
    return f"{index // 4}Q{index % 4 + 1}"


@dataclass(frozen=True)
class BuildOrder:
    """``racks`` racks of catalog design ``rack_id`` to complete in quarter ``period``."""

    rack_id: str
    period: str
    racks: float

    @property
    def quarter(self) -> int:
        """The period's running quarter number."""
        return period_index(self.period)


@dataclass(frozen=True)
class SiteShare:
    """How many racks a week site ``site_id`` may build for the program."""

    site_id: str
    racks_per_week: float


def builds_from_scenario(scenario: Scenario) -> tuple[BuildOrder, ...]:
    """The scenario's ``[[build]]`` lots as build orders."""
    return tuple(BuildOrder(b.rack, b.period, float(b.racks)) for b in scenario.builds)


def shares_from_scenario(scenario: Scenario) -> tuple[SiteShare, ...]:
    """The scenario's ``[[site]]`` entries as site shares."""
    return tuple(SiteShare(s.site, s.racks_per_week) for s in scenario.sites)


def launch_quarters(builds: Iterable[BuildOrder]) -> dict[str, int]:
    """The first quarter each rack design is built in."""
    first: dict[str, int] = {}
    for order in builds:
        if order.racks > 0:
            first[order.rack_id] = min(first.get(order.rack_id, order.quarter), order.quarter)
    return first


def demand_by_quarter(builds: Iterable[BuildOrder]) -> dict[tuple[str, int], float]:
    """Racks per (design, quarter), lots of the same pair added."""
    out: dict[tuple[str, int], float] = defaultdict(float)
    for order in builds:
        out[(order.rack_id, order.quarter)] += order.racks
    return dict(out)


def allocate(
    builds: Sequence[BuildOrder], shares: Sequence[SiteShare]
) -> dict[str, dict[tuple[str, int], float]]:
    """Split every (design, quarter) across sites in proportion to their racks per week."""
    total = sum(s.racks_per_week for s in shares)
    if total <= 0:
        raise InputError("the sites offer no racks per week", field="site", value=total)
    demand = demand_by_quarter(builds)
    return {
        s.site_id: {key: racks * s.racks_per_week / total for key, racks in demand.items()}
        for s in shares
    }


def weekly_plan(
    site_plan: Mapping[tuple[str, int], float], start_quarter: int, weeks: int
) -> list[dict[str, float]]:
    """Racks per design to release in each week, a quarter's racks spread over its 13 weeks."""
    plan: list[dict[str, float]] = []
    for week in range(weeks):
        quarter = start_quarter + week // WEEKS_PER_QUARTER
        plan.append(
            {
                rack: racks / WEEKS_PER_QUARTER
                for (rack, q), racks in site_plan.items()
                if q == quarter and racks > 0
            }
        )
    return plan
