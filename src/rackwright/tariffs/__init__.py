"""U.S. import duties as the law reads: HTS classification, dated rule layers, metal content.

``load_tariff_rules`` reads the rules at the edge; ``duty_stack`` explains the duty on one
article on one day line by line; ``quarter_duty`` / ``offer_duties`` give the day-weighted duty
per import quarter; ``sourcing_duties`` is what the sourcing problem builder calls for the rate
of each offer in each arrival quarter under one policy scenario.
"""

from rackwright.tariffs.for_sourcing import SourcingDuties, sourcing_duties
from rackwright.tariffs.hts import format_hts, parse_hts
from rackwright.tariffs.loader import load_tariff_rules, parse_tariff_text
from rackwright.tariffs.models import (
    Base,
    DutyLine,
    DutyStack,
    Family,
    PartClass,
    PartFacts,
    PolicyScenario,
    RatePeriod,
    Rule,
    TariffRules,
)
from rackwright.tariffs.quarters import OfferDuties, QuarterDuty, offer_duties, quarter_duty
from rackwright.tariffs.scenarios import CURRENT, rules_under, scenario_names
from rackwright.tariffs.stack import duty_stack

__all__ = [
    "CURRENT",
    "Base",
    "DutyLine",
    "DutyStack",
    "Family",
    "OfferDuties",
    "PartClass",
    "PartFacts",
    "PolicyScenario",
    "QuarterDuty",
    "RatePeriod",
    "Rule",
    "SourcingDuties",
    "TariffRules",
    "duty_stack",
    "format_hts",
    "load_tariff_rules",
    "offer_duties",
    "parse_hts",
    "parse_tariff_text",
    "quarter_duty",
    "rules_under",
    "scenario_names",
    "sourcing_duties",
]
