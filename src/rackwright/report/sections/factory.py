"""Report section ``factory``: weekly throughput against plan, station utilization, the
bottleneck, and the ramp (lines, shifts, people) per site and quarter.

Presents the factory stage (``rackwright.factory.stage``): the SimPy line model over the plan's
first year, replicated with 95 % confidence intervals, and the capacity and ramp MILP.
"""

from __future__ import annotations

from rackwright.chain import ChainRun, PlanInputs
from rackwright.factory.ramp_result import RampPlan
from rackwright.factory.results import FactorySimulation, SiteSimulation
from rackwright.factory.stage import FACTORY, FactoryStageResult
from rackwright.report.charts import bar, line
from rackwright.report.section import Figure, Section, Table


def _site_name(site_id: str) -> str:
    return site_id.removeprefix("foxconn-")


def _summary(sim: FactorySimulation, ramp: RampPlan) -> list[str]:
    t = sim.throughput_per_week
    lines = [
        f"{sim.weeks} weeks from {sim.start_period} ({sim.replications} replications): "
        f"{t.mean:,.1f} racks a week shipped (95 % CI {t.lo:,.1f}-{t.hi:,.1f}) against "
        f"{sim.planned_throughput_per_week:,.1f} planned",
        *(
            f"{_site_name(s.site_id)}: {s.throughput_per_week.mean:,.1f} of "
            f"{s.planned_throughput_per_week:,.1f} racks a week, capacity "
            f"{s.capacity_per_week:,.1f}; bottleneck {s.bottleneck}"
            for s in sim.sites
        ),
    ]
    status = "meets every quarter" if ramp.feasible else f"{len(ramp.shortfalls)} shortfalls"
    jobs = ", ".join(f"{_site_name(k)} {v:,.0f}" for k, v in ramp.jobs_by_site.items())
    lines.append(
        f"ramp plan {status} at {ramp.costs.total_usd / 1e6:,.0f} MUSD ({ramp.status.value}, "
        f"gap {ramp.mip_gap:.1%}); jobs created: {jobs}"
    )
    lines += [s.message for s in ramp.shortfalls[:5]]
    return lines


def _site_table(sim: FactorySimulation) -> Table:
    return Table(
        title="Sites: racks a week shipped against plan (95 % confidence interval)",
        columns=[
            "site",
            "lines",
            "shifts/day",
            "planned",
            "shipped",
            "CI low",
            "CI high",
            "capacity",
            "WIP",
            "bottleneck",
        ],
        rows=[
            [
                _site_name(s.site_id),
                s.lines,
                s.shifts_per_day,
                round(s.planned_throughput_per_week, 1),
                round(s.throughput_per_week.mean, 1),
                round(s.throughput_per_week.lo, 1),
                round(s.throughput_per_week.hi, 1),
                round(s.capacity_per_week, 1),
                round(s.wip.mean, 1),
                s.bottleneck,
            ]
            for s in sim.sites
        ],
        note="Capacity: the analytic limit of the site's lines at the planned mix.",
    )


def _station_table(sim: FactorySimulation) -> Table:
    return Table(
        title="Station utilization by site",
        columns=[
            "site",
            "station",
            "level",
            "servers",
            "utilization",
            "changeover share",
            "queue (racks)",
        ],
        rows=[
            [
                _site_name(s.site_id),
                st.name,
                st.level,
                st.servers,
                f"{st.utilization.mean:.0%}",
                f"{st.changeover_share.mean:.0%}",
                round(st.mean_queue.mean, 2),
            ]
            for s in sim.sites
            for st in s.stations
        ],
    )


def _ramp_table(ramp: RampPlan) -> Table:
    return Table(
        title="Ramp plan by site and quarter",
        columns=[
            "site",
            "quarter",
            "lines built",
            "lines staffed",
            "line-shifts",
            "staff",
            "hires",
            "jobs created",
            "racks made",
            "test-bay power",
        ],
        rows=[
            [
                _site_name(q.site_id),
                q.period,
                q.lines_built,
                q.lines_staffed,
                q.line_shifts,
                round(q.staff),
                round(q.hires),
                round(q.jobs_created),
                round(sum(q.output.values())),
                f"{q.test_bay_power_share:.0%}",
            ]
            for q in ramp.sites
        ],
    )


def _weekly(site: SiteSimulation, start: str) -> Figure:
    series = {
        "planned": list(site.planned_per_week),
        "shipped": list(site.shipped_per_week),
        "in the factory (WIP, week's end)": list(site.wip_per_week),
    }
    weeks = min(len(v) for v in series.values())
    return line(
        f"{_site_name(site.site_id)}: racks a week, planned and shipped (from {start})",
        list(range(1, weeks + 1)),
        {name: values[:weeks] for name, values in series.items()},
        x_title="week",
        y_title="racks",
        markers=False,
    )


def _utilization(sim: FactorySimulation) -> Figure:
    names = list(dict.fromkeys(st.name for s in sim.sites for st in s.stations))
    series = {
        _site_name(s.site_id): [
            next((st.utilization.mean for st in s.stations if st.name == n), 0.0) for n in names
        ]
        for s in sim.sites
    }
    return bar(
        "Station utilization by site (simulated)",
        names,
        series,
        x_title="station",
        y_title="utilization",
        percent=True,
    )


def _ramp_charts(ramp: RampPlan) -> list[Figure]:
    periods = sorted({q.period for q in ramp.sites})
    sites = list(dict.fromkeys(q.site_id for q in ramp.sites))

    def series(attr: str) -> dict[str, list[float]]:
        by = {(q.site_id, q.period): float(getattr(q, attr)) for q in ramp.sites}
        return {_site_name(s): [by.get((s, p), 0.0) for p in periods] for s in sites}

    return [
        bar(
            "Ramp: staffed line-shifts per site and quarter",
            periods,
            series("line_shifts"),
            x_title="quarter",
            y_title="line-shifts",
            stacked=True,
        ),
        bar(
            "Ramp: headcount per site and quarter",
            periods,
            series("staff"),
            x_title="quarter",
            y_title="people",
            stacked=True,
        ),
    ]


def present(inputs: PlanInputs, run: ChainRun) -> Section:
    """The factory section."""
    result: FactoryStageResult = run.result(FACTORY)
    sim, ramp = result.simulation, result.ramp
    return Section(
        key=FACTORY.key,
        title=FACTORY.title,
        summary=_summary(sim, ramp),
        data=result.to_json(),
        tables=[_site_table(sim), _ramp_table(ramp), _station_table(sim)],
        figures=[
            *(_weekly(s, sim.start_period) for s in sim.sites),
            _utilization(sim),
            *_ramp_charts(ramp),
        ],
        notes=[
            "Line, station, yield and shift figures are labelled assumptions (factory/data/"
            "factory.toml, AFAC*) unless a source is cited; burn-in and test times grow with "
            "each rack's power and GPU count from rack engineering; carrying cost uses the "
            "rack's BOM cost.",
            f"The ramp MILP stops at a proven {ramp.mip_gap:.1%} gap ({ramp.status.value}), "
            "never on the clock, so the same inputs give the same plan.",
        ],
    )
