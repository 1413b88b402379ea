"""``simulate_factory``: the build plan through every U.S. site's lines, replicated, summarized.

Each (site, replication) is one task for the executor (local processes or Ray give identical
numbers: a site's random streams depend only on the seed, the site's position and the
replication). The summary turns the replications into weekly throughput against the plan, WIP,
cycle times, utilization by station, the bottleneck and the test-failure queues.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from rackwright.explore.executors import Executor
from rackwright.factory.calendar import WEEK_S
from rackwright.factory.capacity import capacity_report
from rackwright.factory.replicate import ReplicationTask, run_tasks
from rackwright.factory.results import (
    FactorySimulation,
    RackFlow,
    SiteSimulation,
    StationResult,
    TestQueue,
)
from rackwright.factory.run_stats import RunSpec, RunStats, StationStats
from rackwright.factory.site_model import SimulationRequest, SiteModel, site_models
from rackwright.factory.spec import SCRAP_TARGET, SHIP_TARGET, StationSpec
from rackwright.factory.stats import mean_ci

HOUR_S = 3600.0


def simulation_tasks(
    request: SimulationRequest, models: Sequence[SiteModel]
) -> list[ReplicationTask]:
    """One task per site and replication."""
    tasks = []
    for site_index, model in enumerate(models):
        for r in range(request.replications):
            spec = RunSpec(
                horizon_s=request.weeks * WEEK_S,
                warmup_s=request.warmup_weeks * WEEK_S,
                seed=request.seed,
                replication=r,
                substream=site_index,
                bucket_s=WEEK_S,
                keep_cycle_times=True,
            )
            tasks.append(ReplicationTask(model.site.network, model.releases, spec))
    return tasks


def _weekly_shipped(run: RunStats) -> list[float]:
    return [float(sum(column)) for column in zip(*run.shipped_by_bucket, strict=True)]


def _measured_rate(run: RunStats, weeks: slice, products: Sequence[int]) -> float:
    total = sum(sum(run.shipped_by_bucket[p][weeks]) for p in products)
    measured = len(range(*weeks.indices(len(run.shipped_by_bucket[0]))))
    return float(total) / max(measured, 1)


def _rack_flows(model: SiteModel, runs: Sequence[RunStats], weeks: slice) -> tuple[RackFlow, ...]:
    variants = model.site.variants
    out = []
    for rack in dict.fromkeys(v.product.rack_id for v in variants):
        idx = [i for i, v in enumerate(variants) if v.product.rack_id == rack]
        cycles = [
            sum(r.products[i].cycle_s_sum for i in idx)
            / max(sum(r.products[i].shipped for i in idx), 1)
            / HOUR_S
            for r in runs
        ]
        pooled = [t / HOUR_S for r in runs for i in idx for t in r.products[i].cycle_times_s]
        p50, p90 = np.percentile(pooled, [50, 90]) if pooled else (0.0, 0.0)
        out.append(
            RackFlow(
                rack_id=rack,
                planned_per_week=model.planned_by_rack.get(rack, 0.0),
                shipped_per_week=mean_ci([_measured_rate(r, weeks, idx) for r in runs]),
                cycle_time_h=mean_ci(cycles),
                cycle_time_p50_h=float(p50),
                cycle_time_p90_h=float(p90),
                scrapped=mean_ci([float(sum(r.products[i].scrapped for i in idx)) for r in runs]),
            )
        )
    return tuple(out)


def _changeover(stats: StationStats) -> float:
    return stats.changeover_s / stats.capacity_s if stats.capacity_s else 0.0


def _nodes(model: SiteModel, station_id: str) -> list[int]:
    return [i for i, s in enumerate(model.site.station_ids) if s == station_id]


def _stations(
    model: SiteModel, runs: Sequence[RunStats], specs: Sequence[StationSpec]
) -> tuple[StationResult, ...]:
    analytic = capacity_report(model.site.network, model.flows).utilization
    out = []
    for spec in specs:
        nodes = _nodes(model, spec.id)
        out.append(
            StationResult(
                station_id=spec.id,
                name=spec.name,
                level=spec.level,
                kind=spec.kind.value,
                servers=model.site.network.stations[nodes[0]].servers,
                utilization=mean_ci(
                    [float(np.mean([r.stations[i].utilization for i in nodes])) for r in runs]
                ),
                facility_share=mean_ci(
                    [float(np.mean([r.stations[i].pool_share for i in nodes])) for r in runs]
                ),
                changeover_share=mean_ci(
                    [float(np.mean([_changeover(r.stations[i]) for i in nodes])) for r in runs]
                ),
                mean_queue=mean_ci(
                    [float(np.mean([r.stations[i].mean_queue for i in nodes])) for r in runs]
                ),
                analytic_utilization=float(np.mean([analytic[i] for i in nodes])),
            )
        )
    return tuple(out)


def _test_queues(
    model: SiteModel, runs: Sequence[RunStats], specs: Sequence[StationSpec], weeks: float
) -> tuple[TestQueue, ...]:
    out = []
    for spec in specs:
        if spec.on_fail in (SHIP_TARGET, SCRAP_TARGET):
            continue
        nodes, repair = _nodes(model, spec.id), _nodes(model, spec.on_fail)
        out.append(
            TestQueue(
                station_id=spec.id,
                repair_station_id=spec.on_fail,
                failures_per_week=mean_ci(
                    [sum(r.stations[i].failures for i in nodes) / weeks for r in runs]
                ),
                retests_per_week=mean_ci(
                    [sum(r.stations[i].retests for i in nodes) / weeks for r in runs]
                ),
                waiting_for_repair=mean_ci(
                    [sum(r.stations[i].mean_queue for i in repair) for r in runs]
                ),
                in_repair=mean_ci([sum(r.stations[i].mean_jobs for i in repair) for r in runs]),
                max_waiting=max(r.stations[i].max_queue for r in runs for i in repair),
            )
        )
    return tuple(out)


def summarize_site(
    request: SimulationRequest, model: SiteModel, runs: Sequence[RunStats]
) -> SiteSimulation:
    """The replications of one site as its simulation result."""
    specs = request.factory.line_type_of(model.site.site_id).station
    weeks = slice(request.warmup_weeks, request.weeks)
    measured_weeks = float(request.weeks - request.warmup_weeks)
    every = list(range(len(model.site.variants)))
    by_util = _stations(model, runs, specs)
    report = capacity_report(model.site.network, model.flows)
    return SiteSimulation(
        site_id=model.site.site_id,
        lines=model.site.lines,
        shifts_per_day=model.site.shifts_per_day,
        planned_per_week=model.planned_per_week,
        shipped_per_week=tuple(
            float(x) for x in np.mean([_weekly_shipped(r) for r in runs], axis=0)
        ),
        wip_per_week=tuple(float(x) for x in np.mean([r.wip_by_bucket for r in runs], axis=0)),
        throughput_per_week=mean_ci([_measured_rate(r, weeks, every) for r in runs]),
        planned_throughput_per_week=sum(model.planned_by_rack.values()),
        wip=mean_ci([r.mean_jobs for r in runs]),
        capacity_per_week=report.max_ship_rate_per_s * WEEK_S,
        bottleneck=max(by_util, key=lambda s: s.load).station_id,
        analytic_bottleneck=model.site.station_ids[report.bottleneck],
        racks=_rack_flows(model, runs, weeks),
        stations=by_util,
        test_queues=_test_queues(model, runs, specs, measured_weeks),
        events=sum(r.events for r in runs),
    )


def simulate_factory(
    request: SimulationRequest,
    executor: Executor | None = None,
    on_done: Callable[[int, int], None] | None = None,
) -> FactorySimulation:
    """Simulate the build plan at every site; ``on_done(done, total)`` reports progress."""
    models, skipped = site_models(request)
    tasks = simulation_tasks(request, models)
    progress = (lambda done: on_done(done, len(tasks))) if on_done is not None else None
    runs = run_tasks(tasks, executor, progress)
    reps = request.replications
    sites = tuple(
        summarize_site(request, model, runs[i * reps : (i + 1) * reps])
        for i, model in enumerate(models)
    )
    weeks = slice(request.warmup_weeks, request.weeks)
    totals = [
        sum(
            _measured_rate(runs[i * reps + r], weeks, range(len(m.site.variants)))
            for i, m in enumerate(models)
        )
        for r in range(reps)
    ]
    return FactorySimulation(
        start_period=request.start_period,
        weeks=request.weeks,
        warmup_weeks=request.warmup_weeks,
        replications=reps,
        seed=request.seed,
        sites=sites,
        throughput_per_week=mean_ci(totals) if models else mean_ci([0.0, 0.0]),
        planned_throughput_per_week=sum(s.planned_throughput_per_week for s in sites),
        skipped_sites=tuple(skipped),
    )
