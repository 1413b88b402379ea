"""The purchase decision: exercise the option on the racks, wait, or buy the best alternative.

Per optioned rack, with ``A = 1 / CRF(cost of capital, rack life)`` the annuity of its life:

* ``work`` = useful tokens per rack-year (the perf model's rate x the evaluation's measured /
  predicted ratio x utilisation) of the option's workload;
* the best alternative is the one with the lowest TCO per token, ``c_alt`` (its rack at its
  market price, labelled so);
* the asset ``S = A x (work x c_alt - own yearly non-hardware cost)``: what the rack saves over
  its life against buying the same work from the alternative, before its hardware;
* the exercise cost ``K`` = option price + spares + the rack's network share, so
  ``S - K = A x work x (c_alt - c_own)``, the net present value of exercising today.

Waiting is an American call on ``S`` with strike ``K`` until the deadline, valued on the
binomial lattice (``finance.option``): volatility combines price and demand uncertainty; the
dividend yield ``q = cost of capital - price trend`` is what holding the option rather than the
racks forgoes (the alternative's price per unit of work falls each year, X62). Verdict: exercise
when exercising today is worth at least holding; decline when the option is out of the money
and worth under ``lapse_fraction`` of ``K``; otherwise wait.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from rackwright.demand.rates import WorkRate
from rackwright.errors import InputError
from rackwright.finance.assumptions import FinanceAssumptions, Uncertainty
from rackwright.finance.option import ExerciseStyle, LatticeValue, OptionKind, OptionSpec, lattice
from rackwright.finance.tco import (
    CostSource,
    FacilityEconomics,
    RackCapex,
    RackTco,
    RackTcoInputs,
    capital_recovery_factor,
    rack_tco,
)
from rackwright.finance.work import WorkloadEconomics, workload_economics

DECISION_STEPS = 300


class Verdict(StrEnum):
    """What the memo recommends."""

    EXERCISE = "exercise"
    WAIT = "wait"
    DECLINE = "decline"


@dataclass(frozen=True)
class SystemOffer:
    """A way to get the work done: a rack design, its rate on the workload, and how the rate
    measured against the prediction (1.0 when no evaluation says otherwise)."""

    rack: RackTcoInputs
    rate: WorkRate
    throughput_ratio: float = 1.0
    ratio_basis: str = "model prediction (no evaluation)"

    def __post_init__(self) -> None:
        if not self.throughput_ratio > 0:
            raise InputError(
                "measured / predicted throughput must be positive",
                field="throughput_ratio",
                value=self.throughput_ratio,
            )
        if self.rate.rack != self.rack.rack_id:
            raise InputError(
                f"rate is for rack '{self.rate.rack}', not '{self.rack.rack_id}'",
                field="rack",
                value=self.rate.rack,
            )

    def effective_rate(self) -> WorkRate:
        """The rate scaled by the measured / predicted ratio."""
        return replace(
            self.rate, tokens_per_s_per_gpu=self.rate.tokens_per_s_per_gpu * self.throughput_ratio
        )


@dataclass(frozen=True)
class OptionTerms:
    """The purchase option: which rack, how many, at what price, and the time left to decide."""

    rack: str
    racks: int
    price_usd_per_rack: float
    years_to_deadline: float
    delivery: str
    deadline: str

    def __post_init__(self) -> None:
        if self.racks < 1:
            raise InputError(
                "the option must cover at least one rack", field="racks", value=self.racks
            )
        if not self.price_usd_per_rack > 0:
            raise InputError(
                "option price must be positive",
                field="price_usd_per_rack",
                value=self.price_usd_per_rack,
            )
        if self.years_to_deadline < 0:
            raise InputError(
                "option deadline is before the delivery", field="deadline", value=self.deadline
            )


@dataclass(frozen=True)
class DecisionInputs:
    """Everything the decision reads (typed; the chain builds it from upstream results)."""

    terms: OptionTerms
    option: SystemOffer
    alternatives: tuple[SystemOffer, ...]
    facility: FacilityEconomics
    assumptions: FinanceAssumptions
    uncertainty: Uncertainty
    steps: int = DECISION_STEPS

    def __post_init__(self) -> None:
        if not self.alternatives:
            raise InputError(
                "the decision needs at least one alternative system", field="alternatives"
            )
        if self.option.rack.rack_id != self.terms.rack:
            raise InputError(
                f"option terms are for '{self.terms.rack}'",
                field="rack",
                value=self.option.rack.rack_id,
            )


@dataclass(frozen=True)
class DecisionFigures:
    """The numbers behind one verdict (per optioned rack unless named otherwise)."""

    verdict: Verdict
    own_tco: RackTco
    own: WorkloadEconomics
    alternatives: tuple[WorkloadEconomics, ...]
    best_alternative: WorkloadEconomics
    asset_usd: float
    exercise_cost_usd: float
    volatility: float
    dividend_yield: float
    valuation: LatticeValue | None

    @property
    def exercise_npv_usd(self) -> float:
        """Net present value of exercising today, per rack."""
        return self.asset_usd - self.exercise_cost_usd

    @property
    def option_value_usd(self) -> float:
        """The option's value per rack (0 when the rack can never beat the alternative)."""
        return self.valuation.value if self.valuation is not None else 0.0

    @property
    def value_of_waiting_usd(self) -> float:
        """What holding the option is worth over acting today, per rack."""
        return self.valuation.value_of_waiting if self.valuation is not None else 0.0

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "verdict": self.verdict.value,
            "own": self.own.to_json(),
            "own_tco": self.own_tco.to_json(),
            "alternatives": [a.to_json() for a in self.alternatives],
            "best_alternative": self.best_alternative.rack,
            "asset_usd_per_rack": self.asset_usd,
            "exercise_cost_usd_per_rack": self.exercise_cost_usd,
            "exercise_npv_usd_per_rack": self.exercise_npv_usd,
            "option_value_usd_per_rack": self.option_value_usd,
            "value_of_waiting_usd_per_rack": self.value_of_waiting_usd,
            "volatility": self.volatility,
            "dividend_yield": self.dividend_yield,
            "valuation": self.valuation.to_json() if self.valuation is not None else None,
        }


