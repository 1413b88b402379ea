"""What a sourcing plan pays in duties: by rule and family, per quarter, under each scenario, how
much of the domestic-content premium the duties offset, and a rack integrated in Mexico.

Pure: it takes the plan's orders and offers (anything shaped like the sourcing types, see the
Protocols) and the loaded rules, and returns frozen figures. The duty of an order is its purchase
value times the day-weighted rate of its arrival quarter (``quarters.py``), the rate the
optimizer priced it at; the figures by rule are the same sum split by the lines of that rate.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rackwright.tariffs.models import FAMILY_ORDER, Family, PartFacts, Rule, TariffRules
from rackwright.tariffs.quarters import OfferDuties, OfferLike, offer_duties, quarter_duty
from rackwright.tariffs.scenarios import CURRENT, rules_under, scenario_names

INTEGRATION_CATEGORY = "rack-integration"


class OrderLike(Protocol):
    """An order of the plan (``sourcing.result.OrderLine``)."""

    @property
    def part_id(self) -> str: ...
    @property
    def offer_id(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def arrival_period(self) -> str: ...
    @property
    def qty(self) -> float: ...
    @property
    def unit_cost_usd(self) -> float: ...


class TierLike(Protocol):
    """A price break of an offer."""

    @property
    def min_qty(self) -> int: ...
    @property
    def unit_cost_usd(self) -> float: ...


class PlanOfferLike(OfferLike, Protocol):
    """An offer of the plan's problem (``sourcing.problem.SourcingOffer``): id, part, origin
    (``OfferLike``) and its price breaks."""

    @property
    def tiers(self) -> Sequence[TierLike]: ...


@dataclass(frozen=True)
class RackParts:
    """One rack generation: its parts per rack and the quarters it is built in."""

    rack: str
    qty_per_rack: Mapping[str, float]
    periods: tuple[str, ...]


@dataclass(frozen=True)
class RuleDuty:
    """Duty paid under one rule over the horizon."""

    rule: str
    name: str
    family: Family
    usd: float


@dataclass(frozen=True)
class PremiumOffset:
    """A part bought in the U.S.: what it cost above the cheapest foreign offer, and the duty
    that foreign offer would have paid (the share of the premium the duties offset)."""

    part_id: str
    qty: float
    premium_usd: float
    duty_avoided_usd: float
    foreign_offer: str

    @property
    def offset_share(self) -> float:
        """Duty avoided over premium (1 or more: the duties alone pay for buying at home)."""
        return self.duty_avoided_usd / self.premium_usd if self.premium_usd > 0 else 0.0


@dataclass(frozen=True)
class ScenarioDuty:
    """The plan's orders re-priced under one policy scenario (same orders, other rules)."""

    scenario: str
    description: str
    usd: float
    by_family: Mapping[Family, float]


@dataclass(frozen=True)
class MexicoRack:
    """One rack imported as parts vs integrated in Mexico and entered whole (8471)."""

    rack: str
    period: str
    rack_value_usd: float
    parts_duty_usd: float
    mexico_usmca_duty_usd: float
    mexico_non_usmca_duty_usd: float


@dataclass(frozen=True)
class PlanDuties:
    """Every duty figure of one sourcing plan."""

    periods: tuple[str, ...]
    total_usd: float
    by_rule: tuple[RuleDuty, ...]
    by_family_period: Mapping[Family, tuple[float, ...]]
    premium: tuple[PremiumOffset, ...]
    scenarios: tuple[ScenarioDuty, ...]
    mexico: tuple[MexicoRack, ...]

    @property
    def by_family(self) -> dict[Family, float]:
        """Duty per family over the horizon."""
        return {f: sum(self.by_family_period.get(f, ())) for f in FAMILY_ORDER}

    def to_json(self) -> dict[str, Any]:
        """JSON form (the sourcing section's ``duties``)."""
        return {
            "total_usd": self.total_usd,
            "by_family_usd": {f.value: v for f, v in self.by_family.items()},
            "by_rule": [
                {"rule": r.rule, "name": r.name, "family": r.family.value, "usd": r.usd}
                for r in self.by_rule
            ],
            "by_family_period_usd": {
                f.value: dict(zip(self.periods, v, strict=True))
                for f, v in self.by_family_period.items()
            },
            "domestic_premium": [
                {
                    "part": p.part_id,
                    "qty": p.qty,
                    "premium_usd": p.premium_usd,
                    "duty_avoided_usd": p.duty_avoided_usd,
                    "offset_share": p.offset_share,
                    "foreign_offer": p.foreign_offer,
                }
                for p in self.premium
            ],
            "scenarios": [
                {
                    "scenario": s.scenario,
                    "description": s.description,
                    "usd": s.usd,
                    "by_family_usd": {f.value: v for f, v in s.by_family.items()},
                }
                for s in self.scenarios
            ],
            "mexico_integration": [m.__dict__ for m in self.mexico],
        }


