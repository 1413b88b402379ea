"""The multi-level bill of materials: parts, where they are made, what they cost, how domestic.

Model: rack (catalog) -> components (catalog: trays, shelves, manifolds, spine) -> assemblies
(boards, GPU modules) -> parts. A part has manufacturer parts (maker, MPN) at catalog sites; the
site's country is the part's origin, so one part from two sites can differ. Each manufacturer
part has supplier offers: price breaks (converted to USD), MOQ, order multiple, a lead-time
distribution and capacity per quarter by year (zero before a planned site operates).

Public API (what the sourcing optimizer and the report call)::

    supply = load_supply_data(catalog, extra_files=())         # -> SupplyData
    bom = expand_bom(catalog.rack(rack_id), catalog, supply)   # -> Bom (tree of BomNode)
    demand = flatten(bom)                                      # -> list[PartDemand]
    offers = supply.offers_for(part_id)                        # -> list[Offer], prices in USD
    offers = supply.offers_in(part_id, year)                   # only offers able to ship
    offer.unit_cost_usd(qty), offer.order_qty(qty), offer.capacity_per_quarter(year),
    offer.lead_time.mean_s / .quantile_s(0.9) / .sample_s(rng, n), offer.first_year,
    offer.country, offer.site_id, offer.planned_site, offer.price_breaks (UsdPriceBreak)
    result = rollup(bom, supply, year=2027, policy=Policy.CHEAPEST,
                    racks_per_quarter=None)                    # -> Rollup (CostLine per part/offer)
    result.total_cost_usd, result.cost_by_subsystem()       # weight/power: rackwright.rack
    rules = read_rules(path_or_None)                           # -> DomesticRules (FAR preset)
    verdict = domestic_content(result, rules)                  # -> DomesticResult

``PartDemand.kind`` is ``service`` for assembly/test labour (rack integration): it has offers
at the integration sites but is not a component for the domestic value test. ``critical`` marks
parts that want a second source (GPUs, HBM, PCBs, optics, PSUs, cold plates, ...).

Package data (``rackwright/bom/data``): one TOML per subsystem with ``[[part]]``, ``[[mpart]]``
and ``[[offer]]``; ``structure.toml`` with expansions by component kind, assemblies, part
families and the BOM's labelled assumptions (ABOM01-06); ``currency.toml``; the
``rules_baa.toml`` preset. A user file passed to ``load_supply_data`` (CLI ``--bom``) adds
records or replaces one with ``override = true``.

Engines (expand, rollup, domestic) do no I/O; ``loader`` reads package data and user files.
"""

from rackwright.bom.domestic import DomesticResult, DomesticRules, SubsystemShare, domestic_content
from rackwright.bom.expand import Bom, BomNode, PartDemand, expand_bom, family_for, flatten
from rackwright.bom.loader import load_supply_data, read_rates, read_rules
from rackwright.bom.models import (
    CapacityStep,
    LeadTime,
    LogNormalLeadTime,
    ManufacturerPart,
    Part,
    PartKind,
    Subsystem,
    TriangularLeadTime,
)
from rackwright.bom.rollup import CostLine, Policy, Rollup, choose_offer, rollup
from rackwright.bom.supply import Offer, SupplyData, UsdPriceBreak

__all__ = [
    "Bom",
    "BomNode",
    "CapacityStep",
    "CostLine",
    "DomesticResult",
    "DomesticRules",
    "LeadTime",
    "LogNormalLeadTime",
    "ManufacturerPart",
    "Offer",
    "Part",
    "PartDemand",
    "PartKind",
    "Policy",
    "Rollup",
    "Subsystem",
    "SubsystemShare",
    "SupplyData",
    "TriangularLeadTime",
    "UsdPriceBreak",
    "choose_offer",
    "domestic_content",
    "expand_bom",
    "family_for",
    "flatten",
    "load_supply_data",
    "read_rates",
    "read_rules",
    "rollup",
]
