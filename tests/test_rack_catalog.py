"""The default rack designs against published figures, and components flowing into racks."""

from __future__ import annotations

from pathlib import Path

import pytest

from rackwright.catalog import load_catalog
from rackwright.catalog.catalog import Catalog
from rackwright.catalog.models import ComponentKind
from rackwright.rack import Status, analyze, check

ROADMAP = ("rw-gen1-gb300-nvl72", "rw-gen2-vr-nvl144", "rw-gen3-kyber-nvl576")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_every_required_rack_exists_with_its_generation(catalog: Catalog) -> None:
    generations = {r.id: r.generation for r in catalog.racks()}
    assert generations == {
        "ref-dgx-h100-4x": 0,
        "ref-gb200-nvl72": 0,
        "rw-gen1-gb300-nvl72": 1,
        "rw-gen2-vr-nvl144": 2,
        "rw-gen3-kyber-nvl576": 3,
    }
    assert catalog.rack("ref-dgx-h100-4x").status.value == "legacy"
    assert catalog.rack("ref-gb200-nvl72").status.value == "production"


def test_gb200_reference_matches_published_rack(catalog: Catalog) -> None:
    report = check(catalog.rack("ref-gb200-nvl72"), catalog)
    a = report.analysis
    # ~120 kW typical, ~132-140 kW max (S35, S46)
    assert a.power_typical_w == pytest.approx(120e3, rel=0.03)
    assert 128e3 <= a.power_max_w <= 140e3
    # 8 shelves of 33 kW (6 x 5.5 kW PSUs), and N+1 passes
    assert a.power_shelves_count == 8
    assert a.power_shelf_capacity_w == pytest.approx(33e3)
    assert a.psus_count == 48
    assert report.result("power_shelves").status is Status.PASS
    # ~1.36 t loaded (S35)
    assert a.weight_kg == pytest.approx(1360.0, rel=0.02)
    # 72 GPUs x 18 links x 4 cables: ~5,000 cables published, 5,184 exactly (S44)
    assert a.spine_cables_needed_count == 5184
    assert a.busbar_voltage_v == pytest.approx(50.0)
    assert a.rack_units_total_u == 48
    assert report.worst is Status.PASS


def test_dgx_h100_air_rack_is_the_reference_architecture_figure(catalog: Catalog) -> None:
    a = analyze(catalog.rack("ref-dgx-h100-4x"), catalog)
    assert a.power_max_w == pytest.approx(40_800.0)  # NVIDIA RA: 4 DGX H100 per rack
    assert a.heat_liquid_w == 0.0
    assert a.gpus_count == 32


def test_gen1_stays_within_the_gb300_envelope(catalog: Catalog) -> None:
    a = analyze(catalog.rack("rw-gen1-gb300-nvl72"), catalog)
    assert a.power_max_w <= 142e3  # NVIDIA Enterprise RA (S31)
    assert a.gpus_count == 72


def test_generations_rise_in_power_density(catalog: Catalog) -> None:
    powers = [analyze(catalog.rack(r), catalog).power_max_w for r in ROADMAP]
    assert powers == sorted(powers)
    gen3 = analyze(catalog.rack("rw-gen3-kyber-nvl576"), catalog)
    assert gen3.power_max_w == pytest.approx(600e3, rel=0.05)  # ~600 kW Kyber (X04)
    assert gen3.busbar_voltage_v == pytest.approx(800.0)  # 800 V DC (X50)
    assert gen3.gpus_count == 144


def test_no_default_rack_fails_a_rule(catalog: Catalog) -> None:
    for rack in catalog.racks():
        report = check(rack, catalog)
        assert report.count(Status.FAIL) == 0, report.summary_line()


def test_every_component_kind_the_task_names_is_in_the_catalog(catalog: Catalog) -> None:
    kinds = {getattr(c, "component_kind", None) for c in catalog.all("component")}
    assert set(ComponentKind) <= kinds


def test_a_component_change_flows_to_every_rack_that_uses_it(
    catalog: Catalog, tmp_path: Path
) -> None:
    before = {r: analyze(catalog.rack(r), catalog) for r in ("ref-gb200-nvl72", ROADMAP[0])}
    override = tmp_path / "parts.toml"
    override.write_text(
        """
[[component]]
id = "st-nvlink5"
override = true
name = "NVLink 5 switch tray, measured"
component_kind = "switch_tray"
power_typical_w = "1.35 kW"
power_max_w = "1.5 kW"
weight_kg = "22 kg"
rack_units_u = 1
unit_cost_usd = 30000
liquid_fraction = 0.9
sources = ["S29"]
confidence = "U"
""",
        encoding="utf-8",
    )
    changed = load_catalog([override])
    for rack_id, old in before.items():
        new = analyze(changed.rack(rack_id), changed)
        # 9 trays x 0.5 kW more
        assert new.power_max_w - old.power_max_w == pytest.approx(4_500.0)
        assert new.heat_liquid_w - old.heat_liquid_w == pytest.approx(4_050.0)
