"""Factory simulation speed: the engine against a plain SimPy model, a year of the U.S. sites,
replications in parallel.

1. One Houston line building GB300 racks for 52 weeks at 90 % of its capacity, on the engine
   (``factory.simulation.simulate``: server processes, no process per job) and on a textbook
   SimPy model of the same network (``simulate_plain``: a process per job, ``Resource`` per
   station), side by side in one run: wall time, events scheduled, events/s and racks/s.
2. One simulated year of the three U.S. sites at the default scenario's planned weekly volumes
   (2026, and the peak year from 2027Q3), sequential: target under 30 s on 2 cores.
3. Eight replications of that year: sequential, two local processes, Ray with two CPUs (same
   numbers from all three).

Run: ``.venv/bin/python -m benchmarks.bench_factory``.
"""

from __future__ import annotations

import os
import platform
import time

from rackwright.catalog import load_catalog
from rackwright.explore.executors import LocalExecutor
from rackwright.factory import (
    SimulationRequest,
    builds_from_scenario,
    catalog_products,
    load_factory,
    shares_from_scenario,
    simulate_factory,
)
from rackwright.factory.calendar import WEEK_S
from rackwright.factory.capacity import Flow, capacity_report
from rackwright.factory.network import Release
from rackwright.factory.run_stats import RunSpec
from rackwright.factory.simulation import simulate, simulate_plain
from rackwright.factory.site_network import Variant, site_network
from rackwright.scenario import read_scenario

WEEKS = 52


def engine_vs_plain() -> None:
    """Print both models' speed on the same line, fed the same schedule."""
    catalog = load_catalog([])
    data = load_factory(None, catalog)
    product = catalog_products(catalog, ["rw-gen1-gb300-nvl72"])["rw-gen1-gb300-nvl72"]
    variant = Variant(product, data.profile_for(product.rack_id), 99, "gb300")
    built = site_network(data, "foxconn-houston-tx", [variant], lines=1)
    network = built.network
    report = capacity_report(network, [Flow(0, built.entries[0], 1.0)])
    rate = 0.9 * report.max_ship_rate_per_s  # releases a second at 90 % of the bottleneck
    gap = 1.0 / rate
    times = tuple(k * gap for k in range(int(WEEKS * WEEK_S * rate)))
    release = Release(0, built.entries[0], times)
    horizon = WEEKS * WEEK_S
    began = time.perf_counter()
    run = simulate(network, [release], RunSpec(horizon_s=horizon, seed=1, bucket_s=WEEK_S))
    engine_s = time.perf_counter() - began
    began = time.perf_counter()
    plain_shipped, plain_events = simulate_plain(network, release, horizon, seed=1)
    plain_s = time.perf_counter() - began
    shipped = sum(sum(b) for b in run.shipped_by_bucket)
    print(f"one Houston line, GB300, {WEEKS} weeks, {len(times):,} kits released:")
    for name, seconds, events, racks in (
        ("engine", engine_s, run.events, shipped),
        ("plain SimPy", plain_s, plain_events, plain_shipped),
    ):
        print(
            f"  {name:12s} {seconds:6.2f} s, {events:,} events = {events / seconds:,.0f} events/s,"
            f" {racks:,} racks shipped = {racks / seconds:,.0f} racks/s simulated"
        )
    print(f"  engine / plain wall-time ratio: {engine_s / plain_s:.2f}")


def _year_request(replications: int, start: str = "2026Q1") -> SimulationRequest:
    scenario, _, _ = read_scenario(None)
    catalog = load_catalog([])
    builds = builds_from_scenario(scenario)
    return SimulationRequest(
        factory=load_factory(None, catalog),
        products=catalog_products(catalog, [b.rack_id for b in builds]),
        builds=builds,
        shares=shares_from_scenario(scenario),
        start_period=start,
        weeks=WEEKS,
        warmup_weeks=2,
        replications=replications,
        seed=0,
    )


def one_year() -> None:
    """Print the wall time of one simulated year of the three sites."""
    for start in ("2026Q1", "2027Q3"):
        request = _year_request(2, start)
        began = time.perf_counter()
        result = simulate_factory(request)
        seconds = time.perf_counter() - began
        racks = sum(sum(s.shipped_per_week) for s in result.sites)
        print(
            f"three U.S. sites, {WEEKS} weeks from {start} at the planned volumes, "
            f"{request.replications} replications sequential: {seconds:.2f} s "
            f"({seconds / request.replications:.2f} s per simulated year, {racks:,.0f} racks "
            f"a year, {result.events // request.replications:,} events per year)"
        )


def parallel_replications() -> None:
    """Print eight replications' wall time per executor and check they agree."""
    from rackwright.explore.ray_executor import RayExecutor

    request = _year_request(8)
    outcomes = []
    for name, make in (
        ("sequential", lambda: LocalExecutor(1)),
        ("2 local processes", lambda: LocalExecutor(2, processes=True)),
        ("Ray, 2 CPUs (cluster start included)", lambda: RayExecutor(num_cpus=2)),
    ):
        began = time.perf_counter()
        executor = make()
        try:
            result = simulate_factory(request, executor)
        finally:
            executor.close()
        seconds = time.perf_counter() - began
        outcomes.append(result.to_json())
        print(f"8 replications of the year, {name}: {seconds:.2f} s")
    print(f"  all executors give the same numbers: {all(o == outcomes[0] for o in outcomes)}")


def main() -> None:
    """Run the three benchmarks."""
    print(f"cpu: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    engine_vs_plain()
    one_year()
    parallel_replications()


if __name__ == "__main__":
    main()
