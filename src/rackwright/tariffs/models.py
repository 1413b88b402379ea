"""Typed tariff rules, part classifications and facts, and the duty lines an evaluation returns.

A ``Rule`` is one legal layer (MFN, a Section 301 list, a Section 232 action, a country
surcharge, or an exclusion from one of them) with dated ``RatePeriod``s, the HTS lines and origins
it covers, the base it applies to (full value, metal content, or the value outside Section 232)
and its exemptions. Everything here is plain frozen data; ``stack.py`` evaluates it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from rackwright.catalog.models import Confidence, Source
from rackwright.errors import InputError
from rackwright.tariffs.hts import format_hts, longest_prefix

METALS = ("steel", "aluminum", "copper")
USMCA_COUNTRIES = frozenset({"MX", "CA"})
DEFAULT_END_USE = "us-data-center"


class Family(StrEnum):
    """The rule families the sourcing report totals duties by."""

    MFN = "mfn"
    S232 = "232"
    S301 = "301"
    SURCHARGE = "surcharge"


FAMILY_ORDER = (Family.MFN, Family.S232, Family.S301, Family.SURCHARGE)


class Base(StrEnum):
    """The part of the customs value a rule's rate applies to."""

    FULL = "full"  # the whole customs value
    METAL = "metal"  # the value of the listed metals' content (Section 232 before 2026-04-06)
    NON_232 = "non-232"  # the value Section 232 does not reach (reciprocal, Section 122 ...)


def pct(rate: float) -> str:
    """0.075 -> '7.5%' (for basis texts)."""
    return f"{rate * 100:.4g}%"


@dataclass(frozen=True)
class RatePeriod:
    """One dated rate of a rule: ``start`` inclusive, ``end`` exclusive (None: open-ended).

    ``rate`` applies unless the origin has its own (``origin_rates``), an all-in target that
    includes the MFN duty (``all_in``: the rule adds ``max(target - MFN, 0)``), or the HTS line a
    rate of its own (``hts_rates``, longest prefix wins).
    """

    start: date
    end: date | None
    rate: float
    origin_rates: Mapping[str, float] = field(default_factory=dict)
    all_in: Mapping[str, float] = field(default_factory=dict)
    hts_rates: Mapping[str, float] = field(default_factory=dict)
    note: str = ""

    def covers(self, day: date) -> bool:
        """True when the period is in force on ``day``."""
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, other: RatePeriod) -> bool:
        """True when the two periods share a day."""
        ends_after = other.end is None or self.start < other.end
        starts_before = self.end is None or other.start < self.end
        return ends_after and starts_before

    def rate_for(self, digits: str, origin: str, mfn: float) -> tuple[float, str, bool]:
        """The rate for ``digits`` from ``origin``, a few words saying which rate it is, and
        whether a line rate matched (False: the period's default rate)."""
        if origin in self.all_in:
            target = self.all_in[origin]
            return max(target - mfn, 0.0), f"{pct(target)} all-in less MFN {pct(mfn)}", True
        if origin in self.origin_rates:
            return self.origin_rates[origin], f"{pct(self.origin_rates[origin])} for {origin}", True
        prefix = longest_prefix(digits, tuple(self.hts_rates))
        if prefix is not None:
            found = self.hts_rates[prefix]
            return found, f"{pct(found)} on {format_hts(prefix)}", True
        return self.rate, pct(self.rate), False

    def span(self) -> str:
        """'2025-08-07 to 2026-02-23' (the last day in force), or 'from 2026-07-24'."""
        if self.end is None:
            return f"from {self.start.isoformat()}"
        last = date.fromordinal(self.end.toordinal() - 1)
        return f"{self.start.isoformat()} to {last.isoformat()}"


