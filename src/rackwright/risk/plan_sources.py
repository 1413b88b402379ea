"""What the plan's risk network reads from the sourcing plan: sites per part, stock, prices.

Pure helpers over the sourcing result's public fields (``orders``, ``qualified``) and the BOM
stage's roll-ups (the sites when there is no plan; the unit prices of sites the plan does not
order from). Quarters are ``2027Q1`` labels, which order as text.

Inventory follows assumption ARISK08: the integrator's stock of a part at the window's start is
what arrived before the window quarter less what the builds before it used; of the window
quarter's arrivals ordered before it, one week's worth from overseas sites has already shipped
(air freight) and survives a failure of its supplier; the rest of the lead-time pipeline is still
at the supplier and fails with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rackwright.bom.expand import PartDemand
from rackwright.bom.models import PartKind
from rackwright.bom.stage import GenerationBom
from rackwright.bom.supply import Offer, SupplyData
from rackwright.scenario import BuildLot
from rackwright.sourcing.result import OrderLine, SourcingResult

WEEKS_PER_QUARTER = 13.0
TRANSIT_WEEKS_OVERSEAS = 1.0  # air freight door to door (ARISK08, logistics L-A1)
NORTH_AMERICA = frozenset({"US", "MX", "CA"})  # trucked in a day or two: nothing counted
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class SiteSource:
    """One part from one site: the offers behind it and whether the plan buys there."""

    part: str
    site: str
    country: str
    offers: tuple[Offer, ...]
    bought: bool


def offer_index(supply: SupplyData) -> dict[str, Offer]:
    """Every offer by id."""
    return {o.offer_id: o for offers in supply.offers.values() for o in offers}


def plan_offer_ids(plan: SourcingResult) -> tuple[set[str], set[str]]:
    """(offers the plan orders from, offers it qualified) by id."""
    return {o.offer_id for o in plan.orders}, set(plan.qualified)


def bom_offer_ids(generations: Iterable[GenerationBom]) -> set[str]:
    """The offers the BOM stage's cheapest and U.S.-first roll-ups chose (no plan to read)."""
    return {
        line.offer_id
        for g in generations
        for rollup in (g.baseline, g.reachable)
        for line in rollup.lines
    }


def site_sources(
    chosen: set[str], bought: set[str], offers: Mapping[str, Offer], parts: Iterable[str]
) -> dict[str, list[SiteSource]]:
    """Per part of ``parts``: its chosen offers grouped by site, in site order."""
    wanted = set(parts)
    by_site: dict[tuple[str, str], list[Offer]] = defaultdict(list)
    for offer_id in sorted(chosen):
        offer = offers.get(offer_id)
        if offer is not None and offer.part_id in wanted:
            by_site[(offer.part_id, offer.site_id)].append(offer)
    out: dict[str, list[SiteSource]] = defaultdict(list)
    for (part, site), found in sorted(by_site.items()):
        out[part].append(
            SiteSource(
                part=part,
                site=site,
                country=found[0].country,
                offers=tuple(found),
                bought=any(o.offer_id in bought for o in found),
            )
        )
    return dict(out)


def weekly_capacity(source: SiteSource, year: int) -> float:
    """Units a week the site's chosen offers can ship in ``year`` (quarterly capacity / 13)."""
    return sum(o.capacity_per_quarter(year) for o in source.offers) / WEEKS_PER_QUARTER


def in_transit(
    orders: Sequence[OrderLine], window: str, parts: Mapping[str, PartDemand]
) -> dict[tuple[str, str], float]:
    """Units per (part, site) already shipped at the window's start (ARISK08)."""
    out: dict[tuple[str, str], float] = defaultdict(float)
    for o in orders:
        if o.arrival_period != window or o.order_period >= window:
            continue
        if o.country in NORTH_AMERICA or _service(parts, o.part_id):
            continue
        out[(o.part_id, o.site_id)] += o.qty * TRANSIT_WEEKS_OVERSEAS / WEEKS_PER_QUARTER
    return dict(out)


def scheduled_in_window(orders: Sequence[OrderLine], window: str) -> float:
    """Units due in the window quarter that were ordered before it (the lead-time pipeline)."""
    return sum(o.qty for o in orders if o.arrival_period == window and o.order_period < window)


def on_hand(
    orders: Sequence[OrderLine],
    builds: Sequence[BuildLot],
    per_rack: Mapping[str, Mapping[str, float]],
    window: str,
    parts: Mapping[str, PartDemand],
) -> dict[str, float]:
    """Units of each part at the integrator at the window's start (never below 0)."""
    arrived: dict[str, float] = defaultdict(float)
    for o in orders:
        if o.arrival_period < window:
            arrived[o.part_id] += o.qty
    used: dict[str, float] = defaultdict(float)
    for lot in builds:
        if lot.period < window:
            for part, qty in per_rack.get(lot.rack, {}).items():
                used[part] += lot.racks * qty
    stock = {p: arrived[p] - used.get(p, 0.0) for p in arrived if not _service(parts, p)}
    # order multiples leave fractions of a unit: whole units only
    return {p: float(int(units)) for p, units in stock.items() if units >= 1.0}


def order_unit_costs(orders: Sequence[OrderLine]) -> dict[tuple[str, str], float]:
    """Average unit price per (part, site) over the plan's orders (purchase price, USD)."""
    spend: dict[tuple[str, str], float] = defaultdict(float)
    qty: dict[tuple[str, str], float] = defaultdict(float)
    for o in orders:
        spend[(o.part_id, o.site_id)] += o.qty * o.unit_cost_usd
        qty[(o.part_id, o.site_id)] += o.qty
    return {k: spend[k] / qty[k] for k in spend if qty[k] > 0}


def bom_unit_costs(
    generations: Iterable[GenerationBom],
) -> tuple[dict[tuple[str, str], float], dict[str, float]]:
    """The BOM stage's unit prices: average per (part, site) over the cheapest and U.S.-first
    roll-ups' lines, and per part the cheapest roll-up's (for a site the BOM did not price)."""
    by_site: dict[tuple[str, str], list[float]] = defaultdict(list)
    by_part: dict[str, list[float]] = defaultdict(list)
    for g in generations:
        for line in g.baseline.lines:
            by_part[line.part_id].append(line.unit_cost_usd)
        for rollup in (g.baseline, g.reachable):
            for line in rollup.lines:
                by_site[(line.part_id, line.site_id)].append(line.unit_cost_usd)
    return _means(by_site), _means(by_part)


def _means(values: Mapping[K, Sequence[float]]) -> dict[K, float]:
    return {k: sum(v) / len(v) for k, v in values.items() if v}


def _service(parts: Mapping[str, PartDemand], part_id: str) -> bool:
    """Services (integration labour) cannot be stocked or shipped ahead."""
    row = parts.get(part_id)
    return row is not None and row.kind is PartKind.SERVICE
