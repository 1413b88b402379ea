"""The factory stage in the plan: it reads the rack and BOM stages, and repeats itself exactly."""

from __future__ import annotations

import json

import pytest

from conftest import default_inputs
from rackwright.bom.stage import BOM
from rackwright.chain import Upstream
from rackwright.factory.stage import FACTORY, factory_inputs
from rackwright.plan import run_plan
from rackwright.rack.stage import RACK


@pytest.fixture(scope="module")
def outcome():  # type: ignore[no-untyped-def]
    return run_plan(default_inputs(), only=["factory"])


def test_the_factory_reads_power_and_cost_from_the_rack_and_bom_stages(outcome) -> None:  # type: ignore[no-untyped-def]
    run = outcome.run
    assert run.order == ("rack", "bom", "factory")
    fi = factory_inputs(default_inputs(), Upstream("factory", run.results))
    for rack_id, product in fi.products.items():
        assert product.power_max_w == run.result(RACK).analysis(rack_id).power_max_w
        assert product.price_usd == run.result(BOM).price(rack_id).usd


def test_the_same_inputs_give_the_same_factory_numbers(outcome) -> None:  # type: ignore[no-untyped-def]
    def figures(plan) -> str:  # type: ignore[no-untyped-def]
        data = plan.run.result(FACTORY).to_json()
        data["ramp"].pop("seconds")  # how long the solve took is the one thing that may differ
        return json.dumps(data, sort_keys=True)

    assert figures(run_plan(default_inputs(), only=["factory"])) == figures(outcome)


def test_the_section_shows_throughput_utilization_and_the_ramp(outcome) -> None:  # type: ignore[no-untyped-def]
    section = next(s for s in outcome.view.sections if s.key == "factory")
    result = outcome.run.result(FACTORY)
    sim = result.simulation
    assert sim.throughput_per_week.mean <= sim.planned_throughput_per_week * 1.05
    assert any("bottleneck" in line for line in section.summary)
    titles = [f.title for f in section.figures]
    assert "Station utilization by site (simulated)" in titles
    assert any(t.startswith("Ramp: headcount") for t in titles)
    assert len([t for t in titles if "planned and shipped" in t]) == len(sim.sites)
    ramp = result.ramp
    assert ramp.feasible and ramp.mip_gap <= 0.05 + 1e-9  # stopped on the gap, not the clock
    json.dumps(section.data)
