"""Risk defaults drawn from the catalog: every site has a sourced TTR, every rack a loss weight."""

from __future__ import annotations

from rackwright.catalog import load_catalog
from rackwright.catalog.models import Site, SiteKind
from rackwright.risk.catalog_defaults import (
    RACK_GROSS_MARGIN,
    rack_loss_weight_usd,
    site_ttr_weeks,
)


def test_every_catalog_site_has_a_ttr_citing_known_sources() -> None:
    catalog = load_catalog()
    sites = [s for s in catalog.entries["site"].values() if isinstance(s, Site)]
    assert len(sites) >= 40
    for site in sites:
        weeks, provenance = site_ttr_weeks(site)
        assert weeks > 0
        assert all(s in catalog.sources for s in provenance.sources), site.id
        assert any(catalog.sources[s].kind == "assumption" for s in provenance.sources)
    fab = next(s for s in sites if s.site_kind is SiteKind.FAB)
    line = next(s for s in sites if s.site_kind is SiteKind.RACK_INTEGRATION)
    assert site_ttr_weeks(fab)[0] > site_ttr_weeks(line)[0]  # a fab takes longer to rebuild


def test_a_site_can_state_its_own_ttr() -> None:
    catalog = load_catalog()
    site = catalog.site("tsmc-taiwan")
    own = site.model_copy(update={"ttr_weeks": 3.5})
    assert site_ttr_weeks(own)[0] == 3.5


def test_rack_loss_weight_is_its_margin_with_the_price_sources() -> None:
    catalog = load_catalog()
    for rack in catalog.racks():
        weight, provenance = rack_loss_weight_usd(rack)
        assert weight == rack.price_usd * RACK_GROSS_MARGIN
        assert "ARISK06" in provenance.sources
        assert all(s in catalog.sources for s in provenance.sources)
