"""Every default BOM figure is traceable: cited sources exist, estimates name their assumption."""

from __future__ import annotations

from rackwright.bom import load_supply_data
from rackwright.catalog import load_catalog
from rackwright.catalog.models import Confidence


def test_every_part_and_offer_is_sourced_and_estimates_are_labelled() -> None:
    supply = load_supply_data(load_catalog())
    assumption_ids = {s.id for s in supply.sources.values() if s.kind == "assumption"}
    unlabelled = [
        part.id
        for part in supply.parts.values()
        if part.confidence in {Confidence.ESTIMATE, Confidence.UNVERIFIED}
        and not (set(part.sources) & assumption_ids or part.notes)
    ]
    assert not unlabelled
    for spec in supply.offer_specs.values():
        assert set(spec.sources) <= set(supply.sources), spec.id
        if spec.confidence is Confidence.ESTIMATE:
            assert set(spec.sources) & assumption_ids, spec.id


def test_us_offers_that_cost_more_cite_the_premium_assumption() -> None:
    supply = load_supply_data(load_catalog())
    for part_id, offers in supply.offers.items():
        foreign = [o.price_breaks[0].unit_cost_usd for o in offers if o.country != "US"]
        if not foreign:
            continue
        cheapest = min(foreign)
        for offer in offers:
            spec = supply.offer_specs[offer.offer_id]
            if offer.country == "US" and offer.price_breaks[0].unit_cost_usd > cheapest * 1.001:
                assert "ABOM02" in spec.sources, (part_id, offer.offer_id)


def test_the_partnerships_alternate_origins_are_offered() -> None:
    supply = load_supply_data(load_catalog())

    def countries(part_id: str) -> set[str]:
        return {o.country for o in supply.offers_for(part_id)}

    assert countries("psu-5.5kw") == {"TW", "TH", "MX", "US"}
    assert {"TW", "CN", "US"} <= countries("cold-plate-gpu")
    assert countries("optic-800g-osfp") == {"CN", "TH"}
    assert countries("mpo-fibre-jumper") == {"US"}  # Corning, North Carolina
    assert {"KR", "TW", "US"} <= countries("hbm4-12h-36gb")