@dataclass(frozen=True)
class HtsExemption:
    """HTS lines a rule does not reach, and why (an annex, a list, a carve-out)."""

    prefixes: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Rule:
    """One legal layer of the duty stack, with its dated periods, scope and exemptions."""

    id: str
    name: str
    family: Family
    basis: str  # the legal instrument(s), e.g. "EO 14257 as amended; HTSUS 9903.01.25"
    sources: tuple[str, ...]
    confidence: Confidence
    periods: tuple[RatePeriod, ...]
    origins: frozenset[str] | None = None  # None: every origin but the U.S.
    hts: tuple[str, ...] = ()  # digit prefixes; empty: every product
    exemptions: tuple[HtsExemption, ...] = ()
    base: Base = Base.FULL
    metals: tuple[str, ...] = ()
    exempt_usmca: bool = False
    exclude_if_232: bool = False
    min_metal_weight_share: float | None = None  # at or below: out of scope (de minimis)
    us_metal_rate: float | None = None  # rate when the metal is U.S.-melted (full-value 232)
    us_metal_threshold: float = 0.95
    requires: tuple[str, ...] = ()  # part facts (flags) the rule needs to reach an article
    end_use_exempt: frozenset[str] = frozenset()
    excludes: str = ""  # an exclusion: the id of the rule it lifts for its lines
    unit_value_usd: tuple[float | None, float | None] = (None, None)
    notes: str = ""

    @property
    def is_exclusion(self) -> bool:
        """True for a rule that lifts another rule's duty rather than imposing one."""
        return bool(self.excludes)

    def period_on(self, day: date) -> RatePeriod | None:
        """The period in force on ``day`` (None: the rule is not in force then)."""
        return next((p for p in self.periods if p.covers(day)), None)

    def reaches(self, digits: str, origin: str) -> bool:
        """True when the rule's scope (origins and HTS lines) includes the article at all."""
        if origin == "US":
            return False  # U.S. goods pay no import duty
        if self.origins is not None and origin not in self.origins:
            return False
        return not self.hts or longest_prefix(digits, self.hts) is not None

    def exemption_for(self, digits: str) -> HtsExemption | None:
        """The exemption covering ``digits``, if any."""
        return next((e for e in self.exemptions if longest_prefix(digits, e.prefixes)), None)

    def source_text(self) -> str:
        """What a duty line cites: the legal basis and the source ids behind it."""
        return f"{self.basis} [{', '.join(self.sources)}; {self.confidence.value}]"


@dataclass(frozen=True)
class PartFacts:
    """What the law asks about an article beyond its HTS code and origin.

    ``metal_value_share``: the value of each metal's content as a share of the customs value (the
    base of Section 232 before 2026-04-06). ``metal_weight_share``: steel + aluminium + copper as a
    share of the article's weight (the 15 % de minimis since 2026-04-06; None: taken as the sum of
    the value shares). ``us_melted_share``: the share of that metal melted (smelted, cast) in the
    U.S. ``flags`` name facts rules test, e.g. ``advanced-chip`` (9903.79.01 technical limits).
    """

    metal_value_share: Mapping[str, float] = field(default_factory=dict)
    metal_weight_share: float | None = None
    us_melted_share: float = 0.0
    usmca: bool = False
    end_use: str = DEFAULT_END_USE
    unit_value_usd: float | None = None
    flags: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name, share in self.metal_value_share.items():
            if name not in METALS:
                raise InputError(f"unknown metal; use {', '.join(METALS)}", field=name, value=name)
            _share(f"{name}_value_share", share)
        if sum(self.metal_value_share.values()) > 1.0 + 1e-9:
            raise InputError(
                "metal value shares add up to more than 1",
                field="metal_value_share",
                value=dict(self.metal_value_share),
            )
        if self.metal_weight_share is not None:
            _share("metal_weight_share", self.metal_weight_share)
        _share("us_melted_share", self.us_melted_share)
        if self.unit_value_usd is not None and not (
            math.isfinite(self.unit_value_usd) and self.unit_value_usd >= 0
        ):
            raise InputError(
                "unit value must be >= 0 USD", field="unit_value_usd", value=self.unit_value_usd
            )

    def metal_share(self, metals: tuple[str, ...]) -> float:
        """The value share of the named metals' content."""
        return sum(self.metal_value_share.get(m, 0.0) for m in metals)

    @property
    def weight_share(self) -> float:
        """Steel + aluminium + copper as a share of weight (value shares when not given)."""
        if self.metal_weight_share is not None:
            return self.metal_weight_share
        return min(sum(self.metal_value_share.values()), 1.0)


