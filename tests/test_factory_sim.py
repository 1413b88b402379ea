"""The rack-line simulation of the U.S. sites: work that scales with the rack design, the plan
shipped when capacity allows, the capacity (and its bottleneck) shipped when it does not, the
test bay's power binding for 600 kW racks, and reproducible, executor-independent results."""

from __future__ import annotations

from functools import cache

import pytest

from rackwright.catalog import Catalog, load_catalog
from rackwright.explore.executors import LocalExecutor
from rackwright.explore.ray_executor import RayExecutor
from rackwright.factory import (
    BuildOrder,
    FactoryData,
    SimulationRequest,
    SiteShare,
    catalog_products,
    load_factory,
    simulate_factory,
)
from rackwright.factory.models import resolve
from rackwright.factory.timing import pass_probability, work_time_s
from rackwright.rack import analyze

GEN1, GEN2, GEN3 = "rw-gen1-gb300-nvl72", "rw-gen2-vr-nvl144", "rw-gen3-kyber-nvl576"


@cache
def _catalog() -> Catalog:
    return load_catalog([])


@cache
def _factory() -> FactoryData:
    return load_factory(None, _catalog())


def _request(
    builds: list[BuildOrder], shares: list[SiteShare], start: str, weeks: int, reps: int = 2
) -> SimulationRequest:
    products = catalog_products(_catalog(), [b.rack_id for b in builds])
    return SimulationRequest(
        _factory(), products, tuple(builds), tuple(shares), start, weeks, 2, reps, seed=11
    )


SHARES = [
    SiteShare("foxconn-houston-tx", 120),
    SiteShare("foxconn-mount-pleasant-wi", 80),
    SiteShare("foxconn-lordstown-oh", 60),
]


def test_test_durations_grow_with_the_racks_power_and_gpus_from_the_catalog() -> None:
    line = _factory().line_types["ai-rack-line"]
    burn_in = next(s for s in line.station if s.id == "burn-in")
    hours = {}
    for rack_id in (GEN1, GEN2, GEN3):
        product = catalog_products(_catalog(), [rack_id])[rack_id]
        figures = analyze(_catalog().rack(rack_id), _catalog())
        assert (product.power_max_w, product.gpus_count) == (
            figures.power_max_w,
            figures.gpus_count,
        )
        profile = _factory().profile_for(rack_id)
        expected = (
            resolve(burn_in, profile, "base_time_s")
            + resolve(burn_in, profile, "time_per_gpu_s") * figures.gpus_count
            + resolve(burn_in, profile, "time_per_kw_s") * figures.power_max_w / 1e3
        )
        hours[rack_id] = work_time_s(burn_in, profile, product) / 3600
        assert hours[rack_id] == pytest.approx(expected / 3600)
    assert hours[GEN1] < hours[GEN2] < hours[GEN3]  # 140 kW < 220 kW < 600 kW, 72 -> 144 GPUs


def test_a_new_generation_fails_more_often_than_a_mature_one() -> None:
    line = _factory().line_types["ai-rack-line"]
    tray = next(s for s in line.station if s.id == "l10-tray")
    product = catalog_products(_catalog(), [GEN3])[GEN3]
    profile = _factory().profile_for(GEN3)
    rates = [pass_probability(tray, profile, product, q) for q in range(6)]
    assert rates == sorted(rates) and rates[0] < rates[-1]
    # Kyber has 72 blades: a kit passes only when every blade does
    unit = resolve(tray, profile, "yield_")
    assert pass_probability(tray, profile, product, 99) == pytest.approx(unit**72, rel=1e-3)


def test_under_capacity_every_site_ships_its_share_of_the_plan() -> None:
    builds = [BuildOrder(GEN1, "2027Q3", 600), BuildOrder(GEN2, "2027Q3", 900)]
    result = simulate_factory(_request(builds, SHARES, "2027Q3", 12))
    assert {s.site_id for s in result.sites} == {s.site_id for s in SHARES}
    for site in result.sites:
        assert site.throughput_per_week.mean == pytest.approx(
            site.planned_throughput_per_week, rel=0.04
        )
        for station in site.stations:
            # the simulated load (less changeovers) is the capacity model's, station by station
            simulated = station.utilization.mean - station.changeover_share.mean
            assert simulated == pytest.approx(station.analytic_utilization, abs=0.03), station
    planned = sum(b.racks for b in builds) / 13
    assert result.throughput_per_week.mean == pytest.approx(planned, rel=0.04)


def test_over_capacity_a_site_ships_its_capacity_and_names_the_bottleneck() -> None:
    builds = [BuildOrder(GEN1, "2026Q3", 5000)]  # ~385 a week at one two-line site
    result = simulate_factory(
        _request(builds, [SiteShare("foxconn-lordstown-oh", 60)], "2026Q3", 10)
    )
    (site,) = result.sites
    assert site.capacity_per_week < site.planned_throughput_per_week / 3
    assert site.throughput_per_week.mean <= site.capacity_per_week * 1.01
    assert site.throughput_per_week.mean >= site.capacity_per_week * 0.9
    assert site.bottleneck == site.analytic_bottleneck == "l10-tray"
    neck = next(s for s in site.stations if s.station_id == "l10-tray")
    assert neck.utilization.mean > 0.95
    # the kits the line cannot take pile up at the rate the plan outruns it
    excess = site.planned_throughput_per_week - site.throughput_per_week.mean
    growth = (site.wip_per_week[-1] - site.wip_per_week[2]) / (len(site.wip_per_week) - 3)
    assert growth == pytest.approx(excess, rel=0.1)


def test_600_kw_racks_are_limited_by_the_test_bays_power() -> None:
    builds = [BuildOrder(GEN3, "2029Q1", 400)]
    result = simulate_factory(_request(builds, SHARES, "2029Q1", 8))
    for site in result.sites:
        burn_in = next(s for s in site.stations if s.station_id == "burn-in")
        assert site.analytic_bottleneck == "burn-in"
        assert burn_in.facility_share.mean > burn_in.utilization.mean


def test_the_same_seed_gives_the_same_plant_and_the_weeks_add_up() -> None:
    builds = [BuildOrder(GEN1, "2026Q4", 800)]
    request = _request(builds, SHARES[:1], "2026Q4", 6)
    first, second = simulate_factory(request), simulate_factory(request)
    assert first.to_json() == second.to_json()
    (site,) = first.sites
    measured = site.shipped_per_week[request.warmup_weeks :]
    assert sum(measured) / len(measured) == pytest.approx(site.throughput_per_week.mean)


def test_ray_and_local_processes_give_the_same_replications(ray_cluster: None) -> None:
    builds = [BuildOrder(GEN1, "2026Q4", 600), BuildOrder(GEN2, "2026Q4", 100)]
    request = _request(builds, SHARES, "2026Q4", 4, reps=3)
    local = simulate_factory(request, LocalExecutor(2, processes=True))
    executor = RayExecutor()
    remote = simulate_factory(request, executor)
    executor.close()
    assert remote.to_json() == local.to_json() == simulate_factory(request).to_json()
