"""Domestic-content rules and the share a rolled-up rack reaches.

The value test follows the Buy American Act as written in FAR 25.101(a): an end product is
domestic when it is manufactured in the United States (final assembly / substantial
transformation) and the cost of its domestic components exceeds a threshold share of the cost of
all its components. Rules are data (a TOML file), so a user can model other regimes.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field, field_validator, model_validator

from rackwright.bom.countries import is_country
from rackwright.bom.models import PartKind, Subsystem
from rackwright.bom.rollup import CostLine, Rollup
from rackwright.catalog.models import Strict
from rackwright.errors import InputError


class Threshold(Strict):
    """The share of component value that must be domestic, from a year on."""

    from_year: int = Field(ge=1900, le=2100)
    share: float = Field(ge=0, le=1)


class FinalAssemblyRule(Strict):
    """Where final assembly (substantial transformation) must happen."""

    required: bool = True
    categories: list[str] = Field(
        default_factory=lambda: ["rack-integration"],
        description="part categories that are the final-assembly step",
    )


class DomesticRules(Strict):
    """A domestic-content regime: value thresholds by year, final assembly, subsystem targets."""

    name: str
    description: str = ""
    citation: str = ""
    sources: list[str] = Field(default_factory=list)
    domestic_countries: list[str] = Field(default_factory=lambda: ["US"], min_length=1)
    include_services: bool = Field(
        default=False,
        description="count assembly/test labour in the value test (BAA counts components only)",
    )
    thresholds: list[Threshold] = Field(min_length=1)
    final_assembly: FinalAssemblyRule = Field(default_factory=FinalAssemblyRule)
    subsystem_targets: dict[Subsystem, float] = Field(default_factory=dict)

    @field_validator("domestic_countries")
    @classmethod
    def _iso(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not is_country(code):
                raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-2 country code")
        return codes

    @model_validator(mode="after")
    def _ascending(self) -> DomesticRules:
        years = [t.from_year for t in self.thresholds]
        if years != sorted(set(years)):
            raise ValueError("thresholds must have strictly ascending from_year")
        for subsystem, share in self.subsystem_targets.items():
            if not 0 <= share <= 1:
                raise ValueError(f"subsystem target for {subsystem} must be in [0, 1]")
        return self

    def threshold(self, year: int) -> float:
        """The value share required in ``year``."""
        share: float | None = None
        for step in self.thresholds:
            if step.from_year <= year:
                share = step.share
        if share is None:
            raise InputError(
                f"rules '{self.name}' set no threshold for {year} "
                f"(first is {self.thresholds[0].from_year})",
                field="year",
                value=year,
            )
        return share


@dataclass(frozen=True)
class SubsystemShare:
    """Domestic share of one subsystem's component value."""

    subsystem: Subsystem
    total_usd: float
    domestic_usd: float
    target: float | None

    @property
    def share(self) -> float:
        """Domestic value over total value (0 for an empty subsystem)."""
        return self.domestic_usd / self.total_usd if self.total_usd > 0 else 0.0

    @property
    def passes(self) -> bool | None:
        """Against the subsystem target, where the rules set one."""
        return None if self.target is None else self.share >= self.target


@dataclass(frozen=True)
class DomesticResult:
    """A rack's domestic content in one year under one set of rules."""

    rack_id: str
    year: int
    rules_name: str
    counted_usd: float
    domestic_usd: float
    threshold: float
    by_subsystem: tuple[SubsystemShare, ...]
    final_assembly_countries: tuple[str, ...]
    final_assembly_required: bool
    final_assembly_ok: bool
    top_foreign: tuple[CostLine, ...]

    @property
    def share(self) -> float:
        """Domestic share of counted component value."""
        return self.domestic_usd / self.counted_usd if self.counted_usd > 0 else 0.0

    @property
    def passes_value(self) -> bool:
        """The value test (BAA: domestic share must exceed the threshold)."""
        return self.share > self.threshold

    @property
    def final_assembly_domestic(self) -> bool:
        """True when every final-assembly step is at a domestic site (and there is one)."""
        return bool(self.final_assembly_countries) and self.final_assembly_ok

    @property
    def passes_final_assembly(self) -> bool:
        """The final-assembly test (always passes when the rules do not require it)."""
        return self.final_assembly_domestic or not self.final_assembly_required

    @property
    def passes(self) -> bool:
        """Both tests."""
        return self.passes_value and self.passes_final_assembly


def domestic_content(rollup: Rollup, rules: DomesticRules, *, top: int = 10) -> DomesticResult:
    """Evaluate ``rollup`` against ``rules`` in the roll-up's year."""
    domestic = set(rules.domestic_countries)
    counted = [
        line for line in rollup.lines if rules.include_services or line.kind is PartKind.COMPONENT
    ]
    by_subsystem = []
    for subsystem in Subsystem:
        lines = [line for line in counted if line.subsystem is subsystem]
        by_subsystem.append(
            SubsystemShare(
                subsystem=subsystem,
                total_usd=sum(line.extended_cost_usd for line in lines),
                domestic_usd=sum(
                    line.extended_cost_usd for line in lines if line.country in domestic
                ),
                target=rules.subsystem_targets.get(subsystem),
            )
        )
    final = [line for line in rollup.lines if line.category in rules.final_assembly.categories]
    foreign = sorted(
        (line for line in counted if line.country not in domestic),
        key=lambda line: -line.extended_cost_usd,
    )
    return DomesticResult(
        rack_id=rollup.rack_id,
        year=rollup.year,
        rules_name=rules.name,
        counted_usd=sum(line.extended_cost_usd for line in counted),
        domestic_usd=sum(line.extended_cost_usd for line in counted if line.country in domestic),
        threshold=rules.threshold(rollup.year),
        by_subsystem=tuple(by_subsystem),
        final_assembly_countries=tuple(sorted({line.country for line in final})),
        final_assembly_required=rules.final_assembly.required,
        final_assembly_ok=all(line.country in domestic for line in final),
        top_foreign=tuple(foreign[:top]),
    )
