"""What the factory needs to know about a rack design, read from the typed catalog.

Power and GPU count are the rack engine's figures (``rack.analysis.analyze``: summed from the
rack's components), tray counts come from its component list, so a change to a rack design
flows to its cycle times, test durations and test-bay load without an edit to the factory data.
"""

from __future__ import annotations

from dataclasses import dataclass

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.models import ComponentKind
from rackwright.factory.spec import WorkUnit
from rackwright.rack.analysis import analyze


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


def rack_product(catalog: Catalog, rack_id: str) -> RackProduct:
    """The factory's view of catalog rack ``rack_id``."""
    rack = catalog.rack(rack_id)
    analysis = analyze(rack, catalog)
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
        price_usd=rack.price_usd,
    )


def rack_products(catalog: Catalog, rack_ids: list[str]) -> dict[str, RackProduct]:
    """``rack_product`` for each id, by id."""
    return {rack_id: rack_product(catalog, rack_id) for rack_id in dict.fromkeys(rack_ids)}
