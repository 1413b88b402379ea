"""Expansion of a rack design into a multi-level BOM, and its flattening into part demand."""

from __future__ import annotations

import pytest

from rackwright.bom import PartKind, Subsystem, expand_bom, family_for, flatten, load_supply_data
from test_bom_fixtures import gb200_catalog


def _demand(overrides: dict[str, dict[str, float]] | None = None) -> dict[str, float]:
    catalog, design = gb200_catalog(overrides=overrides)
    supply = load_supply_data(catalog)
    return {d.part_id: d.qty_per_rack for d in flatten(expand_bom(design, catalog, supply))}


def test_hand_built_gb200_has_the_published_part_counts() -> None:
    demand = _demand()
    assert demand["gpu-b200"] == 72  # 18 trays x 4 GPUs
    assert demand["cpu-grace"] == 36  # one Grace per 2 GPUs (Bianca board)
    assert demand["nvswitch5"] == 18  # 9 switch trays x 2 ASICs
    assert demand["power-shelf-frame"] == 8
    assert "psu-5.5kw" not in demand  # PSUs are rack components of their own, not in the shelf
    assert demand["dpu-bf3"] == 36  # 2 BlueField-3 per tray


def test_attrition_multiplies_down_the_tree() -> None:
    demand = _demand()
    assert demand["hbm3e-8h-24gb"] == pytest.approx(72 * 8 * 1.02)  # 2% lost at CoWoS
    assert demand["pcb-bianca"] == pytest.approx(36 * 1.01)
    assert demand["nvlink-twinax-224g"] == pytest.approx(5184 * 1.005)


def test_a_change_to_the_rack_design_flows_into_the_bom() -> None:
    # Two GPUs per tray instead of four: half the boards, GPUs, CPUs and HBM.
    demand = _demand({"t-gb200-compute-tray": {"gpus_count": 2}})
    assert demand["gpu-b200"] == 36
    assert demand["cpu-grace"] == 18
    assert demand["hbm3e-8h-24gb"] == pytest.approx(36 * 8 * 1.02)
    # A shorter spine needs fewer cables.
    demand = _demand({"t-nvlink-spine": {"ports_count": 2592}})
    assert demand["nvlink-twinax-224g"] == pytest.approx(2592 * 1.005)


def test_tree_levels_and_subsystems() -> None:
    catalog, design = gb200_catalog()
    supply = load_supply_data(catalog)
    bom = expand_bom(design, catalog, supply)
    levels = {node.level for _, node in bom.root.walk()}
    assert levels == {"rack", "component", "assembly", "part"}
    depth = max(d for d, _ in bom.root.walk())
    assert depth == 4  # rack -> tray -> board -> GPU module -> GPU/HBM
    rows = {d.part_id: d for d in flatten(bom)}
    assert rows["gpu-b200"].subsystem is Subsystem.COMPUTE and rows["gpu-b200"].critical
    assert rows["rack-integration-l11"].kind is PartKind.SERVICE
    assert rows["nvlink-cartridge-set"].subsystem is Subsystem.CABLING
    assert bom.root.weight_kg == pytest.approx(
        18 * 38 + 9 * 20 + 8 * 25 + 40 + 60 + 150 + 2 * 8 + 180
    )


def test_family_is_chosen_by_rack_id_then_accelerator() -> None:
    catalog, design = gb200_catalog(rack_id="my-own-gb200")
    supply = load_supply_data(catalog)
    # Not listed by id: its system gb200-nvl72 carries accelerator b200-gb200.
    assert family_for(design, catalog, supply).id == "fam-gb200"
