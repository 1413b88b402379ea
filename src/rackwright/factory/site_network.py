"""Compile one site (its lines, shared test bay and the rack generations it builds) to a Network.

Every line gets its own copy of the line type's stations (``L2/l10-tray``); stations marked
``shared`` exist once per site (``burn-in``) and every line feeds them. Products are *variants*:
one rack design in one quarter, so that a generation's yield can improve quarter by quarter
while variants of the same design share a changeover family.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rackwright.factory.models import (
    FactoryData,
    station_calendar,
    station_changeover_s,
    station_servers,
)
from rackwright.factory.network import SCRAP, SHIP, Network, StationNode
from rackwright.factory.products import RackProduct
from rackwright.factory.spec import SCRAP_TARGET, SHIP_TARGET, LineType, Profile, StationSpec
from rackwright.factory.timing import pass_probability, service_time

_SHARED_STREAM = 10_000  # stream keys: line n station k -> 100 n + k; shared station k -> 10000 + k


@dataclass(frozen=True)
class Variant:
    """One rack design built in one quarter, ``quarters_since_launch`` after its first."""

    product: RackProduct
    profile: Profile
    quarters_since_launch: int
    label: str


@dataclass(frozen=True)
class SiteNetwork:
    """A site's network, where each line enters, and which spec each node runs."""

    site_id: str
    network: Network
    entries: tuple[int, ...]  # entry station index of each line
    station_ids: tuple[str, ...]  # the line type's station id of each node
    line_of: tuple[int, ...]  # 1-based line number of each node; 0 for shared stations
    variants: tuple[Variant, ...]
    lines: int
    shifts_per_day: int


def _node_name(station: StationSpec, line: int) -> str:
    return station.id if station.shared else f"L{line}/{station.id}"


def _layout(line_type: LineType, lines: int) -> list[tuple[StationSpec, int]]:
    """(station, line) for every node: each line's own stations, then the shared ones."""
    nodes = [(s, n) for n in range(1, lines + 1) for s in line_type.station if not s.shared]
    nodes += [(s, 0) for s in line_type.station if s.shared]
    return nodes


def _target(
    name: str, line: int, by_id: dict[str, StationSpec], index: dict[tuple[str, int], int]
) -> int:
    if name == SHIP_TARGET:
        return SHIP
    if name == SCRAP_TARGET:
        return SCRAP
    spec = by_id[name]
    return index[(name, 0 if spec.shared else line)]


def _node(
    data: FactoryData,
    site_id: str,
    station: StationSpec,
    line: int,
    variants: Sequence[Variant],
    routes: tuple[int, int],
    shifts: int | None,
) -> StationNode:
    site = data.sites[site_id]
    key = [s.id for s in data.line_types[site.line_type].station].index(station.id)
    services = tuple(service_time(station, v.profile, v.product) for v in variants)
    yields = tuple(
        pass_probability(station, v.profile, v.product, v.quarters_since_launch) for v in variants
    )
    changeovers = tuple(station_changeover_s(station, v.profile) for v in variants)
    limit = min(site.test_bay_power_w, site.test_bay_cooling_w) if station.facility_limit else None
    return StationNode(
        name=_node_name(station, line),
        servers=station_servers(station, site),
        service=services,
        pass_prob=yields,
        on_pass=routes[0],
        on_fail=routes[1],
        changeover_s=changeovers,
        calendar=station_calendar(station, site, shifts),
        pool_capacity=limit,
        pool_demand=tuple(v.product.power_max_w for v in variants) if limit else (),
        stream=_SHARED_STREAM + key if station.shared else 100 * line + key,
    )


def site_network(
    data: FactoryData,
    site_id: str,
    variants: Sequence[Variant],
    *,
    lines: int | None = None,
    shifts_per_day: int | None = None,
) -> SiteNetwork:
    """The site's network for ``variants`` with its installed lines (or ``lines``)."""
    site = data.sites[site_id]
    line_type = data.line_types[site.line_type]
    count = site.lines_installed if lines is None else lines
    layout = _layout(line_type, count)
    index = {(s.id, n): i for i, (s, n) in enumerate(layout)}
    by_id = {s.id: s for s in line_type.station}
    nodes = tuple(
        _node(
            data,
            site_id,
            s,
            n,
            variants,
            (_target(s.next, n, by_id, index), _target(s.on_fail, n, by_id, index)),
            shifts_per_day,
        )
        for s, n in layout
    )
    racks = dict.fromkeys(v.product.rack_id for v in variants)
    families = {rack_id: i for i, rack_id in enumerate(racks)}
    network = Network(
        stations=nodes,
        products=tuple(v.label for v in variants),
        families=tuple(families[v.product.rack_id] for v in variants),
        label=site_id,
        where={
            _node_name(s, n): data.where.get(f"{site.line_type}/{s.id}", (data.file, None))
            for s, n in layout
        },
    )
    first = next(s for s in line_type.station if not s.shared)
    return SiteNetwork(
        site_id=site_id,
        network=network,
        entries=tuple(index[(first.id, n)] for n in range(1, count + 1)),
        station_ids=tuple(s.id for s, _ in layout),
        line_of=tuple(n for _, n in layout),
        variants=tuple(variants),
        lines=count,
        shifts_per_day=shifts_per_day or site.shifts_per_day,
    )
