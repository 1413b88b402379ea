"""The finance engine's assumption set: TCO terms, decision uncertainty, and sensitivity ranges.

Every figure carries the ids of the sources behind it (``sources_of``), so a report can cite it;
``finance.loader.load_finance_defaults`` reads the packaged, sourced defaults.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from rackwright.errors import InputError


@dataclass(frozen=True)
class FinanceAssumptions:
    """TCO terms that are not the rack's or the facility's own figures."""

    rack_life_years: float = 5.0
    facility_life_years: float = 20.0
    cost_of_capital: float = 0.08
    maintenance_fraction_per_year: float = 0.05
    spares_fraction: float = 0.03
    staff_usd_per_mw_year: float = 75_000.0
    utilisation: float = 0.85
    cluster_gpus: int = 16_384
    rack_capex_scale: float = 1.0
    sources: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        for name in ("rack_life_years", "facility_life_years"):
            _require(getattr(self, name) > 0, name, getattr(self, name), "must be positive")
        _require(
            -0.5 < self.cost_of_capital < 1.0,
            "cost_of_capital",
            self.cost_of_capital,
            "must be a yearly fraction between -0.5 and 1",
        )
        for name in ("maintenance_fraction_per_year", "spares_fraction", "staff_usd_per_mw_year"):
            _require(getattr(self, name) >= 0, name, getattr(self, name), "must not be negative")
        _require(0 < self.utilisation <= 1, "utilisation", self.utilisation, "must be in (0, 1]")
        _require(self.cluster_gpus >= 1, "cluster_gpus", self.cluster_gpus, "must be >= 1")
        _require(
            self.rack_capex_scale > 0, "rack_capex_scale", self.rack_capex_scale, "must be positive"
        )

    def sources_of(self, name: str) -> tuple[str, ...]:
        """Source ids behind the assumption ``name`` (empty when unsourced, e.g. a user value)."""
        return dict(self.sources).get(name, ())

    def with_value(self, name: str, value: float) -> FinanceAssumptions:
        """A copy with ``name`` set to ``value`` (its sources kept)."""
        changes: dict[str, Any] = {name: value}
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """Values with their sources."""
        return {
            f.name: {"value": getattr(self, f.name), "sources": list(self.sources_of(f.name))}
            for f in fields(self)
            if f.name != "sources"
        }


@dataclass(frozen=True)
class Uncertainty:
    """What moves the value of the purchase option: price and demand, yearly log-volatilities."""

    price_volatility_per_year: float = 0.35
    demand_volatility_per_year: float = 0.28
    price_demand_correlation: float = 0.0
    price_trend_per_year: float = -0.245
    lapse_fraction: float = 0.01
    demand_volatility_basis: str = "default"
    sources: tuple[tuple[str, tuple[str, ...]], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        for name in ("price_volatility_per_year", "demand_volatility_per_year"):
            _require(getattr(self, name) >= 0, name, getattr(self, name), "must not be negative")
        rho = self.price_demand_correlation
        _require(-1 <= rho <= 1, "price_demand_correlation", rho, "must be in [-1, 1]")
        _require(
            self.price_trend_per_year > -1,
            "price_trend_per_year",
            self.price_trend_per_year,
            "must be above -100 % a year",
        )
        _require(
            0 <= self.lapse_fraction < 1, "lapse_fraction", self.lapse_fraction, "must be in [0, 1)"
        )

    @property
    def volatility(self) -> float:
        """Combined yearly volatility of price x demand (lognormal product)."""
        sp, sd, rho = (
            self.price_volatility_per_year,
            self.demand_volatility_per_year,
            self.price_demand_correlation,
        )
        return math.sqrt(max(sp * sp + sd * sd + 2 * rho * sp * sd, 0.0))

    def sources_of(self, name: str) -> tuple[str, ...]:
        """Source ids behind ``name``."""
        return dict(self.sources).get(name, ())

    def with_value(self, name: str, value: float) -> Uncertainty:
        """A copy with ``name`` set to ``value``."""
        changes: dict[str, Any] = {name: value}
        return replace(self, **changes)


@dataclass(frozen=True)
class AssumptionRange:
    """The low and high a sensitivity sweep tries for one named assumption."""

    name: str
    label: str
    unit: str
    low: float
    high: float
    sources: tuple[str, ...]
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {**asdict(self), "sources": list(self.sources)}


@dataclass(frozen=True)
class FinanceDefaults:
    """The packaged defaults: TCO assumptions, decision uncertainty and sweep ranges."""

    assumptions: FinanceAssumptions
    uncertainty: Uncertainty
    ranges: tuple[AssumptionRange, ...]

    def range_of(self, name: str) -> AssumptionRange | None:
        """The sweep range of ``name``, if it has one."""
        return next((r for r in self.ranges if r.name == name), None)


def _require(ok: bool, name: str, value: object, why: str) -> None:
    if not ok:
        raise InputError(f"{name} {why}", field=name, value=value)