def schedules(
    rules: Sequence[Rule],
    tariffs: TariffRules,
    offers: Iterable[PlanOfferLike],
    categories: Mapping[str, str],
    periods: Sequence[str],
) -> dict[str, OfferDuties]:
    """Each offer's duty per quarter under ``rules`` (``categories``: part id -> BOM category)."""
    return {
        o.offer_id: offer_duties(
            rules, tariffs.class_of(o.part_id, categories[o.part_id]), o, periods
        )
        for o in offers
    }


def duty_by_rule(
    orders: Iterable[OrderLike], duties: Mapping[str, OfferDuties], periods: Sequence[str]
) -> tuple[dict[str, float], dict[Family, list[float]], dict[str, Family]]:
    """USD per rule, USD per family and period, and each rule's family, over ``orders``."""
    index = {p: i for i, p in enumerate(periods)}
    usd: dict[str, float] = defaultdict(float)
    by_period: dict[Family, list[float]] = {f: [0.0] * len(periods) for f in FAMILY_ORDER}
    family: dict[str, Family] = {}
    for order in orders:
        a = index[order.arrival_period]
        value = order.qty * order.unit_cost_usd
        for line in duties[order.offer_id].quarters[a].lines:
            usd[line.rule] += value * line.rate
            by_period[line.family][a] += value * line.rate
            family[line.rule] = line.family
    return dict(usd), by_period, family


def plan_duties(
    tariffs: TariffRules,
    orders: Sequence[OrderLike],
    offers: Sequence[PlanOfferLike],
    categories: Mapping[str, str],
    periods: Sequence[str],
    racks: Sequence[RackParts] = (),
    policy: str = CURRENT,
) -> PlanDuties:
    """Duties of the plan's ``orders`` under ``policy`` (the scenario it was sourced under): by
    rule, per quarter, the premium offset, each rack of ``racks`` imported as parts vs integrated
    in Mexico; and the same orders under every scenario."""
    ordered = {o.offer_id for o in orders}
    rules = rules_under(tariffs, policy)
    current = schedules(rules, tariffs, offers, categories, periods)
    usd, by_period, family = duty_by_rule(orders, current, periods)
    names = {r.id: r.name for r in rules}
    by_rule = tuple(
        RuleDuty(rule=r, name=names.get(r, r), family=family[r], usd=v)
        for r, v in sorted(usd.items(), key=lambda kv: -kv[1])
        if v > 0
    )
    return PlanDuties(
        periods=tuple(periods),
        total_usd=sum(sum(v) for v in by_period.values()),
        by_rule=by_rule,
        by_family_period={f: tuple(v) for f, v in by_period.items()},
        premium=premium_offsets(orders, offers, current, periods),
        scenarios=scenario_duties(
            tariffs, orders, [o for o in offers if o.offer_id in ordered], categories, periods
        ),
        mexico=tuple(mexico_racks(tariffs, rules, racks, orders, current, periods)),
    )


def scenario_duties(
    tariffs: TariffRules,
    orders: Sequence[OrderLike],
    offers: Sequence[PlanOfferLike],
    categories: Mapping[str, str],
    periods: Sequence[str],
) -> tuple[ScenarioDuty, ...]:
    """The plan's orders under each scenario (``current`` first)."""
    found: list[ScenarioDuty] = []
    for name in scenario_names(tariffs):
        rules = rules_under(tariffs, name)
        _, by_period, _ = duty_by_rule(
            orders, schedules(rules, tariffs, offers, categories, periods), periods
        )
        described = tariffs.scenarios.get(name)
        found.append(
            ScenarioDuty(
                scenario=name,
                description=described.description if described else "the rules as they stand",
                usd=sum(sum(v) for v in by_period.values()),
                by_family={f: sum(v) for f, v in by_period.items()},
            )
        )
    return tuple(found)


