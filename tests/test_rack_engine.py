"""Rack engineering rules on hand-built racks, checked against figures worked by hand."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.models import (
    Accelerator,
    Component,
    ComponentQty,
    RackDesign,
    Redundancy,
    System,
)
from rackwright.errors import CatalogError
from rackwright.rack import Status, analyze, check, physics

SRC: dict[str, Any] = {"sources": ["T1"], "confidence": "E"}


def _catalog(*components: Component, gpus: int = 72, nic_bits: str = "400 Gb/s") -> Catalog:
    catalog = Catalog()
    catalog.add(
        Accelerator(
            id="gpu",
            name="GPU",
            vendor="v",
            architecture="a",
            bf16_flops_per_s="2.5 PFLOP/s",
            fp8_flops_per_s="5 PFLOP/s",
            hbm_bytes="186 GB",
            hbm_bw_bytes_per_s="8 TB/s",
            tdp_w="1200 W",
            scaleup_bidir_bytes_per_s="1.8 TB/s",
            scaleup_domain_max_count=72,
            scaleup_links_count=18,
            year_available=2025,
            **SRC,
        ),
        origin="test",
    )
    catalog.add(
        System(
            id="sys",
            name="System",
            vendor="v",
            accelerator="gpu",
            gpus_count=gpus,
            scaleup_domain_count=gpus,
            scaleout_fabric="ib",
            scaleout_nic_bits_per_s=nic_bits,
            cpu="c",
            cpus_count=36,
            host_memory_bytes="17 TB",
            power_typical_w="120 kW",
            power_max_w="132 kW",
            rack_units_u=48,
            cooling="liquid",
            price_usd=3_200_000,
            year_available=2025,
            **SRC,
        ),
        origin="test",
    )
    for component in components:
        catalog.add(component, origin="parts.toml:7")
    return catalog


def _part(cid: str, kind: str, **fields: Any) -> Component:
    return Component(id=cid, name=cid, component_kind=kind, **SRC, **fields)


def nvl72_parts(
    *, busbar_a: str = "3000 A", chassis_kg: str = "150 kg", shelf_psus: int = 6
) -> list[Component]:
    """A GB200 NVL72-like parts list with round figures the tests work out by hand."""
    return [
        _part(
            "tray",
            "compute_tray",
            gpus_count=4,
            power_typical_w="5.85 kW",
            power_max_w="6.4 kW",
            weight_kg="26.5 kg",
            rack_units_u=1,
            liquid_fraction=0.9,
            unit_cost_usd=140_000,
        ),
        _part(
            "nvswitch",
            "switch_tray",
            power_typical_w="0.85 kW",
            power_max_w="1 kW",
            weight_kg="22 kg",
            rack_units_u=1,
            liquid_fraction=0.9,
        ),
        _part(
            "nic",
            "nic",
            ports_count=1,
            port_bits_per_s="400 Gb/s",
            power_max_w="25 W",
            power_typical_w="20 W",
        ),
        _part("optic", "optic", ports_count=1, power_max_w="9 W", power_typical_w="8 W"),
        _part(
            "shelf",
            "power_shelf",
            capacity_w="33 kW",
            psus_count=shelf_psus,
            power_max_w="0.55 kW",
            power_typical_w="0.5 kW",
            rack_units_u=1,
            weight_kg="9 kg",
        ),
        _part("psu", "psu", capacity_w="5.5 kW", weight_kg="2 kg"),
        _part("bar", "busbar", voltage_v="50 V", current_rating_a=busbar_a, weight_kg="45 kg"),
        _part("manifold", "manifold", flow_capacity_m3_per_s="250 L/min", weight_kg="70 kg"),
        _part("spine", "nvlink_spine", ports_count=5184, weight_kg="150 kg"),
        _part("tor", "tor_switch", power_max_w="100 W", power_typical_w="80 W", rack_units_u=1),
        _part("frame", "chassis", weight_kg=chassis_kg),
        _part(
            "cdu",
            "cdu",
            capacity_w="1.5 MW",
            flow_capacity_m3_per_s="2400 L/min",
            facility_flow_capacity_m3_per_s="2400 L/min",
        ),
    ]


NVL72_QTY = {
    "tray": 18,
    "nvswitch": 9,
    "nic": 72,
    "optic": 72,
    "shelf": 8,
    "psu": 48,
    "bar": 1,
    "manifold": 1,
    "spine": 1,
    "tor": 2,
    "frame": 1,
}


def nvl72_rack(qty: dict[str, float] | None = None, **fields: Any) -> RackDesign:
    quantities = {**NVL72_QTY, **(qty or {})}
    base: dict[str, Any] = {
        "id": "nvl72",
        "name": "NVL72",
        "generation": 0,
        "status": "production",
        "year_available": 2025,
        "system": "sys",
        "components": [ComponentQty(component=c, qty=q) for c, q in quantities.items() if q],
        "cdu": "cdu",
        "racks_per_cdu_count": 8,
        "air_cooling_capacity_w": "30 kW",
        "footprint_m2": 0.64,
        "floor_rating_kg_per_m2": 3000,
        "spine_cables_per_link_count": 4,
        "price_usd": 3_200_000,
        **SRC,
    }
    base.update(fields)
    return RackDesign.model_validate(base)


def test_gb200_like_rack_power_and_supplies_by_hand() -> None:
    catalog = _catalog(*nvl72_parts())
    a = analyze(nvl72_rack(), catalog)
    # max: 18 x 6.4 + 9 x 1.0 + 72 x 0.025 + 72 x 0.009 + 8 x 0.55 + 2 x 0.1 = 131.248 kW
    assert a.power_max_w == pytest.approx(131_248.0)
    # typical: 18 x 5.85 + 9 x 0.85 + 72 x 0.020 + 72 x 0.008 + 8 x 0.5 + 2 x 0.08 = 119.126 kW
    assert a.power_typical_w == pytest.approx(119_126.0)
    # the shelves feed everything but themselves: 131.248 - 4.4 = 126.848 kW
    assert a.dc_load_max_w == pytest.approx(126_848.0)
    # 126.848 / 33 = 3.84 -> 4 shelves at N, 5 at N+1, 8 at N+N; PSUs 126.848 / 5.5 -> 24
    assert (a.shelves_needed_n_count, a.shelves_needed_n_plus_1_count) == (4, 5)
    assert a.shelves_needed_n_plus_n_count == 8
    assert (a.psus_needed_n_count, a.psus_needed_n_plus_1_count) == (24, 25)
    report = check(nvl72_rack(), catalog)
    shelves = report.result("power_shelves")
    assert shelves.status is Status.PASS
    assert shelves.limit == pytest.approx(7 * 33_000.0)  # N+1: one of 8 shelves failed
    # 126.848 kW / 50 V = 2,536.96 A on a 3,000 A bar
    assert a.busbar_current_a == pytest.approx(2536.96)
    assert report.result("busbar_current").status is Status.PASS


def test_gb200_like_rack_cooling_weight_and_spine_by_hand() -> None:
    catalog = _catalog(*nvl72_parts())
    a = analyze(nvl72_rack(), catalog)
    # liquid: 18 x 6.4 x 0.9 + 9 x 1.0 x 0.9 = 103.68 + 8.1 = 111.78 kW; the rest to air
    assert a.heat_liquid_w == pytest.approx(111_780.0)
    assert a.heat_air_w == pytest.approx(131_248.0 - 111_780.0)
    # Q = m cp dT: 111,780 W / (3,800 J/kg/K x 10 K) = 2.9416 kg/s; / 1,030 kg/m3
    # = 2.8559e-3 m3/s = 171.35 L/min
    assert a.coolant_flow_m3_per_s == pytest.approx(2.8559e-3, rel=1e-4)
    assert a.coolant_flow_m3_per_s * 60_000 == pytest.approx(171.35, abs=0.01)
    # facility water: 111,780 / (4,186 x 10) / 997 = 2.6784e-3 m3/s per rack
    assert a.facility_water_flow_m3_per_s == pytest.approx(2.6784e-3, rel=1e-4)
    # 18 x 26.5 + 9 x 22 + 8 x 9 + 48 x 2 + 45 + 70 + 150 + 150 = 1,258 kg
    assert a.weight_kg == pytest.approx(1258.0)
    assert a.floor_load_kg_per_m2 == pytest.approx(1258.0 / 0.64)
    # 72 GPUs x 18 links x 4 cables: the published NVL72 figure
    assert a.spine_cables_needed_count == 5184
    assert a.rack_units_used_u == 18 + 9 + 8 + 2
    report = check(nvl72_rack(), catalog)
    assert report.result("cdu_heat").computed == pytest.approx(8 * 111_780.0)
    assert report.worst is Status.PASS
    assert report.summary_line() == "nvl72: 14 pass, 0 warn, 0 fail"


def test_broken_rack_fails_the_right_rules() -> None:
    catalog = _catalog(*nvl72_parts(busbar_a="2000 A", chassis_kg="1200 kg"))
    rack = nvl72_rack({"shelf": 3, "psu": 18})
    report = check(rack, catalog)
    failed = {r.rule for r in report.results if r.status is Status.FAIL}
    assert failed == {"power_shelves", "psus", "busbar_current", "floor_loading"}
    # 3 shelves at N+1 leave 2 x 33 kW for ~128 kW
    assert report.result("power_shelves").limit == pytest.approx(66_000.0)
    assert report.result("busbar_current").limit == pytest.approx(2000.0)
    assert "fail" in report.summary_line()
    assert report.worst is Status.FAIL


def test_warn_margin_sits_at_ninety_percent_of_a_rating() -> None:
    catalog = _catalog(*nvl72_parts(busbar_a="2800 A"))
    # 2,537 A on 2,800 A = 90.6 %: warn, not fail
    assert check(nvl72_rack(), catalog).result("busbar_current").status is Status.WARN
    catalog = _catalog(*nvl72_parts(busbar_a="2830 A"))
    # 2,537 A on 2,830 A = 89.6 %: pass
    assert check(nvl72_rack(), catalog).result("busbar_current").status is Status.PASS


def test_redundancy_scheme_changes_what_the_shelves_must_carry() -> None:
    catalog = _catalog(*nvl72_parts())
    # N+N on 8 shelves leaves 4 x 33 = 132 kW for 126.8 kW: above 90 %, so warn
    n_plus_n = check(nvl72_rack(redundancy="N+N"), catalog).result("power_shelves")
    assert n_plus_n.limit == pytest.approx(132_000.0)
    assert n_plus_n.status is Status.WARN
    # 4 shelves at N+N leave 66 kW: fail
    four = check(nvl72_rack({"shelf": 4, "psu": 24}, redundancy="N+N"), catalog)
    assert four.result("power_shelves").status is Status.FAIL


def test_gpu_spine_nic_and_optics_counts_are_checked() -> None:
    catalog = _catalog(*nvl72_parts(), nic_bits="800 Gb/s")
    report = check(nvl72_rack({"tray": 17, "optic": 70}), catalog)
    assert report.result("gpu_count").status is Status.FAIL  # 68 GPUs for a 72-GPU system
    # 72 GPUs' worth of 800G needed, 72 x 400G NIC ports give half
    assert report.result("scaleout_bandwidth").status is Status.FAIL
    assert report.result("optics").status is Status.FAIL
    too_many_links = check(nvl72_rack(nvlink_links_per_gpu_count=20), catalog)
    assert too_many_links.result("nvlink_spine").status is Status.FAIL  # 5,760 > 5,184


def test_air_rack_marks_liquid_and_busbar_rules_not_applicable() -> None:
    server = _part(
        "dgx",
        "server",
        gpus_count=8,
        ports_count=8,
        port_bits_per_s="400 Gb/s",
        power_max_w="10.2 kW",
        power_typical_w="7.5 kW",
        weight_kg="130 kg",
        rack_units_u=8,
    )
    twin = _part("twin", "optic", ports_count=2)
    cdu = _part("cdu", "cdu", capacity_w="1 MW", flow_capacity_m3_per_s="1000 L/min")
    catalog = _catalog(server, twin, cdu, gpus=8)
    rack = RackDesign.model_validate(
        {
            "id": "air",
            "name": "air",
            "generation": 0,
            "status": "legacy",
            "year_available": 2023,
            "system": "sys",
            "systems_count": 4,
            "components": [{"component": "dgx", "qty": 4}, {"component": "twin", "qty": 16}],
            "cdu": "cdu",
            "air_cooling_capacity_w": "50 kW",
            "price_usd": 1_200_000,
            **SRC,
        }
    )
    report = check(rack, catalog)
    # NVIDIA RA: 4 x DGX H100 = 40.8 kW, all of it to air
    assert report.analysis.power_max_w == pytest.approx(40_800.0)
    assert report.result("air_heat").computed == pytest.approx(40_800.0)
    assert report.result("air_heat").status is Status.PASS
    na = {r.rule for r in report.results if r.status is Status.NOT_APPLICABLE}
    assert {"busbar_current", "power_shelves", "manifold_flow", "cdu_heat"} <= na
    assert report.result("optics").status is Status.PASS  # 16 twin-port modules = 32 ports


def test_in_rack_cdu_counts_in_the_rack_and_limits_heat() -> None:
    parts = nvl72_parts()
    small = _part(
        "cdu-small",
        "cdu",
        capacity_w="100 kW",
        flow_capacity_m3_per_s="150 L/min",
        power_max_w="2 kW",
        rack_units_u=4,
    )
    catalog = _catalog(*parts, small)
    rack = nvl72_rack({"cdu-small": 1}, cdu="cdu-small", racks_per_cdu_count=1)
    report = check(rack, catalog)
    assert report.analysis.rack_units_used_u == 37 + 4
    assert report.analysis.power_max_w == pytest.approx(131_248.0 + 2_000.0)
    assert report.result("cdu_heat").status is Status.FAIL  # 111.8 kW on a 100 kW CDU
    assert report.result("cdu_flow").status is Status.FAIL  # 171 L/min on 150 L/min
    assert report.result("facility_water").status is Status.NOT_APPLICABLE


def test_missing_rating_is_a_catalog_error_naming_part_and_field() -> None:
    parts = [p for p in nvl72_parts() if p.id != "bar"]
    parts.append(_part("bar", "busbar", current_rating_a="3000 A"))
    with pytest.raises(CatalogError) as err:
        analyze(nvl72_rack(), _catalog(*parts))
    line = err.value.one_line()
    assert "parts.toml:7" in line and "voltage_v" in line and "'bar'" in line


def test_shelf_capacity_falls_back_to_its_psus() -> None:
    parts = [p for p in nvl72_parts() if p.id != "shelf"]
    parts.append(_part("shelf", "power_shelf", psus_count=6, rack_units_u=1))
    a = analyze(nvl72_rack(), _catalog(*parts))
    assert a.power_shelf_capacity_w == pytest.approx(33_000.0)


@pytest.mark.parametrize(
    ("load_w", "capacity_w", "expected"),
    [(132_000.0, 33_000.0, 4), (132_001.0, 33_000.0, 5), (0.0, 33_000.0, 0)],
)
def test_units_needed_rounds_up_exactly(load_w: float, capacity_w: float, expected: int) -> None:
    assert physics.units_needed(load_w, capacity_w) == expected


def test_spares_per_scheme() -> None:
    assert physics.spares(8, Redundancy.N) == 0
    assert physics.spares(8, Redundancy.N_PLUS_1) == 1
    assert physics.spares(8, Redundancy.N_PLUS_N) == 4
    assert physics.spares(5, Redundancy.N_PLUS_N) == 3  # an odd count keeps only 2 working


@settings(max_examples=30, deadline=None)
@given(k=st.integers(min_value=1, max_value=6))
def test_rack_figures_are_the_sum_of_their_parts(k: int) -> None:
    catalog = _catalog(*nvl72_parts())
    one = analyze(nvl72_rack(), catalog)
    many = analyze(nvl72_rack({c: q * k for c, q in NVL72_QTY.items()}), catalog)
    for field in ("power_max_w", "power_typical_w", "heat_liquid_w", "weight_kg"):
        assert getattr(many, field) == pytest.approx(k * getattr(one, field)), field
    assert many.coolant_flow_m3_per_s == pytest.approx(k * one.coolant_flow_m3_per_s)
    assert many.rack_units_used_u == k * one.rack_units_used_u


@given(
    heat_w=st.floats(min_value=1e3, max_value=2e6),
    delta_t_k=st.floats(min_value=2.0, max_value=30.0),
)
def test_coolant_flow_carries_the_heat_back(heat_w: float, delta_t_k: float) -> None:
    flow = physics.coolant_flow_m3_per_s(heat_w, 3800.0, 1030.0, delta_t_k)
    # the heat the flow carries at that rise: rho x V x cp x dT
    assert 1030.0 * flow * 3800.0 * delta_t_k == pytest.approx(heat_w)
    assert physics.coolant_flow_m3_per_s(heat_w, 3800.0, 1030.0, 2 * delta_t_k) == (
        pytest.approx(flow / 2)
    )
