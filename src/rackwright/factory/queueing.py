"""Textbook queues on the factory's own simulation engine, against their closed forms.

``rackwright bench queue`` builds an M/M/1, an M/M/c or a tandem of K M/M/c stations as a
``Network``, runs it on the same engine as the rack lines, and compares the replication
estimates (time in queue and in system per job, time-average number waiting and in system,
server utilization) with queueing theory: M/M/1 and Erlang C (Kleinrock, Queueing Systems vol. 1,
sections 3.2 and 3.5) and, for the tandem, Burke's theorem with Jackson's product form (each
station is an independent M/M/c fed at rate lambda).

Waits and numbers in the system use the sample means of the inter-arrival and service draws as
control variates (their expectations are the inputs 1/lambda and 1/mu, not the theory being
checked), which about halves the variance of heavy-traffic estimates. Utilization is itself
nearly a linear function of those two means, so a control-variate fit would leave only
second-order terms and an interval too narrow to trust: it is the plain replication mean. Little's
law L = lambda W is checked on every run's raw figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from rackwright.errors import InputError
from rackwright.explore.executors import Executor
from rackwright.factory.distributions import exponential
from rackwright.factory.network import Network, PoissonArrivals, StationNode
from rackwright.factory.replicate import replicate
from rackwright.factory.run_stats import RunSpec, RunStats
from rackwright.factory.stats import Estimate, control_variate_ci, mean_ci

METRICS = ("wq", "w", "lq", "l", "utilization")
IDENTITY_TOLERANCE = 1e-9  # the sample-path form of Little's law holds to rounding
LITTLE_TOLERANCE = 0.02  # |L - lambda W| / L of the estimates, edges averaged over replications


class QueueKind(StrEnum):
    """The textbook systems the bench runs."""

    MM1 = "mm1"
    MMC = "mmc"
    TANDEM = "tandem"


@dataclass(frozen=True)
class QueueSystem:
    """An M/M/c station, or K of them in tandem, fed by Poisson arrivals."""

    kind: QueueKind
    arrival_rate: float
    service_rate: float
    servers: int = 1
    stations: int = 1

    @property
    def utilization(self) -> float:
        """Offered load per server, lambda / (c mu)."""
        return self.arrival_rate / (self.servers * self.service_rate)


@dataclass(frozen=True)
class QueueFigures:
    """Mean time in queue and in system per job, mean numbers waiting and present, utilization."""

    wq: float
    w: float
    lq: float
    l: float  # noqa: E741 - the textbook's name for the mean number in system
    utilization: float

    def to_json(self) -> dict[str, float]:
        """The five figures by their textbook names."""
        return {
            "wq": self.wq,
            "w": self.w,
            "lq": self.lq,
            "l": self.l,
            "utilization": self.utilization,
        }


def queue_system(
    kind: str, arrival_rate: float, service_rate: float, servers: int = 1, stations: int = 1
) -> QueueSystem:
    """A checked ``QueueSystem``; an unstable or malformed one is a one-line InputError."""
    try:
        queue_kind = QueueKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in QueueKind)
        raise InputError(
            f"unknown queue kind; use one of {known}", field="kind", value=kind
        ) from None
    for name, value in (("arrival-rate", arrival_rate), ("service-rate", service_rate)):
        if not (math.isfinite(value) and value > 0):
            raise InputError(f"--{name} must be a positive number", field=name, value=value)
    if servers < 1 or stations < 1:
        raise InputError(
            "--servers and --stations must be at least 1", field="servers", value=servers
        )
    if queue_kind is QueueKind.MM1 and servers != 1:
        raise InputError(
            "an M/M/1 queue has one server; use --kind mmc", field="servers", value=servers
        )
    if queue_kind is not QueueKind.TANDEM and stations != 1:
        raise InputError("--stations applies to --kind tandem", field="stations", value=stations)
    system = QueueSystem(queue_kind, arrival_rate, service_rate, servers, stations)
    if system.utilization >= 1.0:
        raise InputError(
            f"the queue is unstable: utilization lambda/(c mu) = {system.utilization:.3f} >= 1",
            field="arrival-rate",
            value=arrival_rate,
        )
    return system


def erlang_c(offered: float, servers: int) -> float:
    """Probability an arrival waits in an M/M/c queue (Erlang C), by the Erlang B recursion."""
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered * blocking / (k + offered * blocking)
    rho = offered / servers
    return blocking / (1.0 - rho * (1.0 - blocking))


def mmc_theory(arrival_rate: float, service_rate: float, servers: int) -> QueueFigures:
    """Steady-state figures of one M/M/c queue (M/M/1 when ``servers`` is 1)."""
    offered = arrival_rate / service_rate
    rho = offered / servers
    lq = erlang_c(offered, servers) * rho / (1.0 - rho)
    wq = lq / arrival_rate
    w = wq + 1.0 / service_rate
    return QueueFigures(wq=wq, w=w, lq=lq, l=arrival_rate * w, utilization=rho)


def theory(system: QueueSystem) -> QueueFigures:
    """Closed-form figures for the whole system (a tandem adds its identical stations)."""
    one = mmc_theory(system.arrival_rate, system.service_rate, system.servers)
    k = system.stations
    return QueueFigures(
        wq=k * one.wq, w=k * one.w, lq=k * one.lq, l=k * one.l, utilization=one.utilization
    )


def queue_network(system: QueueSystem) -> tuple[Network, tuple[PoissonArrivals, ...]]:
    """The system as a simulation network with its Poisson arrival stream."""
    service = exponential(1.0 / system.service_rate)
    stations = tuple(
        StationNode(
            name=f"station-{i + 1}" if system.stations > 1 else "server",
            servers=system.servers,
            service=(service,),
            pass_prob=(1.0,),
            on_pass=i + 1 if i + 1 < system.stations else -1,
        )
        for i in range(system.stations)
    )
    label = f"{system.kind.value} lambda={system.arrival_rate} mu={system.service_rate}"
    network = Network(stations=stations, products=("job",), label=label)
    return network, (PoissonArrivals(0, 0, system.arrival_rate),)


def planned_jobs(utilization: float, relative_error: float) -> int:
    """Jobs to simulate in all for a relative standard error of the mean number in an M/M/1.

    Whitt (1989, 'Planning queueing simulations', Management Science 35(11)): the time-average
    queue length of an M/M/1 has asymptotic variance 2 rho (1 + rho) / (1 - rho)^4 per unit of
    service time, so a relative error e needs about 2 (1 + rho) / (rho (1 - rho)^2 e^2) service
    times, i.e. that many jobs times rho. Control variates roughly halve the need.
    """
    rho = min(max(utilization, 0.05), 0.99)
    service_times = 2.0 * (1.0 + rho) / (rho * (1.0 - rho) ** 2 * relative_error**2)
    return math.ceil(0.5 * rho * service_times)


@dataclass(frozen=True)
class BenchRun:
    """How to run the bench: replications, jobs per replication, warm-up share, seed."""

    replications: int = 10
    jobs_per_replication: int | None = None  # None: planned for a 1 % relative error
    warmup_fraction: float = 0.1
    seed: int = 0
    relative_error: float = 0.01

    def jobs(self, system: QueueSystem) -> int:
        """Jobs per replication (measured, warm-up excluded)."""
        if self.jobs_per_replication is not None:
            return self.jobs_per_replication
        total = planned_jobs(system.utilization, self.relative_error)
        return max(20_000, math.ceil(total / self.replications))


@dataclass(frozen=True)
class QueueBenchResult:
    """Simulated figures with their 95 % intervals beside the closed forms."""

    system: QueueSystem
    simulated: QueueFigures
    ci95: dict[str, Estimate]
    theory: QueueFigures
    little_rel_gap: float  # |L - lambda W| / L of the pooled replications
    identity_gap: float  # worst miss of the sample-path identity over replications
    replications: int
    jobs_per_replication: int
    events: int

    @property
    def little_holds(self) -> bool:
        """L = lambda W: exactly on every run's sample path (with its window-edge term), and
        within ``LITTLE_TOLERANCE`` for the pooled estimates."""
        return self.identity_gap <= IDENTITY_TOLERANCE and self.little_rel_gap <= LITTLE_TOLERANCE

    def relative_error(self, metric: str) -> float:
        """|simulated - theory| / theory for one of ``METRICS``."""
        sim = float(getattr(self.simulated, metric))
        ref = float(getattr(self.theory, metric))
        return abs(sim - ref) / ref

    def to_json(self) -> dict[str, object]:
        """``{"simulated": {wq, w, lq, l, utilization, ci95}, "theory": {...}}``."""
        simulated: dict[str, object] = dict(self.simulated.to_json())
        simulated["ci95"] = {m: {"lo": e.lo, "hi": e.hi} for m, e in self.ci95.items()}
        return {"simulated": simulated, "theory": self.theory.to_json()}


def _raw(stats: RunStats) -> dict[str, float]:
    job = stats.products[0]
    return {
        "wq": job.mean_wait_s,
        "w": job.mean_cycle_s,
        "lq": stats.mean_queue,
        "l": stats.mean_jobs,
        "utilization": sum(s.utilization for s in stats.stations) / len(stats.stations),
    }


def _controls(stats: RunStats, system: QueueSystem) -> list[float]:
    """Observed minus expected mean inter-arrival and mean service time per station."""
    gap = stats.interarrival_s_sum / stats.arrivals - 1.0 / system.arrival_rate
    return [gap] + [s.mean_service_s - 1.0 / system.service_rate for s in stats.stations]


def _pooled_little_gap(runs: Sequence[RunStats]) -> float:
    """|L - lambda W| / L over all replications pooled (window edges average out)."""
    time = sum(r.window_s for r in runs)
    area = sum(r.mean_jobs * r.window_s for r in runs)
    jobs = sum(r.products[0].shipped for r in runs)
    sojourn = sum(r.products[0].cycle_s_sum for r in runs)
    if not area or not jobs:
        return 0.0
    lam, w = sum(r.arrivals for r in runs) / time, sojourn / jobs
    return abs(area / time - lam * w) / (area / time)


def summarize(system: QueueSystem, runs: Sequence[RunStats], jobs: int) -> QueueBenchResult:
    """Control-variate estimates and intervals across ``runs``."""
    raws = [_raw(r) for r in runs]
    controls = [_controls(r, system) for r in runs]
    ci = {m: control_variate_ci([raw[m] for raw in raws], controls) for m in METRICS[:-1]}
    ci["utilization"] = mean_ci([raw["utilization"] for raw in raws])
    simulated = QueueFigures(**{m: ci[m].mean for m in METRICS})
    return QueueBenchResult(
        system=system,
        simulated=simulated,
        ci95=ci,
        theory=theory(system),
        little_rel_gap=_pooled_little_gap(runs),
        identity_gap=max(r.little_gap for r in runs),
        replications=len(runs),
        jobs_per_replication=jobs,
        events=sum(r.events for r in runs),
    )


def run_queue_bench(
    system: QueueSystem, run: BenchRun | None = None, executor: Executor | None = None
) -> QueueBenchResult:
    """Simulate ``system`` on the factory engine and compare it with theory."""
    how = run or BenchRun()
    if how.replications < 2:
        raise InputError(
            "the bench needs at least 2 replications", field="replications", value=how.replications
        )
    if not 0.0 <= how.warmup_fraction < 1.0:
        raise InputError(
            "the warm-up fraction must be in [0, 1)", field="warmup", value=how.warmup_fraction
        )
    jobs = how.jobs(system)
    network, arrivals = queue_network(system)
    measured_s = jobs / system.arrival_rate
    warmup_s = measured_s * how.warmup_fraction / (1.0 - how.warmup_fraction)
    spec = RunSpec(horizon_s=warmup_s + measured_s, warmup_s=warmup_s, seed=how.seed, drain=True)
    runs = replicate(network, arrivals, spec, how.replications, executor)
    return summarize(system, runs, jobs)
