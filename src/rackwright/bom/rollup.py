"""Roll a BOM up: cost (attrition included) by part and subsystem.

Which offer prices a part is a policy: the cheapest offer that can ship in the year, or the
cheapest domestic one where any can (falling back to the cheapest). The sourcing optimizer makes
the real choice; this gives the BOM a default.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
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
    """A rack's cost roll-up for one year and offer policy (weight and power: the rack stage)."""

    rack_id: str
    year: int
    policy: Policy
    volume_racks: int
    lines: tuple[CostLine, ...]

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
    sites_by_category: Mapping[str, Collection[str]] | None = None,
) -> Rollup:
    """Cost every part of ``bom`` in ``year`` under ``policy``, for a lot of ``volume_racks``.

    Without ``racks_per_quarter`` each part comes from the one offer the policy picks. With it,
    a part's quarterly need (qty per rack x racks per quarter) is filled greedily in policy order
    (cheapest first; domestic offers first under ``Policy.DOMESTIC``) up to each offer's
    capacity, so one part may have several lines; a need no set of offers covers is booked on
    the first offer and flagged ``capacity_ok = False``. The sourcing optimizer makes the real,
    multi-period choice. ``sites_by_category`` keeps a category's parts at the named sites (a
    plan integrates racks at its own sites, whatever another site would charge).
    """
    if volume_racks < 1:
        raise InfeasibleError("volume must be at least one rack", value=volume_racks)
    if racks_per_quarter is not None and racks_per_quarter < 0:
        raise InfeasibleError("racks per quarter must not be negative", value=racks_per_quarter)
    lines: list[CostLine] = []
    for row in flatten(bom):
        offers = _able(row, supply, year, (sites_by_category or {}).get(row.category))
        order = row.qty_per_rack * volume_racks
        if racks_per_quarter is None:
            chosen = choose_offer(offers, order, policy, domestic_countries)
            lines.append(_line(row, chosen, row.qty_per_rack, order, capacity_ok=True))
            continue
        ranked = _ranked(offers, order, policy, domestic_countries)
        need = row.qty_per_rack * racks_per_quarter
        fills: list[tuple[Offer, float]] = []
        left = need
        for offer in ranked:
            if left <= 0:
                break
            take = min(left, offer.capacity_per_quarter(year))
            if take > 0:
                fills.append((offer, take))
                left -= take
        if need <= 0 or not fills:
            fills = [(ranked[0], need)]
        elif left > 0:
            fills[0] = (fills[0][0], fills[0][1] + left)
        for offer, take in fills:
            share = take / need if need > 0 else 1.0
            lines.append(_line(row, offer, row.qty_per_rack * share, order, capacity_ok=left <= 0))
    return Rollup(
        rack_id=bom.rack_id,
        year=year,
        policy=policy,
        volume_racks=volume_racks,
        lines=tuple(lines),
    )


def _able(
    row: PartDemand, supply: SupplyData, year: int, sites: Collection[str] | None = None
) -> list[Offer]:
    offers = supply.offers_in(row.part_id, year)
    if sites is not None:
        offers = [o for o in offers if o.site_id in sites]
        if not offers:
            raise InfeasibleError(
                f"part '{row.part_id}' ({row.category}) has no offer at the plan's sites "
                f"{', '.join(sorted(sites))} able to ship in {year}",
                field="site",
                value=year,
            )
    if not offers:
        sites = ", ".join(
            f"{o.site_id} from {o.first_year}" for o in supply.offers_for(row.part_id)
        )
        raise InfeasibleError(
            f"part '{row.part_id}' has no offer able to ship in {year} (offers: {sites})",
            field="year",
            value=year,
        )
    return offers


def _ranked(
    offers: list[Offer], order: float, policy: Policy, domestic_countries: Collection[str]
) -> list[Offer]:
    def key(offer: Offer) -> tuple[bool, float, str]:
        foreign = policy is Policy.DOMESTIC and offer.country not in domestic_countries
        return (foreign, offer.unit_cost_usd(order), offer.offer_id)

    return sorted(offers, key=key)


def _line(
    row: PartDemand, offer: Offer, qty_per_rack: float, order: float, *, capacity_ok: bool
) -> CostLine:
    unit = offer.unit_cost_usd(order)
    return CostLine(
        part_id=row.part_id,
        name=row.name,
        subsystem=row.subsystem,
        category=row.category,
        kind=row.kind,
        qty_per_rack=qty_per_rack,
        unit_cost_usd=unit,
        extended_cost_usd=unit * qty_per_rack,
        offer_id=offer.offer_id,
        maker=offer.maker,
        site_id=offer.site_id,
        country=offer.country,
        capacity_ok=capacity_ok,
    )
