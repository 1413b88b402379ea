"""The discrete-event engine: one SimPy run of a ``Network``. The only module that imports simpy.

Each station is a FIFO queue served by ``servers`` SimPy processes; a server takes the oldest
waiting job, draws power from the station's facility pool if it has one, works for the job's
cycle time (plus a changeover when it switches product) on the station's shift calendar, and
routes the job on. A job's cycle time and pass/fail outcome at a station are drawn when it
arrives there, from that station's own random stream (``numpy.random.SeedSequence`` keyed by
seed, substream, replication and station): the k-th arrival at a station always gets the
stream's k-th draw, so two runs that differ only in capacity see the same work (common random
numbers).
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable, Generator, Sequence
from typing import Any

import numpy as np
import simpy

from rackwright.factory.network import (
    SHIP,
    Arrivals,
    Network,
    PoissonArrivals,
    Release,
    StationNode,
    check_network,
)
from rackwright.factory.run_stats import ProductStats, RunSpec, RunStats, StationStats

_BLOCK = 4096  # uniforms drawn per numpy call
_ARRIVAL_KEY = 1_000_000  # stream keys of arrival processes start here (stations use 2k, 2k+1)

SimGen = Generator[simpy.Event, Any, None]


class _Uniforms:
    """A reproducible stream of uniforms in [0, 1), drawn from numpy in blocks."""

    __slots__ = ("_buf", "_gen", "_i")

    def __init__(self, spec: RunSpec, key: int) -> None:
        sequence = np.random.SeedSequence(
            entropy=spec.seed, spawn_key=(spec.substream, spec.replication, key)
        )
        self._gen = np.random.Generator(np.random.PCG64(sequence))
        self._buf: list[float] = []
        self._i = 0

    def next(self) -> float:
        i = self._i
        if i == len(self._buf):
            self._buf = self._gen.random(_BLOCK).tolist()
            i = 0
        self._i = i + 1
        return self._buf[i]


class _Job:
    __slots__ = ("arrived", "in_window", "passed", "product", "released", "seen", "wait", "work")

    def __init__(self, product: int, released: float, in_window: bool) -> None:
        self.product = product
        self.released = released
        self.in_window = in_window
        self.arrived = released
        self.wait = 0.0
        self.work = 0.0
        self.passed = True
        self.seen = 0


class _Station:
    """A station's queue, idle servers and running counters."""

    __slots__ = (
        "area_n",
        "area_pool",
        "area_q",
        "arrivals",
        "busy",
        "changeover",
        "draws_yield",
        "failures",
        "idle",
        "index",
        "last",
        "max_q",
        "n",
        "node",
        "pool",
        "pool_used",
        "queue",
        "retests",
        "services",
        "svc",
        "wait",
        "work",
        "yld",
    )

    def __init__(self, env: simpy.Environment, node: StationNode, index: int, spec: RunSpec):
        key = node.stream if node.stream >= 0 else index
        self.node = node
        self.index = index
        self.queue: deque[_Job] = deque()
        self.idle: deque[simpy.Event] = deque()
        self.svc = _Uniforms(spec, 2 * key)
        self.yld = _Uniforms(spec, 2 * key + 1)
        self.draws_yield = any(p < 1.0 for p in node.pass_prob)
        self.pool = (
            simpy.Container(env, capacity=int(node.pool_capacity), init=int(node.pool_capacity))
            if node.pool_capacity is not None
            else None
        )
        self.n = self.busy = self.pool_used = 0
        self.last = 0.0
        self.reset(0.0)

    def reset(self, now: float) -> None:
        """Start measuring at ``now`` (the end of the warm-up)."""
        self.area_n = self.area_q = self.area_pool = 0.0
        self.last = now
        self.arrivals = self.retests = self.services = self.failures = 0
        self.work = self.changeover = self.wait = 0.0
        self.max_q = len(self.queue)

    def touch(self, now: float) -> None:
        """Add the time since the last change to the time-average areas."""
        dt = now - self.last
        if dt > 0.0:
            self.area_n += self.n * dt
            self.area_q += (self.n - self.busy) * dt
            self.area_pool += self.pool_used * dt
            self.last = now


