"""TCO: a hand-worked rack-year from catalog figures, the cost of work, tornado, and the CLI."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import RunCli
from rackwright.catalog import load_catalog
from rackwright.catalog.fabric_sizing import size_system_fabric
from rackwright.cli.tco_cmd import build_study
from rackwright.demand import WorkRate
from rackwright.finance import (
    CostSource,
    FacilityEconomics,
    FinanceAssumptions,
    NetworkShare,
    RackCapex,
    RackTcoInputs,
    TcoStudy,
    capital_recovery_factor,
    load_finance_defaults,
    rack_tco,
    tco_tornado,
    workload_economics,
)
from rackwright.finance.adapters import network_share
from rackwright.plan import InputRequest, prepare
from rackwright.rack import analyze
from rackwright.scenario import default_scenario_text

GEN1 = "rw-gen1-gb300-nvl72"


@pytest.fixture(scope="module")
def study() -> TcoStudy:
    """What ``rackwright tco`` computes for the embedded default scenario."""
    result, problems, _ = build_study(prepare(InputRequest()), None)
    assert problems == ()
    return result


def _gen1_inputs(capex_usd: float = 3_000_000.0) -> RackTcoInputs:
    return RackTcoInputs(
        rack_id=GEN1,
        gpus_count=72,
        capex=RackCapex(capex_usd, CostSource.OPTION_PRICE, "hand-worked example"),
        power_typical_w=126_362.0,
        power_provisioned_w=140_500.0,
        network=NetworkShare("ib-xdr", 16_416, 228, 691_200.0, 17_785.0),
    )


def test_hand_worked_rack_year_from_catalog_figures() -> None:
    catalog = load_catalog()
    texas = catalog.facility("us-tx")
    # facility.csv: PUE 1.2 planning default (A10), EIA 2023 Texas industrial 6.60 c/kWh (S145),
    # C&W 2025 U.S. average build cost $11.7M per MW (S132)
    assert (texas.pue_ratio, texas.electricity_usd_per_kwh, texas.build_cost_usd_per_w) == (
        1.2,
        pytest.approx(0.066),
        11.7,
    )
    # the rack analysis of generation 1 (sum of its components): 126,362 W typical, 140.5 kW max
    analysis = analyze(catalog.rack(GEN1), catalog)
    assert (analysis.power_typical_w, analysis.power_max_w) == (126_362.0, 140_500.0)
    defaults = load_finance_defaults(catalog).assumptions
    assert (defaults.rack_life_years, defaults.facility_life_years, defaults.cost_of_capital) == (
        5,
        20,
        0.08,
    )

    # by hand, on a $3.0M rack with its network share ($691,200 and 17,785 W per rack)
    crf5 = 0.08 / (1 - 1.08**-5)  # 0.25046
    crf20 = 0.08 / (1 - 1.08**-20)  # 0.10185
    capital = (3_000_000 + 0.03 * 3_000_000 + 691_200) * crf5  # rack + 3 % spares + network
    facility = 140_500 * 11.7 * crf20  # provisioned W x build cost per W, over 20 years
    energy = (126.362 + 17.785) * 8760 * 1.2 * 0.066  # kW x h x PUE x USD/kWh
    maintenance = 0.05 * (3_000_000 + 691_200)
    staff = 75_000 * 0.1405  # USD per MW-year x MW provisioned
    by_hand = capital + facility + energy + maintenance + staff
    assert by_hand == pytest.approx(1_409_561.23, abs=0.01)

    tco = rack_tco(_gen1_inputs(), FacilityEconomics.of(texas), defaults)
    assert tco.tco_usd_per_rack_year == pytest.approx(by_hand, rel=1e-12)
    assert tco.energy_kwh_per_year == pytest.approx(126.362 * 8760 * 1.2)
    assert tco.opex_usd_per_year == pytest.approx(energy + maintenance + staff)
    assert tco.tco_usd_per_gpu_hour == pytest.approx(by_hand / (72 * 8760))


def test_capital_recovery_factor_repays_the_capital() -> None:
    crf = capital_recovery_factor(0.08, 5)
    # the present value of five payments of crf is exactly 1
    assert sum(crf / 1.08**t for t in range(1, 6)) == pytest.approx(1.0)
    assert capital_recovery_factor(0.0, 4) == 0.25


def test_energy_is_typical_power_times_8760_hours_times_pue(study: TcoStudy) -> None:
    catalog = load_catalog()
    pue = catalog.facility("us-tx").pue_ratio
    for rack in study.racks:
        typical = analyze(catalog.rack(rack.rack), catalog).power_typical_w
        assert rack.energy_kwh_per_year == pytest.approx(typical / 1e3 * 8760 * pue)


def test_network_share_is_the_sized_fabric_split_over_its_racks() -> None:
    catalog = load_catalog()
    share = network_share(catalog, GEN1, 16_384)
    system = catalog.system(catalog.rack(GEN1).system)
    sizing = size_system_fabric(system, catalog.fabric(system.scaleout_fabric), 228 * 72)
    assert share.cluster_racks == math.ceil(16_384 / 72) == 228
    assert share.capex_usd * share.cluster_racks == pytest.approx(sizing.cost_usd)
    assert share.power_w * share.cluster_racks == pytest.approx(sizing.power_w)


def test_rack_capex_is_the_boms_never_the_list_price(study: TcoStudy) -> None:
    from rackwright.bom.stage import BOM
    from rackwright.chain import run_chain

    inputs = prepare(InputRequest())
    boms = run_chain(inputs, [BOM]).result(BOM)
    for rack in study.racks:
        assert rack.capex_source == "bom-rollup"
        assert rack.rack_capex_usd == pytest.approx(boms.price(rack.rack).usd)
        assert rack.rack_capex_usd != inputs.catalog.rack(rack.rack).price_usd
        assert rack.capex_detail.startswith("BOM roll-up")


def test_cost_per_token_and_per_run_follow_from_the_rack_year(study: TcoStudy) -> None:
    for work in study.workloads:
        tco = study.rack(work.rack)
        tokens = work.tokens_per_s_per_gpu * tco.gpus * 8760 * 3600 * 0.85
        assert work.usd_per_million_tokens == pytest.approx(
            tco.tco_usd_per_rack_year / tokens * 1e6
        )
        if work.kind == "train":
            assert work.run_cost_usd == pytest.approx(
                work.run_racks * work.run_days / 365 * tco.tco_usd_per_rack_year
            )
            assert work.run_racks >= 1


def test_dearer_electricity_raises_tco_and_cost_per_token() -> None:
    catalog = load_catalog()
    a = load_finance_defaults(catalog).assumptions
    base = FacilityEconomics.of(catalog.facility("us-tx"))
    dear = replace(base, electricity_usd_per_kwh=0.12)
    rate = WorkRate("serve", "infer", GEN1, 40_000.0, "test")
    cheap_tco, dear_tco = rack_tco(_gen1_inputs(), base, a), rack_tco(_gen1_inputs(), dear, a)
    assert dear_tco.tco_usd_per_rack_year > cheap_tco.tco_usd_per_rack_year
    assert (
        workload_economics(dear_tco, rate, 0.85).usd_per_million_tokens
        > workload_economics(cheap_tco, rate, 0.85).usd_per_million_tokens
    )


def test_tornado_sweeps_each_sourced_range_widest_first() -> None:
    catalog = load_catalog()
    defaults = load_finance_defaults(catalog)
    facility = FacilityEconomics.of(catalog.facility("us-tx"))
    tornado = tco_tornado(_gen1_inputs(), facility, defaults.assumptions, defaults.ranges)
    swings = [b.swing for b in tornado.bars]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    names = {b.name for b in tornado.bars}
    assert {"pue_ratio", "electricity_usd_per_kwh", "rack_life_years", "cost_of_capital"} <= names
    pue = next(b for b in tornado.bars if b.name == "pue_ratio")
    assert (pue.low, pue.high) == (1.10, 1.25)  # the liquid-cooled hall planning range
    assert pue.result_at_low < tornado.base < pue.result_at_high
    # utilisation does not change a rack-year's cost, only the cost per token
    util = next(b for b in tornado.bars if b.name == "utilisation")
    assert util.swing == 0


def test_every_finance_default_cites_a_catalog_source() -> None:
    catalog = load_catalog()
    defaults = load_finance_defaults(catalog)
    for name in ("rack_life_years", "cost_of_capital", "utilisation", "staff_usd_per_mw_year"):
        cited = defaults.assumptions.sources_of(name)
        assert cited and all(s in catalog.sources for s in cited)
    for r in defaults.ranges:
        assert r.sources and all(s in catalog.sources for s in r.sources), r.name


def test_assumptions_refuse_impossible_values() -> None:
    with pytest.raises(Exception, match="utilisation"):
        FinanceAssumptions(utilisation=1.5)
    with pytest.raises(Exception, match="rack capex must be positive"):
        RackCapex(0.0, CostSource.BOM_ROLLUP)


def test_tco_json_lists_each_rack_design(cli: RunCli) -> None:
    result = cli("tco", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    racks = {r["rack"]: r for r in data["racks"]}
    assert set(racks) == {GEN1, "rw-gen2-vr-nvl144", "rw-gen3-kyber-nvl576"}
    for row in racks.values():
        for key in (
            "capex_usd",
            "energy_kwh_per_year",
            "opex_usd_per_year",
            "tco_usd_per_rack_year",
        ):
            assert row[key] > 0
        assert row["tco_usd_per_rack_year"] > row["opex_usd_per_year"]
    assert data["decision"]["verdict"] in {"exercise", "wait", "decline"}
    assert data["tornado"] and data["tornado"][0]["bars"]


def test_a_scenario_without_an_option_has_no_decision(cli: RunCli, tmp_path: Path) -> None:
    text = default_scenario_text()
    start = text.index("\n[demand]\n")
    end = text.index("\n# ---", text.index("\n[purchase_option]\n"))
    path = tmp_path / "no_option.toml"
    path.write_text(text[:start] + text[end:])
    data = json.loads(cli("tco", path, "--json").out)
    assert data["decision"] is None and len(data["racks"]) == 3