def _share(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and 0.0 <= value <= 1.0):
        raise InputError(f"{name} must be a share between 0 and 1", field=name, value=value)


@dataclass(frozen=True)
class PartClass:
    """A part's HTS classification, the guidance behind it, and its facts (per offer if need be).

    ``uncertain`` marks a classification that could reasonably be another (``alternatives``);
    a user file overrides it by part id. ``value_basis`` says what the declared value is: the
    part, or (rack integration abroad) the whole rack entering as one computer.
    """

    key: str  # the part id, or "category:<name>" for a category default
    hts: str
    description: str
    guidance: str
    sources: tuple[str, ...]
    confidence: Confidence
    uncertain: bool = False
    alternatives: tuple[str, ...] = ()
    facts: PartFacts = field(default_factory=PartFacts)
    offer_facts: Mapping[str, PartFacts] = field(default_factory=dict)
    value_basis: str = "part"

    def facts_for(self, offer_id: str | None) -> PartFacts:
        """The facts of one offer (its own when given, else the part's)."""
        if offer_id is not None and offer_id in self.offer_facts:
            return self.offer_facts[offer_id]
        return self.facts


@dataclass(frozen=True)
class ScenarioChange:
    """A dated alternative for one rule: ``period`` replaces what it overlaps."""

    rule: str
    period: RatePeriod


@dataclass(frozen=True)
class PolicyScenario:
    """A named policy alternative to the rules in force: changed periods and added rules."""

    name: str
    description: str
    sources: tuple[str, ...]
    confidence: Confidence
    changes: tuple[ScenarioChange, ...] = ()
    added: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class DutyLine:
    """One line of a duty stack: a rule, its rate on the full customs value, why, and source."""

    rule: str
    family: Family
    rate: float
    basis: str
    source: str

    def to_json(self) -> dict[str, Any]:
        """Exactly ``{"rule", "rate", "basis", "source"}`` (rate as a fraction)."""
        return {"rule": self.rule, "rate": self.rate, "basis": self.basis, "source": self.source}


@dataclass(frozen=True)
class DutyStack:
    """Every rule that reaches an article on one day, line by line; the total is their sum."""

    hts: str
    origin: str
    lines: tuple[DutyLine, ...]

    @property
    def total_rate(self) -> float:
        """The ad-valorem duty on the customs value: the sum of the lines."""
        return sum(line.rate for line in self.lines)

    def by_family(self) -> dict[Family, float]:
        """The total rate of each family (every family present, zero when none applies)."""
        totals = dict.fromkeys(FAMILY_ORDER, 0.0)
        for line in self.lines:
            totals[line.family] += line.rate
        return totals

    def to_json(self) -> dict[str, Any]:
        """``{"total_rate": x, "lines": [...]}``."""
        return {"total_rate": self.total_rate, "lines": [ln.to_json() for ln in self.lines]}


@dataclass(frozen=True)
class TariffRules:
    """Everything the duty engine reads: rules, part classifications, scenarios and sources."""

    file: str
    rules: tuple[Rule, ...]
    parts: Mapping[str, PartClass]
    categories: Mapping[str, PartClass]
    scenarios: Mapping[str, PolicyScenario]
    sources: Mapping[str, Source]
    as_of: date

    def rule(self, rule_id: str) -> Rule:
        """The rule ``rule_id`` (InputError naming the known ones when absent)."""
        found = next((r for r in self.rules if r.id == rule_id), None)
        if found is None:
            raise InputError(
                f"unknown tariff rule; known: {', '.join(r.id for r in self.rules)}",
                file=self.file,
                field="rule",
                value=rule_id,
            )
        return found

    def class_of(self, part_id: str, category: str) -> PartClass:
        """The classification of a part: its own entry, else its category's default."""
        own = self.parts.get(part_id)
        if own is not None:
            return own
        default = self.categories.get(category)
        if default is None:
            raise InputError(
                f"part '{part_id}' (category '{category}') has no HTS classification; add a "
                "[[part]] or [[category]] entry to the tariff file",
                file=self.file,
                field="part",
                value=part_id,
            )
        return default
