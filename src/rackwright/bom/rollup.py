"""Roll a BOM up: cost (attrition included) by part and subsystem, weight and power.

Which offer prices a part is a policy: the cheapest offer that can ship in the year, or the
cheapest domestic one where any can (falling back to the cheapest). The sourcing optimizer makes
the real choice; this gives the BOM a default.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from rackwright.bom.expand import Bom, PartDemand, flatten
from rackwright.bom.models import PartKind, Subsystem
from rackwright.bom.supply import Offer, SupplyData
from rackwright.errors import InfeasibleError


class Policy(StrEnum):
    """How the roll-up picks one offer per part."""

    CHEAPEST = "cheapest"
    DOMESTIC = "domestic"


@dataclass(frozen=True)
class CostLine:
    """One part's contribution to a rack's cost, with the offer (and so origin) behind it."""

    part_id: str
    name: str
    subsystem: Subsystem
    category: str
    kind: PartKind
    qty_per_rack: float
    unit_cost_usd: float
    extended_cost_usd: float
    offer_id: str
    maker: str
    site_id: str
    country: str
    capacity_ok: bool = True


@dataclass(frozen=True)
class Rollup:
    """A rack's cost, weight and power roll-up for one year and offer policy."""

    rack_id: str
    year: int
    policy: Policy
    volume_racks: int
    lines: tuple[CostLine, ...]
    weight_kg: float
    power_typical_w: float
    power_max_w: float

    @property
    def total_cost_usd(self) -> float:
        """Sum of every line's extended cost."""
        return sum(line.extended_cost_usd for line in self.lines)

    def cost_by_subsystem(self) -> dict[Subsystem, float]:
        """Extended cost per subsystem (every subsystem present, zero where empty)."""
        totals = dict.fromkeys(Subsystem, 0.0)
        for line in self.lines:
            totals[line.subsystem] += line.extended_cost_usd
        return totals


def choose_offer(
    offers: list[Offer],
    qty: float,
    policy: Policy,
    domestic_countries: Collection[str] = ("US",),
) -> Offer:
    """The offer ``policy`` picks among ``offers`` (all able to ship) for an order of ``qty``."""
    pool = offers
    if policy is Policy.DOMESTIC:
        domestic = [o for o in offers if o.country in domestic_countries]
        pool = domestic or offers
    return min(pool, key=lambda o: (o.unit_cost_usd(qty), o.offer_id))


def rollup(
    bom: Bom,
    supply: SupplyData,
    *,
    year: int,
    policy: Policy = Policy.CHEAPEST,
    volume_racks: int = 1,
    domestic_countries: Collection[str] = ("US",),
    racks_per_quarter: float | None = None,
) -> Rollup:
    """Cost every part of ``bom`` in ``year`` under ``policy``, for a lot of ``volume_racks``.

    With ``racks_per_quarter`` an offer is eligible only when it alone can supply that build
    rate; a part no single offer can supply falls back to every offer and is flagged
    ``capacity_ok = False`` (splitting demand across offers is the sourcing optimizer's job).
    """
    if volume_racks < 1:
        raise InfeasibleError("volume must be at least one rack", value=volume_racks)
    if racks_per_quarter is not None and racks_per_quarter < 0:
        raise InfeasibleError("racks per quarter must not be negative", value=racks_per_quarter)
    lines = [
        _cost_line(row, supply, year, policy, volume_racks, domestic_countries, racks_per_quarter)
        for row in flatten(bom)
    ]
    return Rollup(
        rack_id=bom.rack_id,
        year=year,
        policy=policy,
        volume_racks=volume_racks,
        lines=tuple(lines),
        weight_kg=bom.weight_kg,
        power_typical_w=bom.power_typical_w,
        power_max_w=bom.power_max_w,
    )


def _cost_line(
    row: PartDemand,
    supply: SupplyData,
    year: int,
    policy: Policy,
    volume_racks: int,
    domestic_countries: Collection[str],
    racks_per_quarter: float | None,
) -> CostLine:
    offers = supply.offers_in(row.part_id, year)
    if not offers:
        sites = ", ".join(
            f"{o.site_id} from {o.first_year}" for o in supply.offers_for(row.part_id)
        )
        raise InfeasibleError(
            f"part '{row.part_id}' has no offer able to ship in {year} (offers: {sites})",
            field="year",
            value=year,
        )
    capacity_ok = True
    if racks_per_quarter is not None:
        need = row.qty_per_rack * racks_per_quarter
        able = [o for o in offers if o.capacity_per_quarter(year) >= need]
        capacity_ok = bool(able)
        offers = able or offers
    order = row.qty_per_rack * volume_racks
    offer = choose_offer(offers, order, policy, domestic_countries)
    unit = offer.unit_cost_usd(order)
    return CostLine(
        part_id=row.part_id,
        name=row.name,
        subsystem=row.subsystem,
        category=row.category,
        kind=row.kind,
        qty_per_rack=row.qty_per_rack,
        unit_cost_usd=unit,
        extended_cost_usd=unit * row.qty_per_rack,
        offer_id=offer.offer_id,
        maker=offer.maker,
        site_id=offer.site_id,
        country=offer.country,
        capacity_ok=capacity_ok,
    )
