"""Typed BOM inputs: parts, manufacturer parts at sites, supplier offers, expansion templates.

These are what the package data (``rackwright/bom/data/*.toml``) and a user's own BOM files say.
Country of origin is not a field here: it lives on the catalog site a manufacturer part is made
at, so the same part from two sites can differ in origin.
"""

from __future__ import annotations

import math
from enum import StrEnum
from statistics import NormalDist
from typing import Annotated, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, model_validator

from rackwright.catalog.models import ComponentKind, Confidence, Strict
from rackwright.units import Kilograms, Seconds, Watts

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
WEEK_S = 604800.0


class Subsystem(StrEnum):
    """The rack subsystems the partnership names, plus integration labour."""

    COMPUTE = "compute"
    NETWORKING = "networking"
    CABLING = "cabling"
    COOLING = "cooling"
    POWER = "power"
    MECHANICAL = "mechanical"
    INTEGRATION = "integration"


# Where a catalog component's own weight and power are booked.
SUBSYSTEM_OF_KIND: dict[ComponentKind, Subsystem] = {
    ComponentKind.COMPUTE_TRAY: Subsystem.COMPUTE,
    ComponentKind.SERVER: Subsystem.COMPUTE,
    ComponentKind.SWITCH_TRAY: Subsystem.NETWORKING,
    ComponentKind.NIC: Subsystem.NETWORKING,
    ComponentKind.OPTIC: Subsystem.NETWORKING,
    ComponentKind.TOR_SWITCH: Subsystem.NETWORKING,
    ComponentKind.NVLINK_SPINE: Subsystem.CABLING,
    ComponentKind.CABLE: Subsystem.CABLING,
    ComponentKind.COLD_PLATE: Subsystem.COOLING,
    ComponentKind.MANIFOLD: Subsystem.COOLING,
    ComponentKind.CDU: Subsystem.COOLING,
    ComponentKind.POWER_SHELF: Subsystem.POWER,
    ComponentKind.PSU: Subsystem.POWER,
    ComponentKind.BUSBAR: Subsystem.POWER,
    ComponentKind.CHASSIS: Subsystem.MECHANICAL,
}


class PartKind(StrEnum):
    """A physical component, or a service (assembly and test labour) that adds value."""

    COMPONENT = "component"
    SERVICE = "service"


class Sourced(Strict):
    """Head shared by every BOM record: an id and where its figures come from."""

    id: str = Field(pattern=ID_PATTERN)
    sources: list[str] = Field(min_length=1)
    confidence: Confidence
    notes: str = ""
    override: bool = False


class Part(Sourced):
    """A part a BOM line consumes; its cost comes from its supplier offers."""

    name: str
    subsystem: Subsystem
    category: str = Field(pattern=ID_PATTERN)
    kind: PartKind = PartKind.COMPONENT
    critical: bool = Field(default=False, description="needs a second source")
    weight_kg: Kilograms = Field(default=0.0, ge=0)
    power_w: Watts = Field(default=0.0, ge=0)


class ManufacturerPart(Sourced):
    """A part as one maker builds it (MPN) at one catalog site; origin is that site's country."""

    part: str
    mpn: str
    maker: str
    site: str


class PriceBreak(Strict):
    """Unit price from an order quantity up, in the offer's currency."""

    min_qty: int = Field(ge=1)
    unit_price: float = Field(gt=0)


class TriangularLeadTime(Strict):
    """Lead time from a triangular distribution (low, most likely, high)."""

    dist: Literal["triangular"] = "triangular"
    low_s: Seconds = Field(ge=0)
    mode_s: Seconds = Field(ge=0)
    high_s: Seconds = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> TriangularLeadTime:
        if not self.low_s <= self.mode_s <= self.high_s:
            raise ValueError("lead time needs low <= mode <= high")
        return self

    @property
    def mean_s(self) -> float:
        """Expected lead time."""
        return (self.low_s + self.mode_s + self.high_s) / 3.0

    def quantile_s(self, q: float) -> float:
        """The lead time not exceeded with probability ``q`` (inverse CDF)."""
        low, mode, high = self.low_s, self.mode_s, self.high_s
        if high == low:
            return low
        split = (mode - low) / (high - low)
        if q <= split:
            return low + math.sqrt(q * (high - low) * (mode - low))
        return high - math.sqrt((1.0 - q) * (high - low) * (high - mode))

    def sample_s(self, rng: np.random.Generator, n: int) -> NDArray[np.float64]:
        """``n`` draws, in seconds."""
        if self.high_s == self.low_s:
            return np.full(n, self.low_s)
        return rng.triangular(self.low_s, self.mode_s, self.high_s, size=n)