def premium_offsets(
    orders: Sequence[OrderLike],
    offers: Sequence[PlanOfferLike],
    duties: Mapping[str, OfferDuties],
    periods: Sequence[str],
) -> tuple[PremiumOffset, ...]:
    """For each part the plan buys in the U.S., its premium over the cheapest foreign offer and
    the duty that offer would have paid on the same units in the same quarters."""
    index = {p: i for i, p in enumerate(periods)}
    foreign: dict[str, list[PlanOfferLike]] = defaultdict(list)
    for offer in offers:
        if offer.country != "US":
            foreign[offer.part_id].append(offer)
    rows: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    chosen: dict[str, str] = {}
    for order in orders:
        alternatives = foreign.get(order.part_id)
        if order.country != "US" or not alternatives:
            continue
        best = min(alternatives, key=lambda o: _price(o, order.qty))
        price = _price(best, order.qty)
        rate = duties[best.offer_id].quarters[index[order.arrival_period]].total_rate
        row = rows[order.part_id]
        row[0] += order.qty
        row[1] += (order.unit_cost_usd - price) * order.qty
        row[2] += price * rate * order.qty
        chosen[order.part_id] = best.offer_id
    return tuple(
        PremiumOffset(part, qty, premium, avoided, chosen[part])
        for part, (qty, premium, avoided) in sorted(rows.items(), key=lambda kv: -kv[1][1])
        if premium > 0
    )


def _price(offer: PlanOfferLike, qty: float) -> float:
    """The all-units price break an order of ``qty`` reaches."""
    price = offer.tiers[0].unit_cost_usd
    for tier in offer.tiers:
        if qty >= tier.min_qty:
            price = tier.unit_cost_usd
    return price


def mexico_racks(
    tariffs: TariffRules,
    rules: Sequence[Rule],
    racks: Sequence[RackParts],
    orders: Sequence[OrderLike],
    duties: Mapping[str, OfferDuties],
    periods: Sequence[str],
) -> Iterable[MexicoRack]:
    """Each rack in its first build quarter of every year: parts imported at the plan's average
    prices and duties, vs the whole rack entering from Mexico under the integration class
    (both under ``rules``, the policy the plan was sourced under)."""
    index = {p: i for i, p in enumerate(periods)}
    value: dict[str, float] = defaultdict(float)
    qty: dict[str, float] = defaultdict(float)
    duty: dict[str, float] = defaultdict(float)
    for order in orders:
        line_value = order.qty * order.unit_cost_usd
        rate = duties[order.offer_id].quarters[index[order.arrival_period]].total_rate
        value[order.part_id] += line_value
        qty[order.part_id] += order.qty
        duty[order.part_id] += line_value * rate
    integration = tariffs.categories.get(INTEGRATION_CATEGORY)
    if integration is None:
        return
    for rack in racks:
        if not all(qty.get(p, 0.0) > 0 for p in rack.qty_per_rack):
            continue  # the plan did not buy every part: no average price
        rack_value = sum(value[p] / qty[p] * n for p, n in rack.qty_per_rack.items())
        parts_duty = sum(duty[p] / qty[p] * n for p, n in rack.qty_per_rack.items())
        for period in _first_per_year(rack.periods):
            whole = [
                quarter_duty(
                    rules,
                    integration.hts,
                    "MX",
                    _with_usmca(integration.facts, usmca),
                    period,
                ).total_rate
                for usmca in (True, False)
            ]
            yield MexicoRack(
                rack.rack,
                period,
                rack_value,
                parts_duty,
                rack_value * whole[0],
                rack_value * whole[1],
            )


def _with_usmca(facts: PartFacts, usmca: bool) -> PartFacts:
    return dataclasses.replace(facts, usmca=usmca)


def _first_per_year(periods: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    found: list[str] = []
    for period in sorted(periods):
        if period[:4] not in seen:
            seen.add(period[:4])
            found.append(period)
    return found


__all__ = ["CURRENT", "PlanDuties", "RackParts", "plan_duties"]
