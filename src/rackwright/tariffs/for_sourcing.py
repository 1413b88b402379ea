"""The one entry point the sourcing problem builder calls for its duty terms.

``sourcing_duties(tariffs, scenario)`` applies the policy scenario once; its ``hts_of`` gives a
part's classification and ``rates_by_quarter`` the day-weighted duty rate of an order of one
offer arriving in each quarter (the rules in force that quarter, ``quarters.offer_duties``).
Sourcing keeps only the rates; the plan's duties by rule are re-derived from the same rules by
``plan_duties`` (one computation, two views: the sum of its lines equals the optimizer's tariff).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rackwright.tariffs.models import Rule, TariffRules
from rackwright.tariffs.quarters import OfferLike, offer_duties
from rackwright.tariffs.scenarios import CURRENT, rules_under


@dataclass(frozen=True)
class SourcingDuties:
    """The rules of one tariff scenario, ready to price a sourcing problem's offers."""

    tariffs: TariffRules
    scenario: str
    rules: tuple[Rule, ...]

    def hts_of(self, part_id: str, category: str) -> str:
        """The part's HTS line (its own classification, else its BOM category's)."""
        return self.tariffs.class_of(part_id, category).hts

    def rates_by_quarter(
        self, category: str, offer: OfferLike, periods: Sequence[str]
    ) -> tuple[float, ...]:
        """The duty rate of an order of ``offer`` arriving in each of ``periods``."""
        part = self.tariffs.class_of(offer.part_id, category)
        return offer_duties(self.rules, part, offer, periods).rates


def sourcing_duties(tariffs: TariffRules, scenario: str = CURRENT) -> SourcingDuties:
    """``tariffs`` under ``scenario`` (``current`` or one of scenarios.toml; else InputError)."""
    return SourcingDuties(tariffs, scenario, rules_under(tariffs, scenario))
