"""What one simulation run measured: per station, per product and per time bucket.

Time averages cover the measurement window [warm-up, horizon); job figures cover jobs released in
that window. Plain frozen data, so a replication's result pickles back from a worker process or a
Ray task unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RunSpec:
    """How long to run and what to measure.

    ``drain``: stop releasing at the horizon and run until every job has left (customer averages
    then include the last jobs released); otherwise stop at the horizon. ``bucket_s`` splits
    shipments and WIP into buckets (weeks) from time 0.
    """

    horizon_s: float
    warmup_s: float = 0.0
    seed: int = 0
    replication: int = 0
    substream: int = 0  # separates independent systems run with one seed (sites of a plan)
    drain: bool = False
    bucket_s: float | None = None
    keep_cycle_times: bool = False


@dataclass(frozen=True)
class StationStats:
    """One station over the window."""

    name: str
    arrivals: int
    retests: int  # arrivals of jobs that had been here before (back from rework)
    services: int
    failures: int
    work_s: float  # cycle-time work of services started in the window (no changeovers)
    changeover_s: float
    capacity_s: float  # servers x staffed seconds in the window
    mean_jobs: float  # time-average jobs at the station (queue + in service)
    mean_queue: float  # time-average jobs waiting
    max_queue: int
    wait_s: float  # total queue wait of services started in the window
    pool_share: float = 0.0  # time-average share of the facility budget (test-bay power) in use

    @property
    def utilization(self) -> float:
        """Share of staffed server time spent working or changing over."""
        return (self.work_s + self.changeover_s) / self.capacity_s if self.capacity_s else 0.0

    @property
    def mean_service_s(self) -> float:
        """Mean sampled cycle time of the services started in the window."""
        return self.work_s / self.services if self.services else 0.0

    @property
    def mean_wait_s(self) -> float:
        """Mean queue wait per service started in the window."""
        return self.wait_s / self.services if self.services else 0.0


@dataclass(frozen=True)
class ProductStats:
    """One product: jobs released in the window and what became of them."""

    name: str
    released: int
    shipped: int  # of those released in the window
    scrapped: int
    cycle_s_sum: float  # release -> ship, over shipped
    wait_s_sum: float  # total queue wait, over shipped
    cycle_times_s: tuple[float, ...] = ()

    @property
    def mean_cycle_s(self) -> float:
        """Mean release-to-ship time."""
        return self.cycle_s_sum / self.shipped if self.shipped else 0.0

    @property
    def mean_wait_s(self) -> float:
        """Mean time spent waiting in queues."""
        return self.wait_s_sum / self.shipped if self.shipped else 0.0


@dataclass(frozen=True)
class RunStats:
    """Everything one replication measured."""

    spec: RunSpec
    stations: tuple[StationStats, ...]
    products: tuple[ProductStats, ...]
    window_s: float
    arrivals: int  # external releases in the window
    interarrival_s_sum: float  # sum of the Poisson gaps drawn in the window (a control variate)
    mean_jobs: float  # time-average jobs in the system
    mean_queue: float  # time-average jobs waiting, all stations
    sojourn_s_sum: float = 0.0  # time in system of window jobs that left (shipped or scrapped)
    edge_s: float = 0.0  # window-edge term of the sample-path L = lambda W (see ``little_gap``)
    shipped_by_bucket: tuple[tuple[int, ...], ...] = ()  # [product][bucket], any release time
    wip_by_bucket: tuple[int, ...] = ()  # jobs in the system at each bucket's end
    events: int = 0  # simulation events scheduled

    @property
    def shipped(self) -> int:
        """Jobs released in the window that shipped."""
        return sum(p.shipped for p in self.products)

    @property
    def little_gap(self) -> float:
        """Relative miss of the sample-path identity area = sum of sojourns + edge term.

        Exact (to rounding) in a drained run: time-average jobs L, arrival rate lambda and mean
        time in system W of the window then satisfy L = lambda W + edge / window.
        """
        area = self.mean_jobs * self.window_s
        return abs(area - self.sojourn_s_sum - self.edge_s) / area if area else 0.0

    @property
    def arrival_rate_per_s(self) -> float:
        """Observed external arrival rate in the window."""
        return self.arrivals / self.window_s if self.window_s else 0.0
