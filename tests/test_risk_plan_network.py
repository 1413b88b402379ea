"""The plan's supply network, built from a small hand-made sourcing plan over the fixture scenario.

The fixture scenario builds the catalog's GB300 NVL72 rack (100 in 2026Q3, 250 in 2027Q1) at
Foxconn Houston and Mount Pleasant (40 and 20 racks a week); the plan below buys four parts.
Every figure is checked in the README's terms: BOM ratio = quantity per rack, capacity per week
= quarterly / 13, demand = the window's racks / 13, inventory = stock at the integrator and a
week of overseas arrivals in transit.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BASE_SCENARIO, edit
from rackwright.bom.stage import BOM, BomStageResult
from rackwright.chain import PlanInputs
from rackwright.errors import ScenarioError
from rackwright.optim import SolveStatus
from rackwright.plan import InputRequest, prepare, run_plan
from rackwright.risk import analyze
from rackwright.risk.network_from_plan import NodeRole, PlanNetwork, network_from_plan
from rackwright.sourcing.result import ZERO_COSTS, OrderLine, SourcingResult

GPU_TW = "of-gpu-b300-tsmc-taiwan-cowos"
GPU_US = "of-gpu-b300-amkor-peoria-az"  # ships nothing before 2028
HBM_KR = "of-hbm3e-12h-36gb-skhynix-icheon-kr"
HBM_KR2 = "of-hbm3e-12h-36gb-samsung-pyeongtaek-kr"
PSU_MX = "of-psu-5.5kw-flex-guadalajara-mx"
L11_TW = "of-rack-integration-l11-foxconn-taiwan"


def _order(part: str, offer: str, site: str, country: str, placed: str, due: str, qty: float,
           price: float) -> OrderLine:  # fmt: skip
    return OrderLine(part, offer, site, country, placed, due, qty, price, qty * price)


ORDERS = (
    # 100 racks in 2026Q3 use 7,200 GPUs: 720 stay in stock for 2027Q1
    _order("gpu-b300", GPU_TW, "tsmc-taiwan-cowos", "TW", "2026Q1", "2026Q3", 7920, 15540.0),
    _order("gpu-b300", GPU_TW, "tsmc-taiwan-cowos", "TW", "2026Q3", "2027Q1", 18000, 15000.0),
    _order("hbm3e-12h-36gb", HBM_KR, "skhynix-icheon-kr", "KR", "2026Q3", "2027Q1", 146880, 720.0),
    _order("psu-5.5kw", PSU_MX, "flex-guadalajara-mx", "MX", "2026Q4", "2027Q1", 12000, 1699.0),
    _order("rack-integration-l11", L11_TW, "foxconn-taiwan", "TW", "2026Q4", "2027Q1", 250, 2.3e5),
)


def hand_made_plan() -> SourcingResult:
    """Four parts bought, two second sources qualified (one ships nothing until 2028)."""
    return SourcingResult(
        status=SolveStatus.OPTIMAL,
        has_plan=True,
        objective_usd=sum(o.landed_usd for o in ORDERS),
        costs=ZERO_COSTS,
        orders=ORDERS,
        periods=(),
        binding=(),
        qualified=(GPU_TW, GPU_US, HBM_KR, HBM_KR2, PSU_MX, L11_TW),
        violations=(),
        mip_gap=0.0,
        build_seconds=0.0,
        solve_seconds=0.0,
        num_vars=0,
        num_rows=0,
        message="hand-made",
    )


RACK = "rw-gen1-gb300-nvl72"
PRODUCT = f"rack:{RACK}"
LOSS_PER_RACK = 3.2e6 * 0.0625  # its list price x Foxconn's gross margin (ARISK06)
# the fixture's own test sites have no integration offer, so the BOM could not price a rack
SCENARIO = (
    BASE_SCENARIO.replace('site = "test-site-a"', 'site = "foxconn-houston-tx"')
    .replace('site = "test-site-b"', 'site = "foxconn-mount-pleasant-wi"')
    .replace('rack = "test-rack"', f'rack = "{RACK}"')
)


@pytest.fixture
def plan_inputs(write_scenario: Callable[[str], Path]) -> tuple[PlanInputs, BomStageResult]:
    inputs = prepare(InputRequest(scenario=write_scenario(SCENARIO)))
    return inputs, run_plan(inputs, only=["bom"]).run.result(BOM)


@pytest.fixture
def network(plan_inputs: tuple[PlanInputs, BomStageResult]) -> PlanNetwork:
    inputs, boms = plan_inputs
    return network_from_plan(inputs, boms, hand_made_plan())


def _ratio(plan: PlanNetwork, supplier: str) -> float:
    (edge,) = [e for e in plan.network.edges if e.supplier == supplier]
    assert edge.customer == PRODUCT
    return edge.ratio


def test_demand_is_the_peak_quarter_per_week_and_loss_weight_the_margin(
    network: PlanNetwork,
) -> None:
    assert network.window == "2027Q1"  # 250 racks, against 100 in 2026Q3
    product = network.network.node(PRODUCT)
    assert product.demand == pytest.approx(250 / 13)
    assert product.loss_weight == pytest.approx(LOSS_PER_RACK)
    assert network.from_plan and "sourcing plan" in network.basis


def test_bom_ratios_are_the_quantities_per_rack(
    network: PlanNetwork, plan_inputs: tuple[PlanInputs, BomStageResult]
) -> None:
    boms = plan_inputs[1]
    generation = boms.generation(RACK)
    assert generation is not None
    per_rack = {p.part_id: p.qty_per_rack for p in generation.parts}
    assert _ratio(network, "gpu-b300@tsmc-taiwan-cowos") == 72
    assert _ratio(network, "hbm3e-12h-36gb@skhynix-icheon-kr") == pytest.approx(587.52)
    assert _ratio(network, "hbm3e-12h-36gb@samsung-pyeongtaek-kr") == pytest.approx(587.52)
    assert _ratio(network, "psu-5.5kw@flex-guadalajara-mx") == per_rack["psu-5.5kw"] == 48
    assert _ratio(network, "rack-integration-l11@foxconn-houston-tx") == 1


def test_capacities_are_the_offers_per_quarter_over_13_weeks(network: PlanNetwork) -> None:
    net = network.network
    assert net.node("gpu-b300@tsmc-taiwan-cowos").capacity == pytest.approx(600_000 / 13)
    assert net.node("hbm3e-12h-36gb@samsung-pyeongtaek-kr").capacity == pytest.approx(2e6 / 13)
    # integration lines: the scenario's racks_per_week at its own sites, the offer elsewhere
    assert net.node("rack-integration-l11@foxconn-houston-tx").capacity == 40
    assert net.node("rack-integration-l11@foxconn-mount-pleasant-wi").capacity == 20
    assert net.node("rack-integration-l11@foxconn-taiwan").capacity == pytest.approx(6000 / 13)
    assert (
        network.info("rack-integration-l11@foxconn-mount-pleasant-wi").role is NodeRole.INTEGRATION
    )
    # a qualified second source that ships nothing in 2027 is left out, and said so
    assert not net.has_node("gpu-b300@amkor-peoria-az")
    assert any("ship nothing" in note for note in network.notes)
    assert network.info("hbm3e-12h-36gb@samsung-pyeongtaek-kr").bought is False


def test_stock_on_hand_and_overseas_units_in_transit(network: PlanNetwork) -> None:
    net = network.network
    assert net.node("stock:gpu-b300").inventory == 720  # 7,920 arrived, 7,200 used
    assert net.node("stock:gpu-b300").capacity == 0
    assert net.node("gpu-b300@tsmc-taiwan-cowos").inventory == pytest.approx(18000 / 13)
    assert net.node("hbm3e-12h-36gb@skhynix-icheon-kr").inventory == pytest.approx(146880 / 13)
    assert net.node("psu-5.5kw@flex-guadalajara-mx").inventory == 0  # trucked: not in transit
    assert net.node("rack-integration-l11@foxconn-taiwan").inventory == 0  # a service
    assert network.scheduled_in_window == 18000 + 146880 + 12000 + 250


def test_unit_costs_are_what_the_plan_paid_else_the_bom_stage_price(
    network: PlanNetwork, plan_inputs: tuple[PlanInputs, BomStageResult]
) -> None:
    net = network.network
    paid = (7920 * 15540.0 + 18000 * 15000.0) / (7920 + 18000)  # the two GPU orders
    assert net.node("gpu-b300@tsmc-taiwan-cowos").unit_cost == pytest.approx(paid)
    assert net.node("stock:gpu-b300").unit_cost == pytest.approx(paid)
    # a qualified site the plan does not order from: the BOM stage's price of the part there,
    # else its cheapest roll-up's price of the part
    generation = plan_inputs[1].generation(RACK)
    assert generation is not None
    lines = [*generation.baseline.lines, *generation.reachable.lines]
    hbm = [line for line in lines if line.part_id == "hbm3e-12h-36gb"]
    at_site = [line.unit_cost_usd for line in hbm if line.site_id == "samsung-pyeongtaek-kr"]
    cheapest = [
        line.unit_cost_usd for line in generation.baseline.lines
        if line.part_id == "hbm3e-12h-36gb"
    ]  # fmt: skip
    expected = sum(at_site) / len(at_site) if at_site else sum(cheapest) / len(cheapest)
    assert net.node("hbm3e-12h-36gb@samsung-pyeongtaek-kr").unit_cost == pytest.approx(expected)


def test_ttr_and_country_come_from_the_catalog_sites(network: PlanNetwork) -> None:
    net = network.network
    assert net.node("gpu-b300@tsmc-taiwan-cowos").ttr == 13  # packaging: fab-like (ARISK01)
    assert net.node("psu-5.5kw@flex-guadalajara-mx").ttr == 7  # power plant: assembly-like
    assert net.node("gpu-b300@tsmc-taiwan-cowos").country == "TW"
    assert net.node("stock:gpu-b300").ttr is None and net.node(PRODUCT).ttr is None


def test_groups_name_the_shocks_and_never_repeat_a_scenario(network: PlanNetwork) -> None:
    net = network.network
    groups = {g.id: g for g in net.groups}
    taiwan = groups["policy:taiwan-26w"]
    assert set(taiwan.nodes) == {
        "gpu-b300@tsmc-taiwan-cowos",
        "rack-integration-l11@foxconn-taiwan",
    }
    assert taiwan.ttr == 26
    assert groups["policy:mexico-border-4w"].nodes == ("psu-5.5kw@flex-guadalajara-mx",)
    assert set(groups["country:KR"].nodes) == {
        "hbm3e-12h-36gb@skhynix-icheon-kr",
        "hbm3e-12h-36gb@samsung-pyeongtaek-kr",
    }
    # Mexico holds one node: its country group would repeat that node's scenario
    assert "country:MX" not in groups
    # the fire at the largest U.S. site (Houston, one line here) is that line's node scenario
    fire = next(s for s in network.shocks if s.id == "policy:us-site-fire")
    assert fire.scenario == "rack-integration-l11@foxconn-houston-tx"
    assert "policy:china-tariff-52w" not in {s.id for s in network.shocks}  # no site in China


def test_unbought_parts_are_named_and_single_sources_listed(network: PlanNetwork) -> None:
    unsourced = next(n for n in network.notes if n.startswith("no source"))
    assert "cpu-grace" in unsourced and "gpu-b300" not in unsourced
    assert "psu-5.5kw" in network.single_source_parts
    assert "hbm3e-12h-36gb" not in network.single_source_parts


def test_a_hand_sized_outage_loses_what_the_stock_cannot_cover(network: PlanNetwork) -> None:
    """TSMC CoWoS down 13 weeks: GPUs on hand 720 + 18,000/13 in transit, none else."""
    analysis = analyze(network.network)
    gpu = analysis.scenario("gpu-b300@tsmc-taiwan-cowos")
    gpus = 720 + 18000 / 13
    racks_built = gpus / 72
    assert gpu.tts == pytest.approx(racks_built / (250 / 13))
    assert gpu.loss == pytest.approx((13 * 250 / 13 - racks_built) * LOSS_PER_RACK)
    assert gpu.red_flag


def test_without_a_plan_the_bom_offers_are_the_sources(
    plan_inputs: tuple[PlanInputs, BomStageResult],
) -> None:
    inputs, boms = plan_inputs
    plan = network_from_plan(inputs, boms, None)
    assert not plan.from_plan and "BOM offers" in plan.basis
    generation = boms.generation(RACK)
    assert generation is not None
    sources = {(i.part, i.site) for i in plan.nodes if i.role is not NodeRole.PRODUCT}
    for rollup in (generation.baseline, generation.reachable):  # cheapest, then U.S.-first
        assert {(line.part_id, line.site_id) for line in rollup.lines} <= sources
    assert ("gpu-b300", "tsmc-taiwan-cowos") in sources
    assert all(n.inventory == 0 for n in plan.network.nodes)  # no orders, no stock
    for line in generation.baseline.lines:  # buffers are priced at the BOM stage's prices
        node = plan.network.node(f"{line.part_id}@{line.site_id}")
        priced = [
            other.unit_cost_usd
            for rollup in (generation.baseline, generation.reachable)
            for other in rollup.lines
            if (other.part_id, other.site_id) == (line.part_id, line.site_id)
        ]
        assert node.unit_cost == pytest.approx(sum(priced) / len(priced))


def test_scenario_overrides_window_and_loss_weight(write_scenario: Callable[[str], Path]) -> None:
    text = edit(
        SCENARIO,
        "[scenario.horizon]",
        '[scenario.risk]\nwindow = "2026Q3"\nloss_weight_usd = { rw-gen1-gb300-nvl72 = 2.5e6 }\n\n'
        "[scenario.horizon]",
    )
    inputs = prepare(InputRequest(scenario=write_scenario(text)))
    boms = run_plan(inputs, only=["bom"]).run.result(BOM)
    plan = network_from_plan(inputs, boms, hand_made_plan())
    product = plan.network.node(PRODUCT)
    assert plan.window == "2026Q3" and product.demand == pytest.approx(100 / 13)
    assert product.loss_weight == 2.5e6
    assert plan.products[0].loss_weight_basis == "[scenario.risk] loss_weight_usd"


def test_a_window_without_builds_is_refused(write_scenario: Callable[[str], Path]) -> None:
    text = edit(SCENARIO, "[scenario.horizon]", '[scenario.risk]\nwindow = "2026Q4"\n\n'
                "[scenario.horizon]")  # fmt: skip
    with pytest.raises(ScenarioError, match="no \\[\\[build\\]\\]") as caught:
        prepare(InputRequest(scenario=write_scenario(text)))
    assert caught.value.field == "scenario.risk.window"


@pytest.mark.parametrize("raises", ["[1.5]", "[0.0]", "[]", '["ten"]'])
def test_a_bad_domestic_raise_is_refused_naming_the_field(
    write_scenario: Callable[[str], Path], raises: str
) -> None:
    text = edit(SCENARIO, "[scenario.horizon]", f"[scenario.risk]\ndomestic_uplifts = {raises}\n\n"
                "[scenario.horizon]")  # fmt: skip
    with pytest.raises(ScenarioError) as caught:
        prepare(InputRequest(scenario=write_scenario(text)))
    assert (caught.value.field or "").startswith("scenario.risk.domestic_uplifts")
    assert caught.value.line is not None
