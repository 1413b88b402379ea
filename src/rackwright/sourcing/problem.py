"""The sourcing problem: parts with demand per quarter, offers per part and site, and policy.

Everything here is plain typed data already in USD and units (landed-cost inputs such as the
tariff rate and freight per unit are resolved before the model is built). ``SourcingProblem``
checks its own consistency and raises one-line ``InputError``s that name the bad item.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from rackwright.bom.supply import UsdPriceBreak
from rackwright.errors import InputError

DOMESTIC_COUNTRY = "US"
_PERIOD = re.compile(r"^(\d{4})Q([1-4])$")


def period_index(label: str) -> int:
    """``"2027Q3"`` -> a running quarter number (year * 4 + quarter - 1)."""
    match = _PERIOD.match(label)
    if match is None:
        raise InputError("period must look like 2027Q1", field="period", value=label)
    return int(match.group(1)) * 4 + int(match.group(2)) - 1


def period_label(index: int) -> str:
    """The inverse of ``period_index``."""
    return f"{index // 4}Q{index % 4 + 1}"


def quarters(first: str, last: str) -> tuple[str, ...]:
    """Every quarter from ``first`` to ``last`` inclusive."""
    start, end = period_index(first), period_index(last)
    if end < start:
        raise InputError(f"period range ends before it starts ({first})", value=last)
    return tuple(period_label(i) for i in range(start, end + 1))


# An all-units price break (an order of at least ``min_qty`` pays ``unit_cost_usd`` per unit) is
# the BOM's own type: sourcing buys from the BOM's offers, so one definition serves both.
PriceTier = UsdPriceBreak


@dataclass(frozen=True)
class SourcingPart:
    """A part to buy: demand per period (units), class for tariffs, and the dual-source flag."""

    part_id: str
    name: str
    category: str
    subsystem: str
    tariff_class: str
    critical: bool
    demand: tuple[float, ...]
    initial_inventory: float = 0.0


@dataclass(frozen=True)
class SourcingOffer:
    """One part from one supplier site, with landed-cost terms resolved to USD per unit.

    ``capacity`` is the units the offer can deliver in each period of the problem.
    ``lead_periods`` quarters pass between order and arrival. ``tariff_by_period`` is the duty
    rate of an order arriving in each period (the rules in force that quarter); empty means
    ``tariff_rate`` in every period.
    """

    offer_id: str
    part_id: str
    site_id: str
    site_name: str
    country: str
    tiers: tuple[PriceTier, ...]
    moq: int
    order_multiple: int
    lead_periods: int
    capacity: tuple[float, ...]
    tariff_rate: float
    freight_usd_per_unit: float
    qualification_usd: float
    tariff_by_period: tuple[float, ...] = ()

    def tariff_rates(self, periods: int) -> tuple[float, ...]:
        """The duty rate of an order arriving in each of ``periods`` periods."""
        return self.tariff_by_period or (self.tariff_rate,) * periods

    @property
    def domestic(self) -> bool:
        """True when the site is in the United States."""
        return self.country == DOMESTIC_COUNTRY


class DualSourceScope(StrEnum):
    """Where the dual-source rule of a critical part applies.

    ``OPEN_QUARTERS``: only in the quarters in which at least ``dual_source_min_sites`` of the
    part's supplier sites are open (have capacity); a rule that needs a second source cannot bind
    before one exists. ``WHOLE_HORIZON``: in every quarter, whether or not a second site is open.
    """

    OPEN_QUARTERS = "open-quarters"
    WHOLE_HORIZON = "whole-horizon"


@dataclass(frozen=True)
class SourcingPolicy:
    """Rules the plan must respect.

    ``domestic_floor`` is the minimum U.S. share of purchase spend per period; when
    ``soft_domestic_floor`` is set a shortfall is allowed at ``shortfall_penalty_per_usd`` per
    USD of missing domestic spend and reported. ``country_caps`` bounds any one country's share
    of spend per period (``max_foreign_share`` applies to every non-U.S. country without its own
    cap). Critical parts need ``dual_source_min_sites`` qualified sites, each taking at least
    ``dual_source_min_share`` of the part's units in the quarters where the rule applies
    (``dual_source_scope``; by default those in which that many of the part's sites are open).
    ``dual_source_min_sites`` of 0 or 1 switches the rule off.
    """

    domestic_floor: tuple[float, ...]
    soft_domestic_floor: bool = False
    shortfall_penalty_per_usd: float = 0.5
    max_foreign_share: float = 1.0
    country_caps: Mapping[str, float] = field(default_factory=dict)
    dual_source_min_sites: int = 2
    dual_source_min_share: float = 0.2
    dual_source_scope: DualSourceScope = DualSourceScope.OPEN_QUARTERS
    holding_rate_per_period: float = 0.02
    order_lead_in_periods: int = 4


@dataclass(frozen=True)
class SourcingProblem:
    """Parts x offers x periods, plus the policy. Construct, then call ``check()``."""

    periods: tuple[str, ...]
    parts: tuple[SourcingPart, ...]
    offers: tuple[SourcingOffer, ...]
    policy: SourcingPolicy

    def check(self) -> SourcingProblem:
        """Raise InputError naming the first inconsistent item; return self when sound."""
        n = len(self.periods)
        if n == 0:
            raise InputError("a sourcing problem needs at least one period", field="periods")
        for label in self.periods:
            period_index(label)
        if len(self.policy.domestic_floor) != n:
            raise InputError(
                f"domestic_floor has {len(self.policy.domestic_floor)} values for {n} periods",
                field="domestic_floor",
            )
        for share in self.policy.domestic_floor:
            _fraction("domestic_floor", share)
        _fraction("max_foreign_share", self.policy.max_foreign_share)
        _fraction("dual_source_min_share", self.policy.dual_source_min_share)
        if self.policy.dual_source_min_sites < 0:
            raise InputError(
                "dual_source_min_sites must be 0 or more",
                field="dual_source_min_sites",
                value=self.policy.dual_source_min_sites,
            )
        if self.policy.dual_source_min_sites * self.policy.dual_source_min_share > 1.0:
            raise InputError(
                f"{self.policy.dual_source_min_sites} sites cannot each take "
                f"{self.policy.dual_source_min_share:.0%} of a part",
                field="dual_source_min_share",
                value=self.policy.dual_source_min_share,
            )
        for country, cap in self.policy.country_caps.items():
            _fraction(f"country_caps.{country}", cap)
        parts: set[str] = set()
        for part in self.parts:
            if part.part_id in parts:
                raise InputError("duplicate part id", field="part", value=part.part_id)
            parts.add(part.part_id)
            if len(part.demand) != n:
                raise InputError(
                    f"part '{part.part_id}' demand has {len(part.demand)} values for {n} periods",
                    field="demand",
                )
            if any(not math.isfinite(d) or d < 0 for d in part.demand):
                raise InputError(
                    f"part '{part.part_id}' has a negative or non-finite demand",
                    field="demand",
                    value=part.demand,
                )
        offers: set[str] = set()
        for offer in self.offers:
            where = f"offer '{offer.offer_id}'"
            if offer.offer_id in offers:
                raise InputError("duplicate offer id", field="offer", value=offer.offer_id)
            offers.add(offer.offer_id)
            if offer.part_id not in parts:
                raise InputError(f"{where} names unknown part", field="part", value=offer.part_id)
            if len(offer.capacity) != n:
                raise InputError(f"{where} capacity needs {n} values", field="capacity")
            if any(not math.isfinite(c) or c < 0 for c in offer.capacity):
                raise InputError(f"{where} has a negative capacity", field="capacity")
            if not offer.tiers or [t.min_qty for t in offer.tiers] != sorted(
                {t.min_qty for t in offer.tiers}
            ):
                raise InputError(f"{where} needs price tiers with ascending min_qty", field="tiers")
            if any(t.unit_cost_usd <= 0 or t.min_qty < 1 for t in offer.tiers):
                raise InputError(f"{where} has a non-positive price or quantity", field="tiers")
            if offer.moq < 1 or offer.order_multiple < 1 or offer.lead_periods < 0:
                raise InputError(
                    f"{where} needs moq >= 1, order_multiple >= 1, lead >= 0", field="moq"
                )
            if offer.tariff_rate < 0 or offer.freight_usd_per_unit < 0:
                raise InputError(f"{where} has a negative tariff or freight", field="tariff_rate")
            if offer.tariff_by_period and (
                len(offer.tariff_by_period) != n or min(offer.tariff_by_period) < 0
            ):
                raise InputError(
                    f"{where} needs {n} non-negative tariff rates", field="tariff_by_period"
                )
            if offer.qualification_usd < 0:
                raise InputError(f"{where} has a negative qualification cost", field="qual")
        return self


def _fraction(name: str, value: float) -> None:
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise InputError(f"{name} must be a share between 0 and 1", field=name, value=value)