def _economics(offer: SystemOffer, inputs: DecisionInputs) -> tuple[RackTco, WorkloadEconomics]:
    tco = rack_tco(offer.rack, inputs.facility, inputs.assumptions)
    return tco, workload_economics(tco, offer.effective_rate(), inputs.assumptions.utilisation)


def option_rack(inputs: DecisionInputs) -> RackTcoInputs:
    """The optioned rack priced at the option price (never its BOM cost: the lab pays the price)."""
    capex = RackCapex(inputs.terms.price_usd_per_rack, CostSource.OPTION_PRICE, "option price")
    return replace(inputs.option.rack, capex=capex)


def evaluate(inputs: DecisionInputs) -> DecisionFigures:
    """The verdict and its figures (module docstring has the model)."""
    a, u = inputs.assumptions, inputs.uncertainty
    own_offer = replace(inputs.option, rack=option_rack(inputs))
    own_tco, own = _economics(own_offer, inputs)
    alternatives = tuple(_economics(alt, inputs)[1] for alt in inputs.alternatives)
    best = min(alternatives, key=lambda e: e.usd_per_million_tokens)
    annuity = 1.0 / capital_recovery_factor(a.cost_of_capital, a.rack_life_years)
    yearly_other = own_tco.tco_usd_per_rack_year - own_tco.capital_usd_per_year
    alt_usd_per_token = best.usd_per_million_tokens / 1e6
    asset = annuity * (own.tokens_per_rack_year * alt_usd_per_token - yearly_other)
    strike = own_tco.rack_capex_usd + own_tco.spares_capex_usd + own_tco.network_capex_usd
    dividend = a.cost_of_capital - u.price_trend_per_year
    valuation = _value(asset, strike, inputs, dividend)
    return DecisionFigures(
        verdict=_verdict(asset, strike, valuation, u.lapse_fraction),
        own_tco=own_tco,
        own=own,
        alternatives=alternatives,
        best_alternative=best,
        asset_usd=asset,
        exercise_cost_usd=strike,
        volatility=u.volatility,
        dividend_yield=dividend,
        valuation=valuation,
    )


def _value(asset: float, strike: float, inputs: DecisionInputs, dividend: float) -> LatticeValue:
    """The American call on the asset; at the deadline (or with no asset) just its intrinsic."""
    years = inputs.terms.years_to_deadline
    vol = inputs.uncertainty.volatility
    if asset <= 0 or years <= 0 or vol <= 0:
        intrinsic = max(asset - strike, 0.0)
        return LatticeValue(value=intrinsic, intrinsic=intrinsic, continuation=0.0, steps=0)
    spec = OptionSpec(
        spot=asset,
        strike=strike,
        rate=inputs.assumptions.cost_of_capital,
        vol=vol,
        years=years,
        dividend=dividend,
        kind=OptionKind.CALL,
        style=ExerciseStyle.AMERICAN,
    )
    return lattice(spec, inputs.steps)


def _verdict(asset: float, strike: float, valuation: LatticeValue, lapse: float) -> Verdict:
    if valuation.exercise_now:
        return Verdict.EXERCISE
    if asset <= strike and valuation.value < lapse * strike:
        return Verdict.DECLINE
    return Verdict.WAIT
