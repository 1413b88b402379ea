"""Fat-tree sizing against NVIDIA's published DGX SuperPOD switch and cable counts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rackwright.catalog import Catalog, load_catalog
from rackwright.catalog.fabric_sizing import fat_tree, size_fabric, size_system_fabric
from rackwright.errors import InfeasibleError, InputError

# NVIDIA DGX SuperPOD B200 reference architecture, SU scaling table (S33; the same rows are in
# catalog_sources/superpod_scaling.csv): GPUs, leaf, spine, core switches and cables per tier.
SUPERPOD_B200 = [
    (512, 16, 8, 0, 512, 512, 0),
    (1024, 32, 16, 0, 1024, 1024, 0),
    (2048, 64, 32, 0, 2048, 2048, 0),
    (4096, 128, 128, 64, 4096, 4096, 4096),
    (8192, 256, 256, 128, 8192, 8192, 8192),
    (16384, 512, 512, 256, 16384, 16384, 16384),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.mark.parametrize(
    ("gpus", "leaf", "spine", "core", "node_leaf", "leaf_spine", "spine_core"), SUPERPOD_B200
)
def test_reproduces_superpod_b200_counts(
    catalog: Catalog,
    gpus: int,
    leaf: int,
    spine: int,
    core: int,
    node_leaf: int,
    leaf_spine: int,
    spine_core: int,
) -> None:
    sizing = size_system_fabric(catalog.system("dgx-b200"), catalog.fabric("ib-ndr"), gpus)
    tree = sizing.tree
    assert (tree.leaf_switches_count, tree.spine_switches_count, tree.core_switches_count) == (
        leaf,
        spine,
        core,
    )
    assert (
        tree.node_leaf_cables_count,
        tree.leaf_spine_cables_count,
        tree.spine_core_cables_count,
    ) == (node_leaf, leaf_spine, spine_core)
    assert tree.tiers_count == (3 if core else 2)


def test_two_tiers_end_at_radix_squared_over_two(catalog: Catalog) -> None:
    fabric = catalog.fabric("ib-ndr")
    assert size_fabric(fabric, 2048).tree.tiers_count == 2
    # One more GPU needs a 9th node per rail group, i.e. 72 leaves: more than a spine's 64 ports.
    bigger = size_fabric(fabric, 2049).tree
    assert bigger.tiers_count == 3
    assert bigger.leaf_switches_count == 72


def test_one_switch_when_everything_fits() -> None:
    tree = fat_tree(64, 64, rails_count=8)
    assert (tree.tiers_count, tree.switches_count, tree.cables_count) == (1, 1, 64)


def test_beyond_three_tiers_is_infeasible() -> None:
    # 64-port switches: at most 64**3 / 4 = 65,536 endpoints in three tiers.
    assert fat_tree(65_536, 64, rails_count=8).tiers_count == 3
    with pytest.raises(InfeasibleError) as info:
        fat_tree(65_544, 64, rails_count=8)
    assert "65544" in info.value.one_line()


def test_bad_arguments_are_input_errors(catalog: Catalog) -> None:
    with pytest.raises(InputError):
        size_fabric(catalog.fabric("ib-ndr"), 0)
    with pytest.raises(InputError):
        fat_tree(10, 7)


def test_power_and_cost_of_a_512_gpu_fabric(catalog: Catalog) -> None:
    fabric = catalog.fabric("ib-ndr")
    sizing = size_fabric(fabric, 512)
    # Hand-worked: 16 + 8 switches; 512 + 512 optical cables with a module at each end.
    assert sizing.optics_count == 2048
    assert sizing.optics_per_gpu_ratio == pytest.approx(4.0)
    assert sizing.switch_power_w == pytest.approx(24 * fabric.switch_power_w)
    assert sizing.optics_power_w == pytest.approx(2048 * fabric.optic_power_w)
    assert sizing.cost_usd == pytest.approx(
        24 * fabric.switch_price_usd + 2048 * fabric.optic_price_usd
    )
    assert sizing.switch_rack_units_u == 24


def test_three_tier_fabric_needs_six_optics_per_gpu(catalog: Catalog) -> None:
    sizing = size_fabric(catalog.fabric("ib-ndr"), 4096)
    assert sizing.optics_per_gpu_ratio == pytest.approx(6.0)


def test_slow_nics_share_split_ports(catalog: Catalog) -> None:
    # 200G A100 NICs on 400G ports: each port serves two NICs, so 128 effective ports per switch.
    roce = size_system_fabric(
        catalog.system("hgx-a100-80gb-roce"), catalog.fabric("roce-400g"), 1024
    )
    assert roce.tree.radix_count == 128
    assert roce.tree.tiers_count == 2
    assert roce.tree.leaf_switches_count == 16
    # The same GPUs on 40-port HDR switches need a third tier.
    hdr = size_system_fabric(catalog.system("dgx-a100-40gb"), catalog.fabric("ib-hdr"), 1024)
    assert hdr.tree.tiers_count == 3


def test_fast_nics_take_several_ports(catalog: Catalog) -> None:
    # A 1.6 Tb/s NIC on 800G XDR ports takes two ports: twice the endpoints of 800G NICs.
    vr = size_system_fabric(catalog.system("vr200-nvl144"), catalog.fabric("ib-xdr"), 576)
    gb = size_system_fabric(catalog.system("gb300-nvl72"), catalog.fabric("ib-xdr"), 576)
    assert vr.ports_per_gpu_count == 2 and gb.ports_per_gpu_count == 1
    assert vr.tree.endpoints_count == 2 * gb.tree.endpoints_count == 1152


@given(
    endpoints=st.integers(min_value=1, max_value=200_000),
    half_radix=st.integers(min_value=4, max_value=72),
    rails=st.sampled_from([1, 2, 4, 8]),
)
def test_every_tree_has_enough_ports(endpoints: int, half_radix: int, rails: int) -> None:
    radix = 2 * half_radix
    try:
        tree = fat_tree(endpoints, radix, rails)
    except InfeasibleError:
        assert endpoints > radix**2 // 2
        return
    assert tree.node_leaf_cables_count == endpoints
    if tree.tiers_count == 1:
        assert endpoints <= radix
        return
    # Leaves: half their ports down, half up; spines and cores terminate every uplink.
    assert tree.leaf_switches_count * half_radix >= endpoints
    assert tree.leaf_switches_count <= (radix if tree.tiers_count == 2 else radix * radix // 2)
    if tree.tiers_count == 2:
        assert tree.spine_switches_count * radix >= tree.leaf_spine_cables_count
    else:
        assert tree.spine_switches_count * half_radix >= tree.leaf_spine_cables_count
        assert tree.core_switches_count * radix >= tree.spine_core_cables_count


@given(st.integers(min_value=1, max_value=60_000))
def test_more_gpus_never_need_fewer_switches(gpus: int) -> None:
    assert fat_tree(gpus, 64, 8).switches_count <= fat_tree(gpus + 8, 64, 8).switches_count
