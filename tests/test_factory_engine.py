"""The factory simulation engine: shift calendars, seeded streams, executors, analytic capacity,
and the properties a line model must keep (never faster than its bottleneck; more capacity
never ships less, under common random numbers)."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rackwright.explore.executors import LocalExecutor
from rackwright.factory.calendar import DAY_S, HOUR_S, WEEK_S, ShiftCalendar
from rackwright.factory.capacity import Flow, capacity_report, visits
from rackwright.factory.distributions import DistributionKind, ServiceTime, deterministic
from rackwright.factory.network import SCRAP, SHIP, Network, PoissonArrivals, Release, StationNode
from rackwright.factory.replicate import replicate
from rackwright.factory.run_stats import RunSpec
from rackwright.factory.simulation import simulate
from rackwright.factory.stats import control_variate_ci, mean_ci, t_quantile

TWO_SHIFTS = ShiftCalendar(shifts_per_day=2, hours_per_shift=8, days_per_week=5)


def test_a_job_that_outlasts_its_shift_resumes_at_the_next_shift() -> None:
    # shifts 06:00-22:00 Monday to Friday; 10 h of work started Monday 20:00 does 2 h on Monday,
    # then 8 h from Tuesday 06:00: done Tuesday 14:00
    start = 20 * HOUR_S
    assert TWO_SHIFTS.finish(start, 10 * HOUR_S) == DAY_S + 14 * HOUR_S
    # Friday 21:00 + 3 h: 1 h on Friday, the weekend is closed, 2 h from Monday 06:00
    friday = 4 * DAY_S + 21 * HOUR_S
    assert TWO_SHIFTS.finish(friday, 3 * HOUR_S) == WEEK_S + 8 * HOUR_S
    # work started while closed waits for the next opening
    assert TWO_SHIFTS.finish(2 * HOUR_S, HOUR_S) == 7 * HOUR_S


def test_calendar_counts_staffed_time_and_long_jobs_skip_whole_weeks() -> None:
    assert TWO_SHIFTS.open_s_per_week == 80 * HOUR_S
    assert TWO_SHIFTS.open_seconds(0.0, 3 * WEEK_S) == 240 * HOUR_S
    assert TWO_SHIFTS.open_seconds(0.0, DAY_S) == 16 * HOUR_S
    # 200 staffed hours from Monday 06:00: two full weeks (160 h) and 40 h = Wednesday 14:00
    done = TWO_SHIFTS.finish(6 * HOUR_S, 200 * HOUR_S)
    assert done == 2 * WEEK_S + 2 * DAY_S + 14 * HOUR_S
    assert ShiftCalendar(always_on=True).finish(5.0, 7.0) == 12.0


def test_student_t_quantiles_match_the_printed_table() -> None:
    # two-sided 95 % critical values (any statistics textbook's t table)
    table = {1: 12.706, 2: 4.303, 4: 2.776, 9: 2.262, 19: 2.093, 29: 2.045, 60: 2.000}
    for df, value in table.items():
        assert abs(t_quantile(0.975, df) - value) < 1e-3


def test_control_variates_remove_the_noise_a_known_mean_explains() -> None:
    # y = 5 + 3 c + small noise with E[c] = 0: the plain mean carries c's noise, the CV estimate
    # does not, and both intervals cover 5
    c = [math.sin(1.7 * i) for i in range(40)]
    y = [5.0 + 3.0 * ci + 0.01 * math.cos(3.1 * i) for i, ci in enumerate(c)]
    plain, cv = mean_ci(y), control_variate_ci(y, [[ci] for ci in c])
    assert cv.covers(5.0) and plain.covers(5.0)
    assert cv.half_width < plain.half_width / 20


def _line(servers: tuple[int, ...], means: tuple[float, ...], yields: tuple[float, ...]) -> Network:
    """A tandem line; a station that fails sends the job to a one-server rework bench (last
    station), which returns it for a retest."""
    k = len(servers)
    rework = k
    stations = [
        StationNode(
            name=f"s{i}",
            servers=servers[i],
            service=(ServiceTime(DistributionKind.LOGNORMAL, means[i], 0.4),),
            pass_prob=(yields[i],),
            on_pass=i + 1 if i + 1 < k else SHIP,
            on_fail=rework,
        )
        for i in range(k)
    ]
    stations.append(
        StationNode("rework", 1, (ServiceTime(DistributionKind.EXPONENTIAL, 0.5),), (1.0,), 0)
    )
    return Network(tuple(stations))


def test_same_seed_same_run_and_another_seed_another() -> None:
    net = _line((1, 2), (1.0, 1.5), (0.9, 0.95))
    arrivals = [PoissonArrivals(0, 0, 0.6)]
    spec = RunSpec(horizon_s=2000.0, warmup_s=200.0, seed=7)
    assert simulate(net, arrivals, spec) == simulate(net, arrivals, spec)
    other = simulate(net, arrivals, RunSpec(horizon_s=2000.0, warmup_s=200.0, seed=8))
    assert other != simulate(net, arrivals, spec)


def test_processes_threads_and_sequential_runs_give_the_same_replications() -> None:
    net = _line((1, 2), (1.0, 1.5), (0.9, 0.95))
    arrivals = [PoissonArrivals(0, 0, 0.6)]
    spec = RunSpec(horizon_s=1500.0, warmup_s=100.0, seed=3)
    sequential = replicate(net, arrivals, spec, 4)
    processes = replicate(net, arrivals, spec, 4, LocalExecutor(2, processes=True))
    threads = replicate(net, arrivals, spec, 4, LocalExecutor(2))
    assert sequential == processes == threads
    assert len({r.shipped for r in sequential}) > 1  # replications are independent draws


def test_rework_loops_match_the_expected_visits() -> None:
    # a test station passing 80 % sends 20 % to rework and back: 1 / 0.8 = 1.25 visits a job
    net = _line((3,), (1.0,), (0.8,))
    assert abs(visits(net, 0, 0)[0] - 1.25) < 1e-12
    run = simulate(net, [PoissonArrivals(0, 0, 1.0)], RunSpec(horizon_s=40_000.0, seed=1))
    per_job = run.stations[0].arrivals / run.arrivals
    assert abs(per_job - 1.25) < 0.02
    assert abs(run.stations[0].retests / run.arrivals - 0.25) < 0.02


def test_a_facility_budget_lets_fewer_jobs_run_than_there_are_servers() -> None:
    # 10 burn-in positions but power for 3 racks: at most 3 at once, so 3 / 10 h per hour
    burn_in = StationNode(
        "burn-in", 10, (deterministic(10.0),), (1.0,), pool_capacity=450e3, pool_demand=(140e3,)
    )
    net = Network((burn_in,))
    times = tuple(float(i) * 0.1 for i in range(2000))
    run = simulate(net, [Release(0, 0, times)], RunSpec(horizon_s=200.0))
    assert run.products[0].shipped <= 3 * 20
    assert abs(run.stations[0].pool_share - 3 * 140 / 450) < 0.05
    report = capacity_report(net, [Flow(0, 0, 1.0)])
    assert abs(report.max_ship_rate_per_s - 0.3) < 1e-9


def test_a_new_product_family_costs_a_changeover_once_per_switch() -> None:
    station = StationNode(
        "l11", 1, (deterministic(1.0), deterministic(1.0)), (1.0, 1.0), changeover_s=(5.0, 5.0)
    )
    net = Network((station,), products=("a", "b"))
    arrivals = [Release(0, 0, (0.0, 0.0, 0.0)), Release(1, 0, (0.5, 0.5))]
    run = simulate(net, arrivals, RunSpec(horizon_s=100.0))
    # a a a (no changeover: the first job sets the server up), then one switch to b, then b
    assert run.stations[0].changeover_s == 5.0
    assert run.stations[0].work_s == 5.0


# ---- properties ----------------------------------------------------------------------------

servers_st = st.lists(st.integers(1, 3), min_size=1, max_size=4)


@st.composite
def deterministic_lines(draw: st.DrawFn) -> tuple[Network, float, float]:
    """A random line with fixed cycle times, shifts and maybe a power budget, and its
    hard bottleneck rate."""
    servers = draw(servers_st)
    means = [draw(st.floats(0.2, 3.0)) for _ in servers]
    shifts = [draw(st.sampled_from([None, 1, 2])) for _ in servers]
    stations, rate = [], math.inf
    for i, (c, m, sh) in enumerate(zip(servers, means, shifts, strict=True)):
        cal = (
            ShiftCalendar(always_on=True)
            if sh is None
            else ShiftCalendar(shifts_per_day=sh, hours_per_shift=8, days_per_week=5)
        )
        budget = draw(st.sampled_from([None, 1.0, 2.0])) if c > 1 else None
        running = min(c, int(budget)) if budget else c
        stations.append(
            StationNode(
                f"s{i}",
                c,
                (deterministic(m * HOUR_S),),
                (1.0,),
                i + 1 if i + 1 < len(servers) else SHIP,
                SCRAP,
                calendar=cal,
                pool_capacity=budget,
                pool_demand=(1.0,) if budget else (),
            )
        )
        rate = min(rate, running * cal.open_s_per_week / WEEK_S / (m * HOUR_S))
    arrival_rate = draw(st.floats(0.2, 5.0)) * rate
    return Network(tuple(stations)), rate, arrival_rate


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deterministic_lines(), st.integers(0, 10_000))
def test_simulated_throughput_never_exceeds_the_bottleneck_rate(
    line: tuple[Network, float, float], seed: int
) -> None:
    net, bottleneck_rate, arrival_rate = line
    horizon = 3 * WEEK_S
    run = simulate(
        net, [PoissonArrivals(0, 0, arrival_rate)], RunSpec(horizon_s=horizon, seed=seed)
    )
    shipped = sum(run.shipped_by_bucket[0]) if run.shipped_by_bucket else run.products[0].shipped
    # every shipped job took a full cycle at the bottleneck inside [0, horizon]
    assert shipped <= bottleneck_rate * horizon + 1e-9
    report = capacity_report(net, [Flow(0, 0, arrival_rate)])
    assert abs(report.max_ship_rate_per_s / bottleneck_rate - 1.0) < 1e-9


@st.composite
def random_lines(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[float, ...], tuple[float, ...]]:
    servers = tuple(draw(servers_st))
    means = tuple(draw(st.floats(0.3, 2.0)) for _ in servers)
    yields = tuple(draw(st.floats(0.6, 1.0)) for _ in servers)
    return servers, means, yields


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_lines(), st.integers(0, 3), st.floats(0.2, 2.0), st.integers(0, 10_000))
def test_raising_a_stations_capacity_never_lowers_throughput(
    line: tuple[tuple[int, ...], tuple[float, ...], tuple[float, ...]],
    which: int,
    load: float,
    seed: int,
) -> None:
    servers, means, yields = line
    k = which % len(servers)
    more = tuple(c + 1 if i == k else c for i, c in enumerate(servers))
    rate = load * min(c / m for c, m in zip(servers, means, strict=True))
    spec = RunSpec(horizon_s=300.0, seed=seed)
    base = simulate(_line(servers, means, yields), [PoissonArrivals(0, 0, rate)], spec)
    wider = simulate(_line(more, means, yields), [PoissonArrivals(0, 0, rate)], spec)
    # common random numbers: the same arrivals, and each station's k-th job the same work
    assert wider.products[0].shipped >= base.products[0].shipped
