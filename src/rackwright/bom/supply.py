"""Validated supply data and the USD offer view the sourcing optimizer consumes."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from rackwright.bom.models import (
    WEEK_S,
    Assembly,
    CapacityStep,
    Expansion,
    Family,
    LeadTime,
    ManufacturerPart,
    OfferSpec,
    Part,
)
from rackwright.catalog.models import Confidence, Source
from rackwright.errors import InputError, UnknownIdError


@dataclass(frozen=True)
class UsdPriceBreak:
    """Unit price in USD from an order quantity up."""

    min_qty: int
    unit_cost_usd: float


@dataclass(frozen=True)
class Offer:
    """One way to buy a part: maker, site, origin, USD price breaks, MOQ, lead time, capacity.

    ``capacity_per_quarter(year)`` is zero before the site operates (planned U.S. sites ship
    nothing until their operating year).
    """

    offer_id: str
    part_id: str
    mpart_id: str
    mpn: str
    maker: str
    supplier: str
    site_id: str
    site_name: str
    country: str
    planned_site: bool
    site_operating_from_year: int
    currency: str
    price_breaks: tuple[UsdPriceBreak, ...]
    moq: int
    order_multiple: int
    lead_time: LeadTime
    capacity: tuple[CapacityStep, ...]
    sources: tuple[str, ...]
    confidence: Confidence

    def order_qty(self, qty: float) -> int:
        """The quantity actually ordered for a need of ``qty``: at least MOQ, whole multiples."""
        need = max(float(qty), float(self.moq))
        multiples = -(-need // self.order_multiple)
        return int(multiples) * self.order_multiple

    def unit_cost_usd(self, qty: float) -> float:
        """Unit price in USD at the break an order of ``qty`` reaches."""
        ordered = self.order_qty(qty)
        index = bisect.bisect_right([b.min_qty for b in self.price_breaks], ordered) - 1
        return self.price_breaks[max(index, 0)].unit_cost_usd

    def capacity_per_quarter(self, year: int) -> float:
        """Units per quarter this offer can ship in ``year`` (0 before the site operates)."""
        if year < self.site_operating_from_year:
            return 0.0
        units = 0.0
        for step in self.capacity:
            if step.from_year <= year:
                units = step.units_per_quarter
        return units

    @property
    def first_year(self) -> int | None:
        """The first year the offer can ship anything (None when it never can)."""
        for step in self.capacity:
            if step.units_per_quarter > 0:
                return max(step.from_year, self.site_operating_from_year)
        return None

    def available(self, year: int) -> bool:
        """True when the offer can ship anything in ``year``."""
        return self.capacity_per_quarter(year) > 0

    @property
    def lead_time_mean_weeks(self) -> float:
        """Expected lead time in weeks, for display."""
        return self.lead_time.mean_s / WEEK_S


@dataclass(frozen=True)
class SupplyData:
    """Every part, manufacturer part, offer, assembly, expansion and family, cross-checked."""

    parts: dict[str, Part]
    mparts: dict[str, ManufacturerPart]
    offer_specs: dict[str, OfferSpec]
    offers: dict[str, tuple[Offer, ...]]
    assemblies: dict[str, Assembly]
    expansions: tuple[Expansion, ...]
    families: dict[str, Family]
    usd_per_unit: dict[str, float]
    sources: dict[str, Source]
    origins: dict[str, str] = field(default_factory=dict)

    def part(self, part_id: str) -> Part:
        """The part ``part_id``."""
        found = self.parts.get(part_id)
        if found is None:
            raise UnknownIdError(f"unknown part id '{part_id}'", field="part", value=part_id)
        return found

    def offers_for(self, part_id: str) -> list[Offer]:
        """Every offer for ``part_id`` (all makers and sites), prices already in USD."""
        self.part(part_id)
        return list(self.offers.get(part_id, ()))

    def offers_in(self, part_id: str, year: int) -> list[Offer]:
        """The offers for ``part_id`` that can ship in ``year``."""
        return [o for o in self.offers_for(part_id) if o.available(year)]

    def to_usd(self, amount: float, currency: str, *, where: str = "") -> float:
        """Convert ``amount`` of ``currency`` to USD; an unknown currency is an error."""
        rate = self.usd_per_unit.get(currency)
        if rate is None:
            raise InputError(
                f"{where + ': ' if where else ''}currency '{currency}' has no rate; "
                f"known: {', '.join(sorted(self.usd_per_unit))}",
                field="currency",
                value=currency,
            )
        return amount * rate


SUPPLY_BASE_YEAR = 2025


def default_year(year_available: int) -> int:
    """The year a rack is priced in by default: its first year, but not before the offers' base.

    The offers describe the 2025 supply base (with planned sites later), not past markets.
    """
    return max(year_available, SUPPLY_BASE_YEAR)
