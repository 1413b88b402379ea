"""The capacity and ramp plan: it keeps every constraint it states, builds ahead rather than fall
short, falls short by exactly what the sites cannot make, and pays for sharing a line."""

from __future__ import annotations

import itertools
from functools import cache

import pytest

from rackwright.catalog import load_catalog
from rackwright.factory import (
    BuildOrder,
    FactoryData,
    RampPlan,
    RampRequest,
    SiteShare,
    catalog_products,
    load_factory,
    plan_ramp,
)
from rackwright.factory.buildplan import launch_quarters, period_index
from rackwright.factory.ramp_data import changeover_fraction, line_rate, site_figures

GEN1, GEN2, GEN3 = "rw-gen1-gb300-nvl72", "rw-gen2-vr-nvl144", "rw-gen3-kyber-nvl576"
HOUSTON, WISCONSIN, OHIO = "foxconn-houston-tx", "foxconn-mount-pleasant-wi", "foxconn-lordstown-oh"


@cache
def _factory() -> FactoryData:
    return load_factory(None, load_catalog([]))


def _request(builds: list[BuildOrder], shares: list[SiteShare]) -> RampRequest:
    products = catalog_products(load_catalog([]), [b.rack_id for b in builds])
    return RampRequest(_factory(), products, tuple(builds), tuple(shares), time_limit_s=20)


def _rate(request: RampRequest, site: str, rack: str, period: str) -> float:
    since = period_index(period) - launch_quarters(request.builds)[rack]
    return line_rate(request.factory, site, request.products[rack], since).racks_per_line_shift


def _check_constraints(request: RampRequest, plan: RampPlan) -> None:
    """Every row of the plan against the limits the model states."""
    shares = {s.site_id: s for s in request.shares}
    for row in plan.sites:
        site = request.factory.sites[row.site_id]
        figures = site_figures(request.factory, shares[row.site_id])
        assert row.lines_staffed <= row.lines_built <= site.max_lines
        assert row.lines_built >= site.lines_installed
        assert row.lines_staffed <= row.line_shifts <= site.max_shifts_per_day * row.lines_staffed
        assert sum(row.lines_by_shifts) == row.lines_staffed
        assert sum(k * n for k, n in enumerate(row.lines_by_shifts, 1)) == row.line_shifts
        used = sum(m / _rate(request, row.site_id, r, row.period) for r, m in row.output.items())
        loss = changeover_fraction(request.factory, row.site_id, list(row.output))
        assert used + loss * max(row.designs - 1, 0) <= row.line_shifts + 1e-6
        bay = figures.test_bay_crew if row.lines_staffed else 0.0
        assert row.staff >= figures.crew_per_line_shift * row.line_shifts + bay - 1e-6
        assert sum(row.output.values()) <= figures.share_per_quarter + 1e-6
        assert row.test_bay_power_share <= 1 + 1e-9
    demand = {(b.rack_id, b.period): b.racks for b in request.builds}
    carried: dict[str, float] = {}
    for q in plan.racks:
        assert q.demand == demand.get((q.rack_id, q.period), 0.0)
        before = carried.get(q.rack_id, 0.0)
        assert q.made + before - q.carried + q.shortfall == pytest.approx(q.demand, abs=1e-6)
        carried[q.rack_id] = q.carried
    for site, jobs in plan.jobs_by_site.items():
        last = [r for r in plan.sites if r.site_id == site][-1]
        assert jobs == pytest.approx(last.staff)  # the program starts with no crews of its own


