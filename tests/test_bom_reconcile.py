"""The default BOM against published figures: rack prices, value splits, cooling content, weight.

Published references (catalog_sources): GB200 NVL72 rack ~$3.0-3.4M (prices.csv, S96/S99); value
split GPU+HBM 47.2%, NVLink/network/optics 18.4%, boards/power/MLCC/connectors 10.8%, liquid
cooling/cabinet/structure/storage 9.2%, CPU+memory 7.2%, integration/test 7.2%
(bom_cost_splits.csv, S101, low confidence); GB300 liquid-cooling content $40,680 + $9,180 (S97);
GB200 NVL72 ~1.36 t loaded (S35); ~5,184 NVLink copper cables (S44).
"""

from __future__ import annotations

import pytest

from rackwright.bom import Policy, Rollup, expand_bom, flatten, load_supply_data, rollup
from rackwright.catalog import Catalog, load_catalog

# S101 line items -> the BOM part categories that make them up.
S101_SPLIT: dict[str, tuple[float, set[str]]] = {
    "GPU+HBM": (0.472, {"gpu", "hbm"}),
    "NVLink/network/optics": (
        0.184,
        {
            "switch-asic",
            "switch-board",
            "nic",
            "dpu",
            "optic",
            "tor-switch",
            "copper-cable",
            "fibre",
        },
    ),
    "boards/power/MLCC/connectors": (
        0.108,
        {"pcb", "board-power", "psu", "power-shelf", "busbar"},
    ),
    "cooling/cabinet/structure/storage": (
        0.092,
        {"cold-plate", "manifold", "sheet-metal", "storage", "cable-kit"},
    ),
    "CPU+memory": (0.072, {"cpu", "cpu-memory"}),
    "integration/test": (0.072, {"rack-integration"}),
}
# The S101 shape is a low-confidence social-media estimate: each share within 2.5 points.
SPLIT_TOLERANCE = 0.025


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _priced(catalog: Catalog, rack_id: str, year: int | None = None) -> Rollup:
    supply = load_supply_data(catalog)
    design = catalog.rack(rack_id)
    bom = expand_bom(design, catalog, supply)
    year = year or max(design.year_available, 2025)  # offers describe the 2025 supply base
    return rollup(bom, supply, year=year, policy=Policy.CHEAPEST)


def test_gb200_parts_sum_to_the_published_rack_price(catalog: Catalog) -> None:
    total = _priced(catalog, "ref-gb200-nvl72").total_cost_usd
    assert 3.0e6 <= total <= 3.4e6  # prices.csv: GB200 NVL72 rack $3.0-3.4M (S96, S99)
    assert total == pytest.approx(catalog.rack("ref-gb200-nvl72").price_usd, rel=0.03)


def test_gb200_value_split_reconciles_with_s101(catalog: Catalog) -> None:
    result = _priced(catalog, "ref-gb200-nvl72")
    by_category: dict[str, float] = {}
    for line in result.lines:
        by_category[line.category] = by_category.get(line.category, 0.0) + line.extended_cost_usd
    covered = set().union(*(cats for _, cats in S101_SPLIT.values()))
    assert set(by_category) <= covered, set(by_category) - covered
    for item, (published, categories) in S101_SPLIT.items():
        share = sum(by_category.get(c, 0.0) for c in categories) / result.total_cost_usd
        assert share == pytest.approx(published, abs=SPLIT_TOLERANCE), item


@pytest.mark.parametrize(
    ("rack_id", "tolerance"),
    [
        ("ref-gb200-nvl72", 0.05),
        ("rw-gen1-gb300-nvl72", 0.05),
        ("rw-gen2-vr-nvl144", 0.10),
        ("rw-gen3-kyber-nvl576", 0.10),
        ("ref-dgx-h100-4x", 0.10),
    ],
)
def test_every_generation_reconciles_with_its_catalog_price(
    catalog: Catalog, rack_id: str, tolerance: float
) -> None:
    total = _priced(catalog, rack_id).total_cost_usd
    assert total == pytest.approx(catalog.rack(rack_id).price_usd, rel=tolerance)


def test_gb300_liquid_cooling_content_matches_morgan_stanley(catalog: Catalog) -> None:
    result = _priced(catalog, "rw-gen1-gb300-nvl72")
    plates = sum(x.extended_cost_usd for x in result.lines if x.category == "cold-plate")
    assert plates == pytest.approx(18 * 2260 + 9 * 1020, rel=0.001)  # S97: $49,860


def test_gb200_weight_and_spine_follow_the_catalog_rack(catalog: Catalog) -> None:
    supply = load_supply_data(catalog)
    bom = expand_bom(catalog.rack("ref-gb200-nvl72"), catalog, supply)
    assert bom.root.weight_kg == pytest.approx(1360, rel=0.05)  # S35: ~1.36 t loaded
    cables = {d.part_id: d.qty_per_rack for d in flatten(bom)}["nvlink-twinax-224g"]
    assert cables == pytest.approx(5184 * 1.005)  # S44 count plus 0.5% attrition
