"""Shapes the tariff tests share: plan orders and offers as sourcing makes them, and a small
user rule file (a surcharge on Taiwanese bare boards) to edit into bad or extra input."""

from __future__ import annotations

from dataclasses import dataclass

from rackwright.bom.supply import UsdPriceBreak


@dataclass(frozen=True)
class Offer:
    """An offer of the sourcing problem, as ``plan_duties`` reads it."""

    offer_id: str
    part_id: str
    country: str
    tiers: tuple[UsdPriceBreak, ...]


@dataclass(frozen=True)
class Order:
    """An order line of a sourcing plan, as ``plan_duties`` reads it."""

    part_id: str
    offer_id: str
    country: str
    arrival_period: str
    qty: float
    unit_cost_usd: float


# 10 % on 8534 from Taiwan in 2026H1, 20 % from 2026-07-01 (line numbers matter to the tests)
RULE = """
[[rule]]
id = "my-duty"
name = "A test duty"
family = "surcharge"
basis = "test"
sources = ["T-A11"]
confidence = "U"
origins = ["TW"]
hts = ["8534.00.00"]
[[rule.period]]
from = 2026-01-01
until = 2026-07-01
rate = 0.10
[[rule.period]]
from = 2026-07-01
rate = 0.20
"""