class LogNormalLeadTime(Strict):
    """Lead time from a log-normal distribution (median and log-space sigma)."""

    dist: Literal["lognormal"] = "lognormal"
    median_s: Seconds = Field(gt=0)
    sigma: float = Field(ge=0, le=3)

    @property
    def mean_s(self) -> float:
        """Expected lead time."""
        return self.median_s * math.exp(self.sigma**2 / 2.0)

    def quantile_s(self, q: float) -> float:
        """The lead time not exceeded with probability ``q``, 0 < q < 1 (inverse CDF)."""
        return self.median_s * math.exp(self.sigma * NormalDist().inv_cdf(q))

    def sample_s(self, rng: np.random.Generator, n: int) -> NDArray[np.float64]:
        """``n`` draws, in seconds."""
        return rng.lognormal(math.log(self.median_s), self.sigma, size=n)


LeadTime = Annotated[TriangularLeadTime | LogNormalLeadTime, Field(discriminator="dist")]


class CapacityStep(Strict):
    """Units an offer can ship per quarter, from a year on (until the next step)."""

    from_year: int = Field(ge=2000, le=2050)
    units_per_quarter: float = Field(ge=0)


class OfferSpec(Sourced):
    """A supplier's offer for one manufacturer part, as written in a data file."""

    mpart: str
    supplier: str
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    price_breaks: list[PriceBreak] = Field(min_length=1)
    moq: int = Field(default=1, ge=1)
    order_multiple: int = Field(default=1, ge=1)
    lead_time: LeadTime
    capacity: list[CapacityStep] = Field(min_length=1)

    @model_validator(mode="after")
    def _breaks_ascending(self) -> OfferSpec:
        quantities = [b.min_qty for b in self.price_breaks]
        if quantities != sorted(set(quantities)):
            raise ValueError("price_breaks must have strictly ascending min_qty")
        years = [c.from_year for c in self.capacity]
        if years != sorted(set(years)):
            raise ValueError("capacity steps must have strictly ascending from_year")
        return self


class Line(Strict):
    """One BOM line: an item (part id, assembly id or ``@role``) and a quantity per parent.

    ``qty`` is a number or an arithmetic expression over the parent component's own catalog
    figures (``gpus_count``, ``psus_count``, ``ports_count``, ...), the rack's figures
    (``rack_spine_cables_per_link_count``) and the part family's figures.
    """

    item: str
    qty: float | str = 1.0
    attrition_pct: float = Field(default=0.0, ge=0, le=100)
    alternates: list[str] = Field(default_factory=list)
    note: str = ""


class Assembly(Sourced):
    """A sub-assembly (board, tray sub-unit) made of lines; it carries no cost of its own."""

    name: str
    lines: list[Line] = Field(min_length=1)


class Expansion(Sourced):
    """How a catalog component breaks down into assemblies and parts.

    The most specific expansion wins: one listing the component's id, then one for the kind and
    the rack's part family, then one for the kind alone.
    """

    component_kind: ComponentKind
    family: str | None = Field(default=None, description="only for racks of this part family")
    components: list[str] = Field(default_factory=list, description="only these component ids")
    lines: list[Line] = Field(min_length=1)


class Family(Sourced):
    """A generation's part family: which concrete parts fill each ``@role``, and its figures.

    A rack picks the family that lists its id, else the one listing its system's accelerator.
    """

    name: str
    racks: list[str] = Field(default_factory=list)
    accelerators: list[str] = Field(default_factory=list)
    roles: dict[str, str] = Field(default_factory=dict)
    figures: dict[str, float] = Field(default_factory=dict)
    rack_lines: list[Line] = Field(
        default_factory=list, description="lines at rack level (integration and test)"
    )


class CurrencyRates(Strict):
    """USD per one unit of each currency, as of a date, with where the rates come from."""

    as_of: str
    sources: list[str] = Field(min_length=1)
    usd_per_unit: dict[str, float]

    @model_validator(mode="after")
    def _positive(self) -> CurrencyRates:
        for code, rate in self.usd_per_unit.items():
            if rate <= 0:
                raise ValueError(f"rate for {code} must be positive, got {rate}")
        return self