class _Products:
    """Per-product counters for jobs released in the window."""

    def __init__(self, count: int, buckets: int) -> None:
        self.released = [0] * count
        self.shipped = [0] * count
        self.scrapped = [0] * count
        self.cycle = [0.0] * count
        self.wait = [0.0] * count
        self.samples: list[list[float]] = [[] for _ in range(count)]
        self.by_bucket = [[0] * buckets for _ in range(count)]


class _Sim:
    """One run's state: the environment, stations, counters and the routing step."""

    def __init__(self, network: Network, spec: RunSpec) -> None:
        self.env = simpy.Environment()
        self.spec = spec
        self.stations = [
            _Station(self.env, node, i, spec) for i, node in enumerate(network.stations)
        ]
        buckets = math.ceil(spec.horizon_s / spec.bucket_s) if spec.bucket_s else 0
        self.products = _Products(len(network.products), buckets)
        self.families = [network.family(p) for p in range(len(network.products))]
        self.buckets = buckets
        self.wip = 0
        self.wip_by_bucket: list[int] = []
        self.arrivals = 0
        self.gap_sum = 0.0
        self.sojourn = 0.0
        self.edge = 0.0
        self.measuring = spec.warmup_s <= 0.0

    def release(self, product: int, station: int, gap: float) -> None:
        """A new job of ``product`` enters at ``station`` now."""
        now = self.env.now
        in_window = self.spec.warmup_s <= now < self.spec.horizon_s
        job = _Job(product, now, in_window)
        if in_window:
            self.products.released[product] += 1
            self.arrivals += 1
            self.gap_sum += gap
        self.wip += 1
        self.arrive(job, station, now)

    def arrive(self, job: _Job, index: int, now: float) -> None:
        """``job`` joins station ``index``: draw its work and outcome, then queue or start."""
        st = self.stations[index]
        node = st.node
        p = job.product
        dist = node.service[p]
        assert dist is not None  # check_network: every routed product has a cycle time
        job.work = dist.sample(st.svc.next())
        job.passed = (st.yld.next() < node.pass_prob[p]) if st.draws_yield else True
        st.touch(now)
        st.n += 1
        st.arrivals += 1
        bit = 1 << index
        if job.seen & bit:
            st.retests += 1
        else:
            job.seen |= bit
        job.arrived = now
        if st.idle:
            st.idle.popleft().succeed(job)
        else:
            st.queue.append(job)
            if len(st.queue) > st.max_q:
                st.max_q = len(st.queue)

    def account_window(self, job: _Job, now: float) -> None:
        """Sample-path Little's law bookkeeping for a job leaving at ``now``.

        Over the window [T0, T1] the area under the number in system equals the sojourns of the
        jobs released in it, less their time after T1, plus the in-window time of jobs released
        before T0 (Stidham's sample-path form of L = lambda W).
        """
        start, end = self.spec.warmup_s, self.spec.horizon_s
        if job.in_window:
            self.sojourn += now - job.released
            self.edge -= max(now - end, 0.0)
        elif job.released < start < now:
            self.edge += min(now, end) - start

    def leave(self, job: _Job, target: int, now: float) -> None:
        """``job`` goes to ``target``: a station, shipping or scrap."""
        if target >= 0:
            self.arrive(job, target, now)
            return
        self.wip -= 1
        p = job.product
        self.account_window(job, now)
        if target == SHIP:
            if job.in_window:
                self.products.shipped[p] += 1
                self.products.cycle[p] += now - job.released
                self.products.wait[p] += job.wait
                if self.spec.keep_cycle_times:
                    self.products.samples[p].append(now - job.released)
            if self.buckets and now < self.spec.horizon_s and self.spec.bucket_s:
                self.products.by_bucket[p][int(now // self.spec.bucket_s)] += 1
        elif job.in_window:
            self.products.scrapped[p] += 1


def _server(sim: _Sim, st: _Station) -> SimGen:
    """One server of a station, forever: take the oldest job, work it, route it."""
    env = sim.env
    node = st.node
    calendar = None if node.calendar.always_on else node.calendar
    changeovers = node.changeover_s
    families = sim.families
    last_family = -1
    while True:
        if st.queue:
            job = st.queue.popleft()
        else:
            wake = env.event()
            st.idle.append(wake)
            job = yield wake
        p = job.product
        need = math.ceil(node.pool_demand[p]) if st.pool is not None else 0
        if need > 0 and st.pool is not None:
            yield st.pool.get(need)
        family = families[p]
        setup = changeovers[p] if changeovers and 0 <= last_family != family else 0.0
        last_family = family
        now = env.now
        st.touch(now)
        st.busy += 1
        st.pool_used += need
        st.services += 1
        st.work += job.work
        st.changeover += setup
        st.wait += now - job.arrived
        job.wait += now - job.arrived
        duration = setup + job.work
        end = now + duration if calendar is None else calendar.finish(now, duration)
        yield env.timeout(end - now)
        if need > 0 and st.pool is not None:
            st.pool.put(need)
        now = env.now
        st.touch(now)
        st.busy -= 1
        st.pool_used -= need
        st.n -= 1
        if job.passed:
            sim.leave(job, node.on_pass, now)
        else:
            st.failures += 1
            sim.leave(job, node.on_fail, now)


def _releases(sim: _Sim, release: Release) -> SimGen:
    env = sim.env
    last = 0.0
    for t in release.times_s:
        if sim.spec.drain and t >= sim.spec.horizon_s:
            return
        if t > env.now:
            yield env.timeout(t - env.now)
        sim.release(release.product, release.station, t - last)
        last = t


def _poisson(sim: _Sim, arrivals: PoissonArrivals, stream: _Uniforms) -> SimGen:
    env = sim.env
    end = min(arrivals.end_s, sim.spec.horizon_s) if sim.spec.drain else arrivals.end_s
    if arrivals.start_s > 0:
        yield env.timeout(arrivals.start_s)
    rate = arrivals.rate_per_s
    while True:
        gap = -math.log(1.0 - stream.next()) / rate
        if env.now + gap >= end:
            return
        yield env.timeout(gap)
        sim.release(arrivals.product, arrivals.station, gap)


def scheduled_events(env: simpy.Environment) -> int:
    """Events the environment has scheduled so far (SimPy numbers each one it schedules)."""
    counter: Any = env._eid  # an itertools.count; reading it advances it, harmlessly, once
    return int(next(counter))


def _at(sim: _Sim, t: float, action: Callable[[], None]) -> SimGen:
    yield sim.env.timeout(t)
    action()


def _every(sim: _Sim, step: float, action: Callable[[], None]) -> SimGen:
    while sim.env.now + step <= sim.spec.horizon_s:
        yield sim.env.timeout(step)
        action()


def _start(sim: _Sim, network: Network, arrivals: Sequence[Arrivals]) -> None:
    env = sim.env
    for st in sim.stations:
        for _ in range(st.node.servers):
            env.process(_server(sim, st))
    for i, a in enumerate(arrivals):
        if isinstance(a, Release):
            env.process(_releases(sim, a))
        else:
            stream = _Uniforms(sim.spec, _ARRIVAL_KEY + i)
            env.process(_poisson(sim, a, stream))
    if sim.spec.warmup_s > 0:
        env.process(_at(sim, sim.spec.warmup_s, lambda: _reset(sim)))
    if sim.spec.bucket_s:
        env.process(_every(sim, sim.spec.bucket_s, lambda: sim.wip_by_bucket.append(sim.wip)))
    del network


def _reset(sim: _Sim) -> None:
    for st in sim.stations:
        st.reset(sim.env.now)


def _station_stats(sim: _Sim, window: float) -> tuple[StationStats, ...]:
    spec = sim.spec
    out = []
    for st in sim.stations:
        st.touch(spec.horizon_s)
        node = st.node
        capacity = node.servers * node.calendar.open_seconds(spec.warmup_s, spec.horizon_s)
        out.append(
            StationStats(
                name=node.name,
                arrivals=st.arrivals,
                retests=st.retests,
                services=st.services,
                failures=st.failures,
                work_s=st.work,
                changeover_s=st.changeover,
                capacity_s=capacity,
                mean_jobs=st.area_n / window if window else 0.0,
                mean_queue=st.area_q / window if window else 0.0,
                max_queue=st.max_q,
                wait_s=st.wait,
                pool_share=(
                    st.area_pool / (window * node.pool_capacity)
                    if node.pool_capacity and window
                    else 0.0
                ),
            )
        )
    return tuple(out)


def _product_stats(sim: _Sim, network: Network) -> tuple[ProductStats, ...]:
    p = sim.products
    return tuple(
        ProductStats(
            name=name,
            released=p.released[i],
            shipped=p.shipped[i],
            scrapped=p.scrapped[i],
            cycle_s_sum=p.cycle[i],
            wait_s_sum=p.wait[i],
            cycle_times_s=tuple(p.samples[i]),
        )
        for i, name in enumerate(network.products)
    )


def simulate(network: Network, arrivals: Sequence[Arrivals], spec: RunSpec) -> RunStats:
    """Run ``network`` fed by ``arrivals`` for ``spec.horizon_s`` seconds; seeded, reproducible."""
    check_network(network, arrivals)
    if not spec.horizon_s > spec.warmup_s >= 0:
        raise ValueError(f"need 0 <= warm-up < horizon (got {spec.warmup_s}, {spec.horizon_s})")
    sim = _Sim(network, spec)
    _start(sim, network, arrivals)
    sim.env.run(until=spec.horizon_s)
    window = spec.horizon_s - spec.warmup_s
    stations = _station_stats(sim, window)
    if spec.drain:
        sim.env.run()
    return RunStats(
        spec=spec,
        stations=stations,
        products=_product_stats(sim, network),
        window_s=window,
        arrivals=sim.arrivals,
        interarrival_s_sum=sim.gap_sum,
        sojourn_s_sum=sim.sojourn,
        edge_s=sim.edge,
        mean_jobs=sum(s.mean_jobs for s in stations),
        mean_queue=sum(s.mean_queue for s in stations),
        shipped_by_bucket=tuple(tuple(b) for b in sim.products.by_bucket),
        wip_by_bucket=tuple(sim.wip_by_bucket),
        events=scheduled_events(sim.env),
    )


def _plain_job(
    env: simpy.Environment,
    network: Network,
    resources: Sequence[simpy.Resource],
    pools: Sequence[simpy.Container | None],
    job: tuple[int, int],
    rng: random.Random,
    shipped: list[int],
) -> SimGen:
    product, index = job
    while index >= 0:
        node = network.stations[index]
        dist = node.service[product]
        assert dist is not None
        work = dist.sample(rng.random())
        passed = rng.random() < node.pass_prob[product]
        need = math.ceil(node.demand(product)) if pools[index] is not None else 0
        with resources[index].request() as request:
            yield request
            pool = pools[index]
            if pool is not None and need > 0:
                yield pool.get(need)
            now = env.now
            end = now + work if node.calendar.always_on else node.calendar.finish(now, work)
            yield env.timeout(end - now)
            if pool is not None and need > 0:
                yield pool.put(need)
        index = node.on_pass if passed else node.on_fail
    if index == SHIP:
        shipped[0] += 1


def simulate_plain(
    network: Network, release: Release, horizon_s: float, seed: int = 0
) -> tuple[int, int]:
    """The same network as a textbook SimPy model: one process per job, a ``Resource`` per
    station, a ``Container`` per facility pool, Python's ``random`` for draws.

    The reference ``benchmarks/bench_factory.py`` compares ``simulate`` with (no changeovers,
    no statistics). Returns (jobs shipped by the horizon, events scheduled).
    """
    env = simpy.Environment()
    resources = [simpy.Resource(env, capacity=s.servers) for s in network.stations]
    pools = [
        simpy.Container(env, capacity=int(s.pool_capacity), init=int(s.pool_capacity))
        if s.pool_capacity is not None
        else None
        for s in network.stations
    ]
    rng = random.Random(seed)
    shipped = [0]

    def source() -> SimGen:
        for t in release.times_s:
            yield env.timeout(t - env.now)
            job = (release.product, release.station)
            env.process(_plain_job(env, network, resources, pools, job, rng, shipped))

    env.process(source())
    env.run(until=horizon_s)
    return shipped[0], scheduled_events(env)
