"""The queueing network the simulation runs: stations, routing, products and arrivals.

One model serves the rack lines and the textbook queues (``rackwright bench queue``): a station
has parallel servers, a cycle time and a pass probability per product, a shift calendar, an
optional shared facility budget (the test bay's power) and a changeover time when a server
switches product. A job that passes goes to ``on_pass`` (a station or shipping); one that fails
goes to ``on_fail`` (a rework station, or scrap). ``check_network`` rejects a network that could
not ship: a station with no servers, a probability outside [0, 1], a negative cycle time, a
station with no path to shipping, a routing cycle without an exit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from rackwright.errors import InputError
from rackwright.factory.calendar import ALWAYS_ON, ShiftCalendar
from rackwright.factory.distributions import ServiceTime

SHIP = -1  # routing target: the job leaves the factory as a finished rack
SCRAP = -2  # routing target: the job is lost


@dataclass(frozen=True)
class StationNode:
    """One station. Per-product tuples are indexed like ``Network.products``.

    ``service[p]`` is None when product ``p`` never visits; ``pass_prob[p]`` is the first-pass
    yield (or, at a rework station, the share repaired rather than scrapped). ``pool_capacity``
    is a facility budget shared by every job in service (watts of test-bay power) and
    ``pool_demand[p]`` what one job of product ``p`` draws from it.
    """

    name: str
    servers: int
    service: tuple[ServiceTime | None, ...]
    pass_prob: tuple[float, ...]
    on_pass: int = SHIP
    on_fail: int = SCRAP
    changeover_s: tuple[float, ...] = ()
    calendar: ShiftCalendar = ALWAYS_ON
    pool_capacity: float | None = None
    pool_demand: tuple[float, ...] = ()
    stream: int = -1  # random-number stream key; -1 = the station's index

    def changeover(self, product: int) -> float:
        """Seconds to switch a server to ``product``."""
        return self.changeover_s[product] if self.changeover_s else 0.0

    def demand(self, product: int) -> float:
        """What one job of ``product`` draws from the pool."""
        return self.pool_demand[product] if self.pool_demand else 0.0


@dataclass(frozen=True)
class Release:
    """Jobs of one product entering at one station at given times (a production schedule)."""

    product: int
    station: int
    times_s: tuple[float, ...]


@dataclass(frozen=True)
class PoissonArrivals:
    """Jobs of one product entering at one station as a Poisson stream in [start_s, end_s)."""

    product: int
    station: int
    rate_per_s: float
    start_s: float = 0.0
    end_s: float = math.inf


Arrivals = Release | PoissonArrivals


@dataclass(frozen=True)
class Network:
    """Stations (routing by index) and the product names the per-product tuples follow."""

    stations: tuple[StationNode, ...]
    products: tuple[str, ...] = ("job",)
    families: tuple[int, ...] = ()  # products of one family need no changeover between them
    label: str = ""
    where: dict[str, tuple[str, int | None]] = field(default_factory=dict, compare=False)

    def family(self, product: int) -> int:
        """The changeover family of ``product`` (itself unless ``families`` says otherwise)."""
        return self.families[product] if self.families else product

    def index(self, name: str) -> int:
        """The index of station ``name``."""
        for i, station in enumerate(self.stations):
            if station.name == name:
                return i
        raise KeyError(name)


def _fail(
    network: Network, station: StationNode, what: str, field_name: str, value: object
) -> None:
    file, line = network.where.get(station.name, (None, None))
    raise InputError(
        f"station '{station.name}': {what}",
        file=file,
        line=line,
        field=f"station.{station.name}.{field_name}",
        value=value,
        has_value=True,
    )


def _check_station(network: Network, station: StationNode) -> None:
    count = len(network.stations)
    n_products = len(network.products)
    if station.servers < 1:
        _fail(network, station, "a station needs at least one server", "servers", station.servers)
    if len(station.service) != n_products or len(station.pass_prob) != n_products:
        _fail(network, station, f"needs one entry per product ({n_products})", "service", None)
    for p, dist in enumerate(station.service):
        if dist is not None and (problem := dist.problem()) is not None:
            _fail(network, station, problem, "cycle_time", dist.mean_s)
        prob = station.pass_prob[p]
        if not (0.0 <= prob <= 1.0):
            _fail(network, station, "yield must be between 0 and 1", "yield", prob)
    for value in station.changeover_s:
        if not math.isfinite(value) or value < 0:
            _fail(network, station, "changeover time must not be negative", "changeover", value)
    if (problem := station.calendar.problem()) is not None:
        _fail(network, station, problem, "calendar", None)
    for target, what in ((station.on_pass, "on_pass"), (station.on_fail, "on_fail")):
        if target not in (SHIP, SCRAP) and not 0 <= target < count:
            _fail(network, station, "routes to a station that does not exist", what, target)
    _check_pool(network, station)


def _check_pool(network: Network, station: StationNode) -> None:
    if station.pool_capacity is None:
        return
    for p, dist in enumerate(station.service):
        need = station.demand(p)
        if dist is not None and need > station.pool_capacity:
            _fail(
                network,
                station,
                f"one {network.products[p]} draws {need:,.0f} but the facility limit is "
                f"{station.pool_capacity:,.0f}: it can never start",
                "facility_limit",
                station.pool_capacity,
            )


def _edges(station: StationNode, product: int) -> list[int]:
    """Targets a job of ``product`` can reach from ``station`` with positive probability."""
    prob = station.pass_prob[product]
    out = []
    if prob > 0:
        out.append(station.on_pass)
    if prob < 1:
        out.append(station.on_fail)
    return out


def _reachable(network: Network, start: int, product: int) -> set[int]:
    seen: set[int] = set()
    todo = [start]
    while todo:
        i = todo.pop()
        if i in seen or i < 0:
            continue
        seen.add(i)
        todo.extend(_edges(network.stations[i], product))
    return seen


def _cycle_without_exit(network: Network, stations: set[int], product: int) -> list[int] | None:
    """A set of stations that reach each other and nothing outside, as a cycle path."""
    for start in sorted(stations):
        closure = _reachable(network, start, product)
        leaves = any(
            t < 0 or t not in closure for i in closure for t in _edges(network.stations[i], product)
        )
        if not leaves and all(start in _reachable(network, i, product) for i in closure):
            return sorted(closure)
    return None


def _check_routing(network: Network, entries: Sequence[tuple[int, int]]) -> None:
    for station_index, product in sorted(set(entries)):
        reach = _reachable(network, station_index, product)
        for i in sorted(reach):
            if network.stations[i].service[product] is None:
                _fail(
                    network,
                    network.stations[i],
                    f"{network.products[product]} is routed here but has no cycle time",
                    "cycle_time",
                    None,
                )
        cycle = _cycle_without_exit(network, reach, product)
        if cycle is not None:
            names = [network.stations[i].name for i in cycle]
            path = " -> ".join([*names, names[0]])
            _fail(
                network,
                network.stations[cycle[0]],
                f"routing cycle without an exit for {network.products[product]}: {path}",
                "routing",
                path,
            )
        stuck = [i for i in sorted(reach) if SHIP not in _ship_targets(network, i, product)]
        if stuck:
            # name where the line ends without shipping: a station passing racks to scrap, or
            # else the last station a stuck job reaches
            end = next((i for i in stuck if network.stations[i].on_pass == SCRAP), stuck[-1])
            station = network.stations[end]
            _fail(
                network,
                station,
                f"no path to shipping for {network.products[product]}: passing jobs go to "
                f"'{_target_name(network, station.on_pass)}'",
                "next",
                _target_name(network, station.on_pass),
            )


def _target_name(network: Network, target: int) -> str:
    if target == SHIP:
        return "ship"
    if target == SCRAP:
        return "scrap"
    return network.stations[target].name


def _ship_targets(network: Network, start: int, product: int) -> set[int]:
    """Every target (stations and SHIP/SCRAP) reachable from ``start``."""
    targets: set[int] = set()
    for i in _reachable(network, start, product):
        targets.update(_edges(network.stations[i], product))
    return targets


def check_network(network: Network, arrivals: Sequence[Arrivals] = ()) -> None:
    """Raise a one-line InputError naming the station and value if ``network`` cannot run."""
    if not network.stations:
        raise InputError("a network needs at least one station", field="stations")
    for station in network.stations:
        _check_station(network, station)
    entries = [(a.station, a.product) for a in arrivals]
    for a in arrivals:
        if not 0 <= a.station < len(network.stations) or not 0 <= a.product < len(network.products):
            raise InputError("arrivals name an unknown station or product", value=a.station)
        if isinstance(a, PoissonArrivals) and not a.rate_per_s > 0:
            raise InputError(
                "an arrival rate must be positive", field="arrival-rate", value=a.rate_per_s
            )
    if not entries:
        entries = [(0, p) for p in range(len(network.products))]
    _check_routing(network, entries)
