"""Adapter: the scenario's build plan and the BOM's offers -> a ``SourcingProblem``.

Demand per part and quarter is racks built x the part's quantity per rack (attrition included);
offers carry USD price breaks, MOQ, order multiple, mean lead time rounded up to whole quarters,
capacity per quarter of each year, the duty rate of each arrival quarter under the chosen tariff
scenario (``rackwright.tariffs``: the part's HTS line from the site's country, the rules in force
that quarter), freight to the scenario's U.S. sites, and the part's qualification cost.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

from rackwright.bom import SupplyData, expand_bom
from rackwright.bom.expand import PartDemand, flatten
from rackwright.bom.supply import Offer
from rackwright.catalog.catalog import Catalog
from rackwright.errors import InputError
from rackwright.scenario import Scenario
from rackwright.sourcing.problem import (
    SourcingOffer,
    SourcingPart,
    SourcingProblem,
    period_index,
    quarters,
)
from rackwright.sourcing.rules import SourcingRules
from rackwright.sourcing.tariffs import Logistics
from rackwright.tariffs import TariffRules, sourcing_duties

QUARTER_S = 13 * 604800.0


def plan_periods(scenario: Scenario) -> tuple[str, ...]:
    """Every quarter from the first build to the last."""
    if not scenario.builds:
        raise InputError("the scenario has no [[build]] lots to source", field="build")
    ordered = sorted(scenario.builds, key=lambda b: period_index(b.period))
    return quarters(ordered[0].period, ordered[-1].period)


def part_demand(
    scenario: Scenario,
    catalog: Catalog,
    supply: SupplyData,
    periods: tuple[str, ...],
    parts_by_rack: Mapping[str, Sequence[PartDemand]] | None = None,
) -> tuple[dict[str, PartDemand], dict[str, list[float]]]:
    """Part rows and their demand per period over the scenario's builds.

    ``parts_by_rack`` gives each rack's flattened BOM (the BOM stage's); a rack it lacks is
    expanded here (single commands that run no BOM stage).
    """
    index = {label: i for i, label in enumerate(periods)}
    rows: dict[str, PartDemand] = {}
    demand: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(periods))
    per_rack: dict[str, Sequence[PartDemand]] = dict(parts_by_rack or {})
    for lot in scenario.builds:
        if lot.rack not in per_rack:
            per_rack[lot.rack] = flatten(expand_bom(catalog.rack(lot.rack), catalog, supply))
        for row in per_rack[lot.rack]:
            rows.setdefault(row.part_id, row)
            demand[row.part_id][index[lot.period]] += lot.racks * row.qty_per_rack
    return rows, dict(demand)


def problem_from_scenario(
    scenario: Scenario,
    catalog: Catalog,
    supply: SupplyData,
    *,
    tariffs: TariffRules,
    tariff_policy: str,
    logistics: Logistics,
    domestic_floor: float | None = None,
    soft_domestic_floor: bool = False,
    max_foreign_share: float | None = None,
    rules: SourcingRules,
    parts_by_rack: Mapping[str, Sequence[PartDemand]] | None = None,
) -> SourcingProblem:
    """The sourcing problem of ``scenario``'s build plan under one tariff policy.

    ``domestic_floor`` replaces the scenario's targets (one share for every period) when given;
    ``rules`` (``PlanInputs.sourcing_rules``) set dual sourcing, stock and caps;
    ``parts_by_rack`` hands in the BOM stage's flattened BOMs instead of expanding them again.
    """
    periods = plan_periods(scenario)
    duties = sourcing_duties(tariffs, tariff_policy)
    rows, demand = part_demand(scenario, catalog, supply, periods, parts_by_rack)
    destinations = {s.site: s.racks_per_week for s in scenario.sites}
    parts: list[SourcingPart] = []
    offers: list[SourcingOffer] = []
    for part_id, row in sorted(rows.items()):
        part = supply.part(part_id)
        parts.append(
            SourcingPart(
                part_id=part_id,
                name=row.name,
                category=row.category,
                subsystem=str(row.subsystem),
                tariff_class=duties.hts_of(part_id, row.category),
                critical=row.critical,
                demand=tuple(demand[part_id]),
            )
        )
        for offer in supply.offers_for(part_id):
            offers.append(
                _offer(
                    offer,
                    part.weight_kg,
                    str(row.subsystem),
                    duties.rates_by_quarter(row.category, offer, periods),
                    periods,
                    logistics,
                    destinations,
                )
            )
    floors = tuple(
        domestic_floor if domestic_floor is not None else scenario.domestic_target(int(p[:4]))
        for p in periods
    )
    if max_foreign_share is not None:
        rules = dataclasses.replace(rules, max_foreign_share=max_foreign_share)
    return SourcingProblem(
        periods=periods,
        parts=tuple(parts),
        offers=tuple(offers),
        policy=rules.policy(floors, soft_floor=soft_domestic_floor),
    ).check()


def _offer(
    offer: Offer,
    weight_kg: float,
    subsystem: str,
    duty_rates: tuple[float, ...],
    periods: tuple[str, ...],
    logistics: Logistics,
    destinations: dict[str, float],
) -> SourcingOffer:
    lead = max(math.ceil(offer.lead_time.mean_s / QUARTER_S - 1e-9), 0)
    return SourcingOffer(
        offer_id=offer.offer_id,
        part_id=offer.part_id,
        site_id=offer.site_id,
        site_name=offer.site_name,
        country=offer.country,
        tiers=tuple(offer.price_breaks),
        moq=offer.moq,
        order_multiple=offer.order_multiple,
        lead_periods=lead,
        capacity=tuple(offer.capacity_per_quarter(int(p[:4])) for p in periods),
        tariff_rate=sum(duty_rates) / len(duty_rates),
        tariff_by_period=duty_rates,
        freight_usd_per_unit=logistics.freight_usd_per_unit(offer.country, weight_kg, destinations),
        qualification_usd=logistics.qualification_usd(subsystem),
    )
