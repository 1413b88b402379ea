"""Analytic capacity of a network: expected visits, station loads, the bottleneck rate.

For one product entering at one station, the expected number of visits to every station solves
v = e + P^T v, where P holds the routing probabilities (pass to ``on_pass``, fail to
``on_fail``): rework loops send some jobs through a station more than once. A flow of r jobs a
second then loads station k with r * v_k * (mean cycle time) work-seconds a second, against a
capacity of servers x the share of the week the station is staffed (and, under a facility limit,
no more servers than the budget lets run at once, in whole racks of the mix's mean draw). The
smallest capacity / load ratio says how far the flows can grow before the first station
saturates: that station is the bottleneck.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rackwright.factory.calendar import WEEK_S
from rackwright.factory.network import SHIP, Network, StationNode

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Flow:
    """Jobs of ``product`` released at ``entry`` at ``rate_per_s``."""

    product: int
    entry: int
    rate_per_s: float


@dataclass(frozen=True)
class CapacityReport:
    """Loads, capacities and the bottleneck for a set of flows."""

    station_names: tuple[str, ...]
    load_s_per_s: tuple[float, ...]  # work-seconds a second the flows bring to each station
    capacity_s_per_s: tuple[float, ...]  # work-seconds a second each station can do
    ship_rate_per_s: float  # jobs a second the flows ship (after scrap)

    @property
    def utilization(self) -> tuple[float, ...]:
        """Load over capacity per station."""
        return tuple(
            load / cap if cap > 0 else float("inf")
            for load, cap in zip(self.load_s_per_s, self.capacity_s_per_s, strict=True)
        )

    @property
    def bottleneck(self) -> int:
        """Index of the most utilized station."""
        return int(np.argmax(self.utilization))

    @property
    def headroom(self) -> float:
        """Factor by which every flow can grow before the bottleneck saturates."""
        peak = max(self.utilization)
        return 1.0 / peak if peak > 0 else float("inf")

    @property
    def max_ship_rate_per_s(self) -> float:
        """Shipments a second at the bottleneck's limit, for the flows' mix."""
        return self.ship_rate_per_s * self.headroom


def _routing(network: Network, product: int) -> tuple[FloatArray, FloatArray]:
    """Station-to-station routing matrix and the probability of shipping straight from each."""
    n = len(network.stations)
    p = np.zeros((n, n))
    ship = np.zeros(n)
    for i, station in enumerate(network.stations):
        prob = station.pass_prob[product]
        for target, share in ((station.on_pass, prob), (station.on_fail, 1.0 - prob)):
            if share <= 0:
                continue
            if target >= 0:
                p[i, target] += share
            elif target == SHIP:
                ship[i] += share
    return p, ship


def visits(network: Network, product: int, entry: int) -> FloatArray:
    """Expected visits to each station of one job of ``product`` entering at ``entry``."""
    p, _ = _routing(network, product)
    start = np.zeros(len(network.stations))
    start[entry] = 1.0
    return np.asarray(np.linalg.solve(np.eye(len(start)) - p.T, start), dtype=np.float64)


def ship_probability(network: Network, product: int, entry: int) -> float:
    """Probability a job of ``product`` entering at ``entry`` ships (rather than is scrapped)."""
    _, ship = _routing(network, product)
    return float(visits(network, product, entry) @ ship)


def _servers(station: StationNode, flows: Sequence[Flow], weights: FloatArray) -> float:
    """Servers that can work at once: a facility budget may allow fewer than installed."""
    if station.pool_capacity is None or weights.sum() <= 0:
        return float(station.servers)
    demand = sum(w * station.demand(f.product) for f, w in zip(flows, weights, strict=True))
    mean_demand = demand / weights.sum()
    if mean_demand <= 0:
        return float(station.servers)
    # whole racks only: 450 kW of test bay runs three 140 kW racks, not 3.2
    fits = max(math.floor(station.pool_capacity / mean_demand + 1e-9), 1)
    return float(min(station.servers, fits))


def _mean_s(station: StationNode, product: int) -> float:
    dist = station.service[product]
    return dist.mean_s if dist is not None else 0.0


def capacity_report(network: Network, flows: Sequence[Flow]) -> CapacityReport:
    """Loads and capacities of every station under ``flows``."""
    n = len(network.stations)
    load = np.zeros(n)
    per_flow_work = np.zeros((len(flows), n))
    ship_rate = 0.0
    for f_index, flow in enumerate(flows):
        v = visits(network, flow.product, flow.entry)
        means = np.array([_mean_s(s, flow.product) for s in network.stations])
        per_flow_work[f_index] = flow.rate_per_s * v * means
        load += per_flow_work[f_index]
        ship_rate += flow.rate_per_s * ship_probability(network, flow.product, flow.entry)
    capacity = []
    for k, station in enumerate(network.stations):
        staffed = station.calendar.open_s_per_week / WEEK_S
        capacity.append(_servers(station, flows, per_flow_work[:, k]) * staffed)
    return CapacityReport(
        station_names=tuple(s.name for s in network.stations),
        load_s_per_s=tuple(float(x) for x in load),
        capacity_s_per_s=tuple(capacity),
        ship_rate_per_s=ship_rate,
    )