def test_the_plan_builds_every_rack_and_keeps_every_limit() -> None:
    builds = [
        BuildOrder(GEN1, "2026Q3", 900),
        BuildOrder(GEN1, "2026Q4", 1200),
        BuildOrder(GEN1, "2027Q1", 600),
        BuildOrder(GEN2, "2027Q1", 500),
        BuildOrder(GEN2, "2027Q2", 1200),
    ]
    shares = [SiteShare(HOUSTON, 120), SiteShare(WISCONSIN, 80), SiteShare(OHIO, 60)]
    request = _request(builds, shares)
    plan = plan_ramp(request)
    assert plan.status.value in ("optimal", "time_limit")
    assert plan.feasible and not plan.shortfalls
    _check_constraints(request, plan)
    made = {(q.rack_id, q.period): q.made for q in plan.racks}
    assert sum(made.values()) == pytest.approx(sum(b.racks for b in builds), abs=1e-6)
    assert plan.costs.shortfall_penalty_usd == pytest.approx(0.0, abs=1e-3)
    assert sum(r.hires for r in plan.sites) > 0


def test_a_peak_beyond_capacity_is_built_ahead_not_missed() -> None:
    share = SiteShare(OHIO, 60)  # 780 racks a quarter at most
    builds = [BuildOrder(GEN1, "2026Q3", 300), BuildOrder(GEN1, "2026Q4", 1100)]
    request = _request(builds, [share])
    plan = plan_ramp(request)
    assert plan.feasible
    first = next(q for q in plan.racks if q.period == "2026Q3")
    assert first.made > 300 and first.carried == pytest.approx(first.made - 300, abs=1e-6)
    _check_constraints(request, plan)


def test_an_unbuildable_quarter_falls_short_by_what_the_sites_cannot_make() -> None:
    shares = [SiteShare(HOUSTON, 1000), SiteShare(OHIO, 1000)]
    request = _request([BuildOrder(GEN1, "2026Q3", 20_000)], shares)
    plan = plan_ramp(request)
    # the most each site can make of one design in its first quarter: the least of its lines on
    # every shift, its share, each shared test-bay station and the test bay's power
    most = 0.0
    for share in shares:
        figures = site_figures(request.factory, share)
        rate = line_rate(request.factory, share.site_id, request.products[GEN1], 0)
        limits = [
            figures.max_lines * figures.max_shifts * rate.racks_per_line_shift,
            figures.share_per_quarter,
            figures.pool_capacity_ws / rate.pool_ws_per_rack,
        ]
        limits += [cap / rate.shared_s_per_rack[k] for k, cap in figures.shared_capacity_s.items()]
        most += min(limits)
    (short,) = plan.shortfalls
    assert short.rack_id == GEN1 and short.period == "2026Q3"
    assert short.racks == pytest.approx(20_000 - most, abs=1.0)
    assert {limit.split(":")[0] for limit in short.limits} == {HOUSTON, OHIO}
    assert "racks short" in short.message
    _check_constraints(request, plan)


def test_two_generations_sharing_a_site_lose_changeover_time() -> None:
    data = _factory()
    assert changeover_fraction(data, OHIO, [GEN1]) > 0  # the loss per design beyond the first
    alone = [BuildOrder(GEN2, "2027Q1", 400)]
    mixed = [BuildOrder(GEN1, "2027Q1", 200), BuildOrder(GEN2, "2027Q1", 200)]
    one, two = (plan_ramp(_request(b, [SiteShare(OHIO, 60)])) for b in (alone, mixed))
    row_one, row_two = one.sites[0], two.sites[0]
    assert (row_one.designs, row_two.designs) == (1, 2)
    assert row_two.line_shifts >= row_one.line_shifts


def test_a_new_generations_failures_cost_test_capacity_until_it_learns() -> None:
    products = catalog_products(load_catalog([]), [GEN2, GEN3])
    for rack in (GEN2, GEN3):
        rates = [line_rate(_factory(), HOUSTON, products[rack], q) for q in range(5)]
        per_line_shift = [r.racks_per_line_shift for r in rates]
        # never slower as yields improve
        assert all(b >= a * (1 - 1e-12) for a, b in itertools.pairwise(per_line_shift))
        # burn-in failures come back for a full retest: more test-bay hours per shipped rack
        burn_in = [r.shared_s_per_rack["burn-in"] for r in rates]
        assert burn_in == sorted(burn_in, reverse=True) and burn_in[0] > 1.05 * burn_in[-1]
        power = [r.pool_ws_per_rack for r in rates]
        assert power[0] > power[-1]
