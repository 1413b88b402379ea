"""Risk figures the catalog does not state yet: a site's TTR and a rack's loss weight.

``site_ttr_weeks`` gives a site's own ``ttr_weeks`` when the catalog has one, else the
labelled default for its kind (ARISK01, anchored on two recorded recoveries); the chain
adapter turns weeks into the network's periods. ``rack_loss_weight_usd`` prices a rack not
delivered at the integrator's gross margin on it (ARISK06). Both return their provenance so a
report can cite them.
"""

from __future__ import annotations

from rackwright.catalog.models import Confidence, Provenance, RackDesign, Site, SiteKind

FAB_LIKE_TTR_WEEKS = 13.0  # Renesas Naka 300 mm line, fire to full capacity (XRISK01)
ASSEMBLY_TTR_WEEKS = 7.0  # Western Digital Bang Pa-In, flood to restart (XRISK02)

SITE_KIND_TTR_WEEKS: dict[SiteKind, float] = {
    SiteKind.FAB: FAB_LIKE_TTR_WEEKS,
    SiteKind.MEMORY: FAB_LIKE_TTR_WEEKS,
    SiteKind.PACKAGING: FAB_LIKE_TTR_WEEKS,
    SiteKind.BOARD: ASSEMBLY_TTR_WEEKS,
    SiteKind.COMPONENT: ASSEMBLY_TTR_WEEKS,
    SiteKind.OPTICS: ASSEMBLY_TTR_WEEKS,
    SiteKind.COOLING: ASSEMBLY_TTR_WEEKS,
    SiteKind.POWER: ASSEMBLY_TTR_WEEKS,
    SiteKind.RACK_INTEGRATION: ASSEMBLY_TTR_WEEKS,
}

RACK_GROSS_MARGIN = 0.0625
"""Share of a rack's price lost when it is not delivered (Hon Hai FY2024; ARISK06, XRISK04)."""


def site_ttr_weeks(site: Site) -> tuple[float, Provenance]:
    """Weeks ``site`` takes to recover, and where the figure comes from."""
    if site.ttr_weeks is not None:
        return site.ttr_weeks, site.provenance_of("ttr_weeks")
    fab_like = SITE_KIND_TTR_WEEKS[site.site_kind] == FAB_LIKE_TTR_WEEKS
    anchor = "XRISK01" if fab_like else "XRISK02"
    return SITE_KIND_TTR_WEEKS[site.site_kind], Provenance(
        sources=["ARISK01", anchor],
        confidence=Confidence.ESTIMATE,
        note=f"default for a {site.site_kind.value} site",
    )


def rack_loss_weight_usd(rack: RackDesign) -> tuple[float, Provenance]:
    """USD lost per rack not delivered: its price times the integrator's gross margin."""
    return rack.price_usd * RACK_GROSS_MARGIN, Provenance(
        sources=["ARISK06", "XRISK04", *rack.provenance_of("price_usd").sources],
        confidence=Confidence.ESTIMATE,
        note=f"{RACK_GROSS_MARGIN:.2%} of the rack's price",
    )
