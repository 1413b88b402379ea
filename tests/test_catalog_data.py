"""The default catalog: every figure is traceable, and key figures match their published sources."""

from __future__ import annotations

import pytest

from rackwright.catalog import Catalog, Confidence, Entry, load_catalog
from rackwright.catalog.models import KIND_MODELS, ComponentKind

META_FIELDS = {"id", "name", "kind", "sources", "confidence", "notes", "provenance", "override"}

REQUIRED_IDS = {
    "accelerator": [
        "a100-sxm4-40gb",
        "a100-sxm4-80gb",
        "h100-sxm5",
        "h200-sxm",
        "b200-hgx",
        "b200-gb200",
        "b300-hgx",
        "b300-gb300",
        "rubin-vr200",
        "rubin-ultra",
        "mi300x",
        "mi325x",
        "mi355x",
        "tpu-v5p",
        "tpu-v6e",
        "tpu-ironwood",
        "trainium2",
        "gaudi3",
    ],
    "system": [
        "dgx-a100-40gb",
        "dgx-a100-80gb",
        "hgx-a100-80gb-roce",
        "dgx-h100",
        "hgx-h100-roce",
        "hgx-h200",
        "dgx-b200",
        "dgx-b300",
        "gb200-nvl72",
        "gb300-nvl72",
        "mi300x-8gpu",
        "mi355x-8gpu",
        "vr200-nvl144",
        "vr300-nvl576",
    ],
    "fabric": ["ib-hdr", "ib-ndr", "ib-xdr", "spectrum-x-800g", "roce-400g"],
    "site": [
        "foxconn-houston-tx",
        "foxconn-mount-pleasant-wi",
        "foxconn-lordstown-oh",
        "foxconn-guadalajara-mx",
        "foxconn-taiwan",
        "wistron-fort-worth-tx",
        "tsmc-arizona",
        "tsmc-taiwan",
        "amkor-peoria-az",
        "skhynix-icheon-kr",
        "skhynix-west-lafayette-in",
        "micron-taichung-tw",
        "micron-boise-id",
    ],
    "facility": ["us-avg", "us-tx", "us-wi", "us-oh", "us-az", "us-va", "us-ga", "us-in", "us-nm"],
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _numeric_fields(entry: Entry) -> list[str]:
    names = []
    for name in type(entry).model_fields:
        value = getattr(entry, name)
        if name in META_FIELDS or isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            names.append(name)
    return names


def _is_assumption(catalog: Catalog, source_id: str) -> bool:
    source = catalog.sources.get(source_id)
    return source is not None and source.kind == "assumption"


def test_every_numeric_figure_of_every_kind_is_sourced_and_tagged(catalog: Catalog) -> None:
    problems: list[str] = []
    checked = 0
    for kind, entry in catalog.iter_entries():
        for name in _numeric_fields(entry):
            checked += 1
            prov = entry.provenance_of(name)
            where = f"{kind} {entry.id}.{name}"
            if not prov.sources:
                problems.append(f"{where}: no source")
            unknown = [s for s in prov.sources if s not in catalog.sources]
            if unknown:
                problems.append(f"{where}: unknown sources {unknown}")
            if prov.confidence not in set(Confidence):
                problems.append(f"{where}: no confidence tag")
            if prov.confidence is Confidence.ESTIMATE:
                own_note = prov.note or (name not in entry.provenance and entry.notes)
                if not own_note and not any(_is_assumption(catalog, s) for s in prov.sources):
                    problems.append(f"{where}: estimate with neither an A-source nor a note")
    assert checked > 400
    assert problems == []


def test_provenance_keys_name_real_fields(catalog: Catalog) -> None:
    # A misspelt provenance key would silently leave the figure on the entry default.
    bad = [
        f"{kind} {entry.id}: provenance.{key}"
        for kind, entry in catalog.iter_entries()
        for key in entry.provenance
        if key not in type(entry).model_fields or key in META_FIELDS
    ]
    assert bad == []


def test_assumption_sources_say_what_was_assumed(catalog: Catalog) -> None:
    assumptions = [s for s in catalog.sources.values() if s.kind == "assumption"]
    assert len(assumptions) >= 10
    for source in assumptions:
        assert source.id.startswith("A")
        assert len(source.title) > 60, source.id
    extras = [s for s in catalog.sources.values() if s.id.startswith("X")]
    assert extras and all(
        s.url.startswith("https://") or s.kind == "unverified lead" for s in extras
    )


@pytest.mark.parametrize("kind", sorted(REQUIRED_IDS))
def test_required_ids_exist(catalog: Catalog, kind: str) -> None:
    missing = [i for i in REQUIRED_IDS[kind] if i not in catalog.entries[kind]]
    assert missing == []


def test_h100_dense_bf16_is_the_sourced_figure(catalog: Catalog) -> None:
    h100 = catalog.accelerator("h100-sxm5")
    assert h100.bf16_flops_per_s == pytest.approx(989.4e12)
    assert h100.fp8_flops_per_s == pytest.approx(1978.9e12)
    assert h100.hbm_bw_bytes_per_s == pytest.approx(3.35e12)
    prov = h100.provenance_of("bf16_flops_per_s")
    # S20 is an expert's table of NVIDIA's datasheet, not an NVIDIA page, so the figure is S.
    assert "S20" in prov.sources and prov.confidence is Confidence.PRESS


def test_gb200_nvl72_matches_nvidia_rack_figures(catalog: Catalog) -> None:
    rack = catalog.system("gb200-nvl72")
    gpu = catalog.accelerator(rack.accelerator)
    assert rack.gpus_count == 72 and rack.scaleup_domain_count == 72
    assert rack.cpus_count == 36
    # S41: ~13.4 TB HBM and 720 PF sparse FP8 (= 360 PF dense) per rack.
    assert rack.gpus_count * gpu.hbm_bytes == pytest.approx(13.4e12, rel=0.01)
    assert rack.gpus_count * (gpu.fp8_flops_per_s or 0) == pytest.approx(360e15, rel=0.01)


def test_gb300_nvl72_figures(catalog: Catalog) -> None:
    rack = catalog.system("gb300-nvl72")
    gpu = catalog.accelerator(rack.accelerator)
    assert rack.power_max_w == pytest.approx(142e3)
    assert rack.provenance_of("power_max_w").sources == ["S31"]
    # S25: 1,080 PF dense FP4 and 360 PF dense FP8 per rack.
    assert rack.gpus_count * (gpu.fp4_flops_per_s or 0) == pytest.approx(1080e15, rel=0.01)
    assert rack.gpus_count * (gpu.fp8_flops_per_s or 0) == pytest.approx(360e15, rel=0.01)
    assert rack.scaleout_nic_bits_per_s == pytest.approx(800e9)


def test_dgx_b200_total_hbm_is_1440_gb(catalog: Catalog) -> None:
    dgx = catalog.system("dgx-b200")
    assert dgx.gpus_count * catalog.accelerator(dgx.accelerator).hbm_bytes == pytest.approx(1.44e12)


@pytest.mark.parametrize(
    ("system_id", "nic_gbps"),
    [
        ("dgx-a100-40gb", 200),
        ("hgx-a100-80gb-roce", 200),
        ("dgx-h100", 400),
        ("hgx-h200", 400),
        ("dgx-b200", 400),
        ("gb200-nvl72", 400),
        ("dgx-b300", 800),
        ("gb300-nvl72", 800),
    ],
)
def test_scaleout_nic_speed_per_generation(catalog: Catalog, system_id: str, nic_gbps: int) -> None:
    assert catalog.system(system_id).scaleout_nic_bits_per_s == pytest.approx(nic_gbps * 1e9)


@pytest.mark.parametrize(
    ("accel_id", "links"),
    [("a100-sxm4-80gb", 12), ("h100-sxm5", 18), ("b200-gb200", 18), ("b300-gb300", 18)],
)
def test_nvlink_links_per_gpu(catalog: Catalog, accel_id: str, links: int) -> None:
    assert catalog.accelerator(accel_id).scaleup_links_count == links


def test_unpublished_tdps_are_labelled_assumptions(catalog: Catalog) -> None:
    for accel_id in ("tpu-v5p", "tpu-v6e", "tpu-ironwood", "trainium2"):
        prov = catalog.accelerator(accel_id).provenance_of("tdp_w")
        assert prov.confidence is Confidence.ESTIMATE
        assert "A01" in prov.sources


def test_next_generation_entries_are_estimates(catalog: Catalog) -> None:
    for accel_id in ("rubin-vr200", "rubin-ultra"):
        assert catalog.accelerator(accel_id).confidence is Confidence.ESTIMATE
    assert catalog.system("vr200-nvl144").gpus_count == 72
    assert catalog.system("vr300-nvl576").gpus_count == 144


def test_system_power_covers_its_gpus(catalog: Catalog) -> None:
    for entry in catalog.all("system"):
        system = catalog.system(entry.id)
        gpu = catalog.accelerator(system.accelerator)
        assert system.power_typical_w <= system.power_max_w, system.id
        assert system.gpus_count * gpu.tdp_w < system.power_max_w, system.id
        assert system.scaleup_domain_count <= gpu.scaleup_domain_max_count, system.id


def test_facility_prices_are_eia_state_figures(catalog: Catalog) -> None:
    assert catalog.facility("us-tx").electricity_usd_per_kwh == pytest.approx(0.066)
    assert catalog.facility("us-nm").electricity_usd_per_kwh == pytest.approx(0.0575)
    assert catalog.facility("us-avg").build_cost_usd_per_w == pytest.approx(11.7)
    pue = catalog.facility("us-wi").provenance_of("pue_ratio")
    assert pue.confidence is Confidence.ESTIMATE and "A10" in pue.sources


def test_sites_cover_the_rack_supply_chain(catalog: Catalog) -> None:
    sites = [catalog.site(e.id) for e in catalog.all("site")]
    made = {part for site in sites for part in site.makes}
    needed = {
        ComponentKind.COMPUTE_TRAY,
        ComponentKind.POWER_SHELF,
        ComponentKind.PSU,
        ComponentKind.BUSBAR,
        ComponentKind.COLD_PLATE,
        ComponentKind.MANIFOLD,
        ComponentKind.CDU,
        ComponentKind.OPTIC,
        ComponentKind.CABLE,
        ComponentKind.NVLINK_SPINE,
    }
    assert {k.value for k in needed} <= made
    assert {"gpu_die", "hbm", "cowos", "pcb", "abf_substrate", "switchgear"} <= made
    us_sites = {s.id for s in sites if s.country == "US"}
    assert {"foxconn-houston-tx", "foxconn-mount-pleasant-wi", "foxconn-lordstown-oh"} <= us_sites
    assert catalog.site("foxconn-guadalajara-mx").country == "MX"
    for site in sites:
        if site.planned:
            assert site.operating_from_year >= 2026, site.id
    assert catalog.site("amkor-peoria-az").planned
    assert catalog.site("amkor-peoria-az").operating_from_year == 2028


def test_every_kind_is_known_to_the_loader() -> None:
    assert set(REQUIRED_IDS) <= set(KIND_MODELS)


# NVIDIA's NVLxxx number counts GPU dies: 144 Rubin dies in 72 two-die packages (X03), 576 Rubin
# Ultra dies in 144 four-die packages (X04).
GPU_DIES = {"vr200-nvl144": 144, "vr300-nvl576": 576}


def test_gb300_rack_is_priced_as_gb200_as_its_basis_says(catalog: Catalog) -> None:
    # HSBC sees no ASP growth from GB200 to GB300 NVL72 (S100): the price must not move.
    gb200, gb300 = catalog.system("gb200-nvl72"), catalog.system("gb300-nvl72")
    assert gb300.price_usd == gb200.price_usd
    assert catalog.rack("rw-gen1-gb300-nvl72").price_usd == gb300.price_usd
    prov = gb300.provenance_of("price_usd")
    assert prov.confidence is Confidence.ESTIMATE and {"A66", "S100"} <= set(prov.sources)


def test_gb300_weight_is_an_assumption_not_a_vendor_figure(catalog: Catalog) -> None:
    gb200, gb300 = catalog.system("gb200-nvl72"), catalog.system("gb300-nvl72")
    assert gb300.weight_kg == gb200.weight_kg
    prov = gb300.provenance_of("weight_kg")
    assert prov.confidence is Confidence.ESTIMATE and "A67" in prov.sources


def test_vera_rubin_rack_price_is_the_analysts_per_rack_figure(catalog: Catalog) -> None:
    gb300, vr = catalog.system("gb300-nvl72"), catalog.system("vr200-nvl144")
    # Morgan Stanley's bottom-up ~$7.8M per VR200 NVL72 rack (X17), inside the $5-8.8M reported
    # by Tom's Hardware (X16).
    assert vr.price_usd == pytest.approx(7.8e6)
    assert 5.0e6 <= vr.price_usd <= 8.8e6
    # A per-GW capex ratio (41/33) is per rack only times the rack-power ratio; the price is not
    # below that power-corrected derivation, unlike the former GB300 x 41/33 = $4.35M.
    per_gw_ratio = 41 / 33
    derived = gb300.price_usd * per_gw_ratio * vr.power_max_w / gb300.power_max_w
    assert derived == pytest.approx(6.2e6, rel=0.02)
    assert vr.price_usd >= derived > gb300.price_usd * per_gw_ratio
    assert catalog.rack("rw-gen2-vr-nvl144").price_usd == vr.price_usd
    prov = vr.provenance_of("price_usd")
    assert prov.confidence is Confidence.ESTIMATE and {"A08", "X17"} <= set(prov.sources)


def test_rubin_ultra_rack_is_priced_per_gpu_die_like_vera_rubin(catalog: Catalog) -> None:
    vr, ultra = catalog.system("vr200-nvl144"), catalog.system("vr300-nvl576")
    per_die = {sid: catalog.system(sid).price_usd / dies for sid, dies in GPU_DIES.items()}
    assert per_die["vr300-nvl576"] == pytest.approx(per_die["vr200-nvl144"])
    assert ultra.price_usd == pytest.approx(vr.price_usd * 4)
    assert catalog.rack("rw-gen3-kyber-nvl576").price_usd == ultra.price_usd
    assert "A08" in ultra.provenance_of("price_usd").sources


def test_derived_prices_state_their_arithmetic(catalog: Catalog) -> None:
    a08, a66 = catalog.sources["A08"], catalog.sources["A66"]
    assert "$7.8M" in a08.title and "576 dies / 144 dies" in a08.title
    assert "per-gigawatt" in a08.notes and "rack-power ratio" in a08.notes
    assert "$3.2M" in a66.title and "S100" in a66.title
    for rack_id in ("rw-gen1-gb300-nvl72", "rw-gen2-vr-nvl144", "rw-gen3-kyber-nvl576"):
        assert catalog.rack(rack_id).provenance_of("price_usd").note, rack_id
