"""Option valuation: a Cox-Ross-Rubinstein binomial lattice and the Black-Scholes-Merton formula.

The lattice (Cox, Ross and Rubinstein 1979) moves the underlying up by ``u = exp(vol*sqrt(dt))``
or down by ``d = 1/u`` each step with the risk-neutral probability
``p = (exp((rate - dividend) * dt) - d) / (u - d)``, and values the option backward from expiry;
an American option takes the larger of holding and exercising at every node. The closed form is
Black-Scholes with a continuous dividend yield (Merton 1973). It exists for European calls and
puts, and for an American call on an asset without dividends (never worth exercising early when
the rate is not negative, so it equals the European call); otherwise ``closed_form`` is None.

The purchase decision (``finance.decision``) prices the lab's option to buy racks on this lattice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from rackwright.errors import InputError

DEFAULT_STEPS = 1000
MAX_STEPS = 20_000


class OptionKind(StrEnum):
    """Right to buy (call) or to sell (put)."""

    CALL = "call"
    PUT = "put"


class ExerciseStyle(StrEnum):
    """When the holder may exercise: only at expiry (European) or any time before (American)."""

    EUROPEAN = "european"
    AMERICAN = "american"


@dataclass(frozen=True)
class OptionSpec:
    """An option on an asset worth ``spot`` today; rates are continuous, per year."""

    spot: float
    strike: float
    rate: float
    vol: float
    years: float
    dividend: float = 0.0
    kind: OptionKind = OptionKind.CALL
    style: ExerciseStyle = ExerciseStyle.EUROPEAN

    def __post_init__(self) -> None:
        positive = {"spot": self.spot, "strike": self.strike, "vol": self.vol}
        for name, value in positive.items():
            if not (math.isfinite(value) and value > 0):
                raise InputError(f"{name} must be a positive number", field=name, value=value)
        if not (math.isfinite(self.years) and self.years > 0):
            raise InputError("years to expiry must be positive", field="years", value=self.years)
        for name, value in {"rate": self.rate, "dividend": self.dividend}.items():
            if not math.isfinite(value) or abs(value) > 1.0:
                raise InputError(
                    f"{name} must be a yearly fraction between -1 and 1 (0.05 = 5 %)",
                    field=name,
                    value=value,
                )

    def payoff(self, prices: NDArray[np.float64]) -> NDArray[np.float64]:
        """Value of exercising at ``prices``."""
        if self.kind is OptionKind.CALL:
            return np.maximum(prices - self.strike, 0.0)
        return np.maximum(self.strike - prices, 0.0)

    @property
    def intrinsic(self) -> float:
        """Value of exercising today."""
        return float(self.payoff(np.array([self.spot]))[0])


@dataclass(frozen=True)
class LatticeValue:
    """An option's lattice value and what the holder should do today."""

    value: float
    intrinsic: float
    continuation: float
    steps: int

    @property
    def exercise_now(self) -> bool:
        """Exercising today is worth at least holding (and worth something)."""
        return self.intrinsic > 0 and self.intrinsic >= self.continuation

    @property
    def value_of_waiting(self) -> float:
        """What keeping the option is worth over exercising it today (never negative)."""
        return max(self.value - self.intrinsic, 0.0)

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "value": self.value,
            "intrinsic": self.intrinsic,
            "continuation": self.continuation,
            "value_of_waiting": self.value_of_waiting,
            "exercise_now": self.exercise_now,
            "steps": self.steps,
        }


def _up_probability(spec: OptionSpec, dt: float, up: float, steps: int) -> float:
    down = 1.0 / up
    p = (math.exp((spec.rate - spec.dividend) * dt) - down) / (up - down)
    if not 0.0 < p < 1.0:
        raise InputError(
            "too few lattice steps for this rate, dividend and volatility: the risk-neutral "
            "up-move probability falls outside 0..1; use more steps",
            field="steps",
            value=steps,
        )
    return p


def lattice(spec: OptionSpec, steps: int = DEFAULT_STEPS) -> LatticeValue:
    """Value ``spec`` on a CRR binomial lattice of ``steps`` steps (vectorized backward pass)."""
    if not 1 <= steps <= MAX_STEPS:
        raise InputError(f"steps must be between 1 and {MAX_STEPS}", field="steps", value=steps)
    dt = spec.years / steps
    up = math.exp(spec.vol * math.sqrt(dt))
    p = _up_probability(spec, dt, up, steps)
    discount = math.exp(-spec.rate * dt)
    weight_up, weight_down = discount * p, discount * (1.0 - p)
    # every node price is spot * up**k, k in -steps..steps; node j of step i has k = i - 2j
    exercise = spec.payoff(spec.spot * up ** np.arange(-steps, steps + 1, dtype=np.float64))
    values = exercise[::-2].copy()  # expiry: k = steps, steps - 2, ..., -steps
    american = spec.style is ExerciseStyle.AMERICAN
    for i in range(steps - 1, -1, -1):
        values = weight_up * values[:-1] + weight_down * values[1:]
        if american and i > 0:
            np.maximum(values, exercise[steps + i : steps - i - 1 : -2], out=values)
    continuation = float(values[0])
    intrinsic = spec.intrinsic
    value = max(continuation, intrinsic) if american else continuation
    return LatticeValue(value=value, intrinsic=intrinsic, continuation=continuation, steps=steps)


def _normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def black_scholes(spec: OptionSpec) -> float:
    """The Black-Scholes-Merton value of the European twin of ``spec``."""
    root_t = math.sqrt(spec.years)
    d1 = (
        math.log(spec.spot / spec.strike)
        + (spec.rate - spec.dividend + 0.5 * spec.vol**2) * spec.years
    ) / (spec.vol * root_t)
    d2 = d1 - spec.vol * root_t
    spot = spec.spot * math.exp(-spec.dividend * spec.years)
    strike = spec.strike * math.exp(-spec.rate * spec.years)
    if spec.kind is OptionKind.CALL:
        return spot * _normal_cdf(d1) - strike * _normal_cdf(d2)
    return strike * _normal_cdf(-d2) - spot * _normal_cdf(-d1)


def closed_form(spec: OptionSpec) -> float | None:
    """Black-Scholes where a closed form exists for ``spec``, else None.

    European options always; an American call when the asset pays no dividend and the rate is
    not negative (early exercise then never pays, so it is worth the European call).
    """
    if spec.style is ExerciseStyle.EUROPEAN:
        return black_scholes(spec)
    if spec.kind is OptionKind.CALL and spec.dividend == 0.0 and spec.rate >= 0.0:
        return black_scholes(spec)
    return None
