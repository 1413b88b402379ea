"""The offer view the sourcing optimizer consumes: USD prices, MOQ, multiples, lead, capacity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rackwright.bom import (
    PartDemand,
    expand_bom,
    flatten,
    load_supply_data,
    read_rates,
    rollup,
)
from rackwright.bom.models import WEEK_S, LogNormalLeadTime, TriangularLeadTime
from rackwright.catalog import load_catalog
from rackwright.errors import CatalogError

ALTERNATE = """\
[[part]]
id = "aoc-400g"
name = "400G active optical cable"
subsystem = "networking"
category = "optic"
sources = ["ABOM01"]
confidence = "E"

[[mpart]]
id = "mp-aoc-400g"
part = "aoc-400g"
mpn = "AOC-400"
maker = "InnoLight"
site = "innolight-cn"
sources = ["ABOM01"]
confidence = "E"

[[offer]]
id = "of-aoc-400g"
mpart = "mp-aoc-400g"
supplier = "InnoLight"
currency = "CNY"
price_breaks = [{ min_qty = 1, unit_price = 5000 }, { min_qty = 500, unit_price = 4500 }]
moq = 50
order_multiple = 25
lead_time = { dist = "triangular", low_s = "20 weeks", mode_s = "30 weeks", high_s = "46 weeks" }
capacity = [
  { from_year = 2024, units_per_quarter = 1000 },
  { from_year = 2027, units_per_quarter = 0 },
]
sources = ["ABOM01"]
confidence = "E"

[[expansion]]
id = "exp-optic-with-alternate"
component_kind = "optic"
components = ["optic-osfp-400g"]
lines = [{ item = "@optic", alternates = ["aoc-400g"] }]
sources = ["ABOM01"]
confidence = "E"
"""


@pytest.fixture(scope="module")
def user_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bom") / "alt.toml"
    path.write_text(ALTERNATE, encoding="utf-8")
    return path


def test_offer_prices_are_converted_to_usd(user_file: Path) -> None:
    supply = load_supply_data(load_catalog(), [user_file])
    (offer,) = supply.offers_for("aoc-400g")
    rate = read_rates().usd_per_unit["CNY"]
    assert offer.currency == "CNY" and offer.country == "CN"
    assert offer.unit_cost_usd(1) == pytest.approx(5000 * rate)
    assert offer.unit_cost_usd(480) == pytest.approx(4500 * rate)  # 480 -> 500 ordered


def test_moq_and_order_multiple(user_file: Path) -> None:
    supply = load_supply_data(load_catalog(), [user_file])
    (offer,) = supply.offers_for("aoc-400g")
    assert offer.order_qty(1) == 50
    assert offer.order_qty(51) == 75
    assert offer.order_qty(100) == 100


def test_capacity_steps_by_year(user_file: Path) -> None:
    supply = load_supply_data(load_catalog(), [user_file])
    (offer,) = supply.offers_for("aoc-400g")
    assert offer.capacity_per_quarter(2023) == 0
    assert offer.capacity_per_quarter(2026) == 1000
    assert offer.capacity_per_quarter(2027) == 0 and not offer.available(2027)


def test_alternates_reach_the_part_demand(user_file: Path) -> None:
    catalog = load_catalog()
    supply = load_supply_data(catalog, [user_file])
    rows: dict[str, PartDemand] = {
        d.part_id: d for d in flatten(expand_bom(catalog.rack("ref-gb200-nvl72"), catalog, supply))
    }
    assert rows["optic-400g-osfp"].alternates == ("aoc-400g",)
    assert rows["optic-400g-osfp"].qty_per_rack == 72  # the id-specific expansion replaced it
    assert "mpo-fibre-jumper" not in rows


def test_lead_time_distributions() -> None:
    tri = TriangularLeadTime(low_s="20 weeks", mode_s="30 weeks", high_s="46 weeks")
    assert tri.mean_s / WEEK_S == pytest.approx(32)
    draws = tri.sample_s(np.random.default_rng(1), 20000) / WEEK_S
    assert draws.min() >= 20 and draws.max() <= 46 and draws.mean() == pytest.approx(32, rel=0.01)
    assert tri.quantile_s(0.5) / WEEK_S == pytest.approx(np.median(draws), rel=0.01)
    assert tri.quantile_s(0.9) / WEEK_S == pytest.approx(np.quantile(draws, 0.9), rel=0.01)
    assert tri.quantile_s(0.0) / WEEK_S == 20 and tri.quantile_s(1.0) / WEEK_S == 46
    logn = LogNormalLeadTime(median_s="10 weeks", sigma=0.5)
    assert logn.quantile_s(0.5) / WEEK_S == pytest.approx(10)
    assert logn.quantile_s(0.9) / WEEK_S == pytest.approx(10 * np.exp(0.5 * 1.2815516), rel=1e-6)
    assert logn.mean_s / WEEK_S == pytest.approx(10 * np.exp(0.125))
    assert np.median(logn.sample_s(np.random.default_rng(2), 20000)) / WEEK_S == pytest.approx(
        10, rel=0.03
    )


def test_planned_us_sites_ship_nothing_before_they_operate() -> None:
    catalog = load_catalog()
    supply = load_supply_data(catalog)
    for offers in supply.offers.values():
        for offer in offers:
            site = catalog.site(offer.site_id)
            if site.planned:
                assert offer.capacity_per_quarter(site.operating_from_year - 1) == 0
            assert offer.sources and offer.price_breaks[0].unit_cost_usd > 0


OVERRIDE = """\
[[offer]]
id = "of-gpu-b200-tsmc-taiwan-cowos"
override = true
mpart = "mp-gpu-b200-tsmc-taiwan-cowos"
supplier = "NVIDIA"
currency = "USD"
price_breaks = [{ min_qty = 1, unit_price = 20000 }]
lead_time = { dist = "lognormal", median_s = "40 weeks", sigma = 0.2 }
capacity = [{ from_year = 2024, units_per_quarter = 600000 }]
sources = ["S90"]
confidence = "S"
"""


def test_a_user_quote_replaces_a_default_offer(tmp_path: Path) -> None:
    path = tmp_path / "quote.toml"
    path.write_text(OVERRIDE, encoding="utf-8")
    catalog = load_catalog()
    design = catalog.rack("ref-gb200-nvl72")

    def total(files: list[Path]) -> float:
        supply = load_supply_data(catalog, files)
        return rollup(expand_bom(design, catalog, supply), supply, year=2025).total_cost_usd

    assert total([path]) - total([]) == pytest.approx(72 * (20000 - 17500))
    path.write_text(OVERRIDE.replace("override = true\n", ""), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"already used by \[\[offer\]\] in <bom>/compute"):
        load_supply_data(catalog, [path])
