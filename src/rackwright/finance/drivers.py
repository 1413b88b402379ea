"""What drives the purchase decision: how far each assumption must move to flip the verdict.

Each driver is one named input of ``DecisionInputs`` and how to set it. ``flip_point`` walks
away from the base value (x1.05, x1.1, ... up to x10 and down to x0.1; the price trend, a
negative rate, moves additively by up to 0.6) until the verdict changes, then bisects to the
value where it does. The drivers whose flip lies closest to their base value drive the decision.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from rackwright.errors import InputError
from rackwright.finance.decision import DecisionInputs, SystemOffer, Verdict, evaluate
from rackwright.finance.tco import RackCapex, with_facility_value

Setter = Callable[[DecisionInputs, float], DecisionInputs]
BISECTIONS = 14
GRID_POINTS = 20


@dataclass(frozen=True)
class Driver:
    """One decision input: its name, how to read and set it, and whether it moves additively."""

    name: str
    label: str
    unit: str
    get: Callable[[DecisionInputs], float]
    set: Setter
    additive: bool = False


@dataclass(frozen=True)
class Flip:
    """A value of a driver at which the verdict becomes ``verdict``."""

    value: float
    verdict: Verdict


@dataclass(frozen=True)
class FlipPoint:
    """Where a driver flips the verdict below and above its base (None: not in range)."""

    name: str
    label: str
    unit: str
    base: float
    additive: bool
    lower: Flip | None
    higher: Flip | None

    def move(self, flip: Flip | None) -> float | None:
        """Relative move to ``flip`` (an additive move for a driver that is itself a rate)."""
        if flip is None:
            return None
        if self.additive:
            return flip.value - self.base
        return flip.value / self.base - 1.0

    @property
    def nearest(self) -> Flip | None:
        """The flip closest to the base value."""
        flips = [f for f in (self.lower, self.higher) if f is not None]
        return min(flips, key=lambda f: abs(self.move(f) or 0.0), default=None)

    @property
    def change(self) -> float | None:
        """Move to the nearest flip (how far the assumption must move to change the verdict)."""
        return self.move(self.nearest)

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""

        def side(flip: Flip | None) -> dict[str, Any] | None:
            if flip is None:
                return None
            return {"value": flip.value, "verdict": flip.verdict.value, "change": self.move(flip)}

        return {
            "name": self.name,
            "label": self.label,
            "unit": self.unit,
            "base": self.base,
            "lower": side(self.lower),
            "higher": side(self.higher),
            "change": self.change,
        }


def _scale_offer(offer: SystemOffer, factor: float, *, capex: bool) -> SystemOffer:
    if capex:
        old = offer.rack.capex
        rack = replace(offer.rack, capex=RackCapex(old.usd * factor, old.source, old.detail))
        return replace(offer, rack=rack)
    return replace(offer, throughput_ratio=offer.throughput_ratio * factor)


def _alternatives(capex: bool) -> Setter:
    def set_(inputs: DecisionInputs, factor: float) -> DecisionInputs:
        alts = tuple(_scale_offer(o, factor, capex=capex) for o in inputs.alternatives)
        return replace(inputs, alternatives=alts)

    return set_


def _facility(name: str) -> Driver:
    return Driver(
        name,
        name.replace("_", " "),
        "",
        lambda i: float(getattr(i.facility, name)),
        lambda i, v: replace(i, facility=with_facility_value(i.facility, name, v)),
    )


def _assumption(name: str, label: str) -> Driver:
    return Driver(
        name,
        label,
        "",
        lambda i: float(getattr(i.assumptions, name)),
        lambda i, v: replace(i, assumptions=i.assumptions.with_value(name, v)),
    )


def _uncertainty(name: str, label: str, additive: bool = False) -> Driver:
    return Driver(
        name,
        label,
        "per year",
        lambda i: float(getattr(i.uncertainty, name)),
        lambda i, v: replace(i, uncertainty=i.uncertainty.with_value(name, v)),
        additive,
    )


def decision_drivers() -> tuple[Driver, ...]:
    """The assumptions the memo tests."""
    return (
        Driver(
            "option_price",
            "option price",
            "USD per rack",
            lambda i: i.terms.price_usd_per_rack,
            lambda i, v: replace(i, terms=replace(i.terms, price_usd_per_rack=v)),
        ),
        Driver(
            "alternative_price",
            "alternative's market price",
            "x today",
            lambda i: 1.0,
            _alternatives(capex=True),
        ),
        Driver(
            "throughput_ratio",
            "delivered throughput vs prediction",
            "ratio",
            lambda i: i.option.throughput_ratio,
            lambda i, v: replace(i, option=replace(i.option, throughput_ratio=v)),
        ),
        Driver(
            "alternative_throughput",
            "alternative's throughput",
            "x predicted",
            lambda i: 1.0,
            _alternatives(capex=False),
        ),
        _facility("electricity_usd_per_kwh"),
        _facility("pue_ratio"),
        _assumption("cost_of_capital", "cost of capital"),
        _assumption("rack_life_years", "rack life"),
        _assumption("utilisation", "utilisation"),
        _uncertainty("price_volatility_per_year", "price volatility"),
        _uncertainty("demand_volatility_per_year", "demand volatility"),
        _uncertainty("price_trend_per_year", "alternative price trend", additive=True),
    )


def _verdict_at(inputs: DecisionInputs, driver: Driver, value: float) -> Verdict | None:
    try:
        return evaluate(driver.set(inputs, value)).verdict
    except InputError:  # outside the input's valid range (utilisation > 1, ...)
        return None


def _candidates(driver: Driver, base: float) -> list[list[float]]:
    """Values to try, nearest first, in each direction."""
    if driver.additive:
        steps = np.linspace(0.02, 0.6, GRID_POINTS)
        return [[base + s for s in steps], [base - s for s in steps]]
    factors = np.geomspace(1.05, 10.0, GRID_POINTS)
    return [[base * f for f in factors], [base / f for f in factors]]


def flip_point(inputs: DecisionInputs, driver: Driver) -> FlipPoint:
    """The first value below and above the base of ``driver`` at which the verdict changes."""
    base = driver.get(inputs)
    start = evaluate(inputs).verdict
    lower = higher = None
    if base != 0 or driver.additive:
        higher_values, lower_values = _candidates(driver, base)
        higher = _first_flip(inputs, driver, base, start, higher_values)
        lower = _first_flip(inputs, driver, base, start, lower_values)
    return FlipPoint(driver.name, driver.label, driver.unit, base, driver.additive, lower, higher)


def _first_flip(
    inputs: DecisionInputs, driver: Driver, base: float, start: Verdict, values: list[float]
) -> Flip | None:
    same = base
    for value in values:
        verdict = _verdict_at(inputs, driver, value)
        if verdict is None:  # outside the input's valid range
            return None
        if verdict is not start:
            return _bisect(inputs, driver, same, value, start)
        same = value
    return None


def _bisect(
    inputs: DecisionInputs, driver: Driver, same: float, other: float, start: Verdict
) -> Flip:
    verdict = _verdict_at(inputs, driver, other)
    assert verdict is not None
    for _ in range(BISECTIONS):
        mid = 0.5 * (same + other)
        at_mid = _verdict_at(inputs, driver, mid)
        if at_mid is None or at_mid is start:
            same = mid
        else:
            other, verdict = mid, at_mid
    return Flip(other, verdict)
