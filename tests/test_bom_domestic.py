"""Domestic content: FAR 25.101 thresholds, value share, final assembly, planned U.S. sites."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rackwright.bom import (
    CostLine,
    PartKind,
    Policy,
    Rollup,
    Subsystem,
    SupplyData,
    domestic_content,
    expand_bom,
    flatten,
    load_supply_data,
    read_rules,
    rollup,
)
from rackwright.bom.views import by_part, node_cost_usd
from rackwright.catalog import Catalog, RackDesign, load_catalog
from test_bom_fixtures import gb200_catalog


@pytest.mark.parametrize(
    ("year", "threshold"), [(2021, 0.50), (2023, 0.60), (2024, 0.65), (2028, 0.65), (2029, 0.75)]
)
def test_preset_follows_far_25_101(year: int, threshold: float) -> None:
    assert read_rules().threshold(year) == threshold


def _line(part: str, cost: float, country: str, subsystem: Subsystem, **kw: object) -> CostLine:
    return CostLine(
        part_id=part,
        name=part,
        subsystem=subsystem,
        category=str(kw.get("category", "x")),
        kind=kw.get("kind", PartKind.COMPONENT),  # type: ignore[arg-type]
        qty_per_rack=1,
        unit_cost_usd=cost,
        extended_cost_usd=cost,
        offer_id=f"of-{part}",
        maker="m",
        site_id="s",
        country=country,
    )


def test_hand_worked_value_share_and_verdicts() -> None:
    lines = (
        _line("gpu", 600.0, "US", Subsystem.COMPUTE),
        _line("hbm", 300.0, "KR", Subsystem.COMPUTE),
        _line("psu", 100.0, "US", Subsystem.POWER),
        _line(
            "l11",
            500.0,
            "MX",
            Subsystem.INTEGRATION,
            kind=PartKind.SERVICE,
            category="rack-integration",
        ),
    )
    result = Rollup("r", 2026, Policy.CHEAPEST, 1, lines)
    verdict = domestic_content(result, read_rules())
    # services are not components: 700 domestic of 1,000 component value
    assert verdict.share == pytest.approx(0.70)
    assert verdict.threshold == 0.65 and verdict.passes_value
    compute = next(s for s in verdict.by_subsystem if s.subsystem is Subsystem.COMPUTE)
    assert compute.share == pytest.approx(600 / 900)
    power = next(s for s in verdict.by_subsystem if s.subsystem is Subsystem.POWER)
    assert power.share == 1.0 and power.passes  # preset target 50 % for power
    assert verdict.final_assembly_countries == ("MX",)
    assert not verdict.passes_final_assembly and not verdict.passes
    assert [x.part_id for x in verdict.top_foreign] == ["hbm"]


def test_exactly_at_the_threshold_fails_because_the_act_says_exceeds() -> None:
    lines = (_line("a", 65.0, "US", Subsystem.COMPUTE), _line("b", 35.0, "TW", Subsystem.COMPUTE))
    verdict = domestic_content(Rollup("r", 2025, Policy.CHEAPEST, 1, lines), read_rules())
    assert verdict.share == pytest.approx(0.65) and not verdict.passes_value


def test_rules_load_from_a_user_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[rules]\nname = "lenient"\ninclude_services = true\n'
        "thresholds = [{ from_year = 2020, share = 0.1 }]\n"
        "[rules.final_assembly]\nrequired = false\n",
        encoding="utf-8",
    )
    rules = read_rules(path)
    assert rules.threshold(2030) == 0.1 and not rules.final_assembly.required


def test_gpus_come_only_from_taiwan_until_arizona_packaging() -> None:
    supply = load_supply_data(load_catalog())
    assert {o.country for o in supply.offers_in("gpu-b200", 2027)} == {"TW"}
    assert {o.country for o in supply.offers_in("gpu-b200", 2028)} == {"TW", "US"}
    amkor = next(o for o in supply.offers_for("gpu-b200") if o.site_id == "amkor-peoria-az")
    assert amkor.capacity_per_quarter(2027) == 0 and amkor.capacity_per_quarter(2028) > 0
    hbm = {o.country for o in supply.offers_in("hbm3e-8h-24gb", 2027)}
    assert hbm == {"KR", "TW"}


def test_gb200_domestic_share_rises_with_us_sites() -> None:
    catalog = load_catalog()
    supply = load_supply_data(catalog)
    bom = expand_bom(catalog.rack("ref-gb200-nvl72"), catalog, supply)
    rules = read_rules()
    shares = {}
    for year in (2025, 2027, 2028):
        result = rollup(bom, supply, year=year, policy=Policy.DOMESTIC)
        shares[year] = domestic_content(result, rules)
    assert shares[2025].final_assembly_countries != ("US",)  # U.S. lines start in 2026
    assert shares[2027].final_assembly_countries == ("US",)
    assert shares[2025].share < shares[2027].share < shares[2028].share
    assert not shares[2027].passes_value  # GPUs and HBM still foreign before 2028
    cheapest = domestic_content(rollup(bom, supply, year=2027), rules)
    assert cheapest.share < 0.01  # the cheapest offers are almost all foreign


@cache
def _gb200(gpus: int) -> tuple[Catalog, RackDesign, SupplyData]:
    catalog, design = gb200_catalog(overrides={"t-gb200-compute-tray": {"gpus_count": gpus}})
    return catalog, design, load_supply_data(catalog)


@settings(max_examples=40, deadline=None)
@given(
    trays=st.integers(min_value=1, max_value=24),
    gpus=st.sampled_from([2, 4, 8]),
    shelves=st.integers(min_value=1, max_value=10),
    year=st.integers(min_value=2025, max_value=2031),
    policy=st.sampled_from(list(Policy)),
    volume=st.integers(min_value=1, max_value=500),
    rate=st.one_of(st.none(), st.floats(min_value=0, max_value=20000)),
)
def test_rollups_conserve_cost(
    trays: int, gpus: int, shelves: int, year: int, policy: Policy, volume: int, rate: float | None
) -> None:
    catalog, design, supply = _gb200(gpus)
    design = design.model_copy(
        update={
            "components": [
                c.model_copy(
                    update={
                        "qty": {"t-gb200-compute-tray": trays, "t-power-shelf-33kw": shelves}.get(
                            c.component, c.qty
                        )
                    }
                )
                for c in design.components
            ]
        }
    )
    bom = expand_bom(design, catalog, supply)
    result = rollup(
        bom, supply, year=year, policy=policy, volume_racks=volume, racks_per_quarter=rate
    )
    demand = {d.part_id: d.qty_per_rack for d in flatten(bom)}
    for part_id, lines in by_part(result).items():
        assert sum(x.qty_per_rack for x in lines) == pytest.approx(demand[part_id])
    by_parts = sum(line.extended_cost_usd for line in result.lines)
    by_subsystem = sum(result.cost_by_subsystem().values())
    by_tree = node_cost_usd(bom.root, by_part(result))
    assert by_subsystem == pytest.approx(by_parts, rel=1e-12)
    assert by_tree == pytest.approx(result.total_cost_usd, rel=1e-12)
    verdict = domestic_content(result, read_rules())
    assert sum(s.domestic_usd for s in verdict.by_subsystem) == pytest.approx(verdict.domestic_usd)
    assert sum(s.total_usd for s in verdict.by_subsystem) == pytest.approx(verdict.counted_usd)


def test_build_rate_fills_us_capacity_first_then_the_cheapest() -> None:
    catalog = load_catalog()
    supply = load_supply_data(catalog)
    bom = expand_bom(catalog.rack("ref-gb200-nvl72"), catalog, supply)

    def gpu_lines(rate: float | None) -> list[CostLine]:
        result = rollup(bom, supply, year=2028, policy=Policy.DOMESTIC, racks_per_quarter=rate)
        return [x for x in result.lines if x.part_id == "gpu-b200"]

    amkor = next(o for o in supply.offers_for("gpu-b200") if o.country == "US")
    taiwan = next(o for o in supply.offers_for("gpu-b200") if o.country == "TW")
    fits_us = amkor.capacity_per_quarter(2028) / 72  # racks a quarter Arizona alone can feed
    assert [x.country for x in gpu_lines(None)] == ["US"]
    assert [x.country for x in gpu_lines(fits_us)] == ["US"]
    split = gpu_lines(2 * fits_us)
    assert [x.country for x in split] == ["US", "TW"] and all(x.capacity_ok for x in split)
    assert [x.qty_per_rack for x in split] == pytest.approx([36, 36])
    too_many = (amkor.capacity_per_quarter(2028) + taiwan.capacity_per_quarter(2028)) / 72 + 1
    short = gpu_lines(too_many)
    assert sum(x.qty_per_rack for x in short) == pytest.approx(72)
    assert not any(x.capacity_ok for x in short)
