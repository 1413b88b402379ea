"""What the factory needs to know about a rack design.

Power and GPU count are the rack stage's figures (``RackAnalysis``: summed from the rack's
components) and the rack's cost is the BOM stage's, both handed in; tray counts come from the
catalog design's component list. So a change to a rack design flows to its cycle times, test
durations, test-bay load and carrying cost without an edit to the factory data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.models import ComponentKind
from rackwright.factory.spec import WorkUnit
from rackwright.rack.analysis import analyze
from rackwright.rack.results import RackAnalysis


@dataclass(frozen=True)
class RackProduct:
    """One rack design as the factory sees it."""

    rack_id: str
    generation: int
    power_max_w: float
    gpus_count: int
    compute_trays_count: int
    switch_trays_count: int
    price_usd: float

    def units(self, unit: WorkUnit) -> int:
        """How many work units of ``unit`` one rack holds (at least one)."""
        if unit is WorkUnit.COMPUTE_TRAY:
            count = self.compute_trays_count
        elif unit is WorkUnit.SWITCH_TRAY:
            count = self.switch_trays_count
        elif unit is WorkUnit.TRAY:
            count = self.compute_trays_count + self.switch_trays_count
        else:
            count = 1
        return max(count, 1)


def rack_product(catalog: Catalog, analysis: RackAnalysis, cost_usd: float) -> RackProduct:
    """The factory's view of a rack: its engineered figures, its cost and its trays."""
    rack = catalog.rack(analysis.rack_id)
    trays = {ComponentKind.COMPUTE_TRAY: 0.0, ComponentKind.SWITCH_TRAY: 0.0}
    for line in rack.components:
        kind = catalog.component(line.component).component_kind
        if kind in trays:
            trays[kind] += line.qty
    return RackProduct(
        rack_id=rack.id,
        generation=rack.generation,
        power_max_w=analysis.power_max_w,
        gpus_count=analysis.gpus_count,
        compute_trays_count=round(trays[ComponentKind.COMPUTE_TRAY]),
        switch_trays_count=round(trays[ComponentKind.SWITCH_TRAY]),
        price_usd=cost_usd,
    )


def rack_products(
    catalog: Catalog, analyses: Mapping[str, RackAnalysis], costs: Mapping[str, float]
) -> dict[str, RackProduct]:
    """``rack_product`` for each rack the analyses cover, by id (a cost for each is required)."""
    return {rid: rack_product(catalog, a, costs[rid]) for rid, a in analyses.items()}


def catalog_products(catalog: Catalog, rack_ids: list[str]) -> dict[str, RackProduct]:
    """Outside a plan (engine tests, benchmarks): each rack's engineered figures, priced at the
    catalog's labelled list price. A plan prices racks from its BOM stage instead."""
    ids = list(dict.fromkeys(rack_ids))
    analyses = {r: analyze(catalog.rack(r), catalog) for r in ids}
    return rack_products(catalog, analyses, {r: catalog.rack(r).price_usd for r in ids})
