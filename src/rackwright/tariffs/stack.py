"""Evaluate the duty stack for one article on one day: pure, line by line.

Order matters and follows the law's stacking rules: MFN first (an all-in deal rate is net of
it), then Section 232 (which decides how much of the value the other layers still reach), then
Section 301, then the country surcharges. A Section 232 duty on metal content leaves the rest of
the value to the reciprocal / Section 122 layers; a Section 232 duty on the full value leaves
them nothing; China's fentanyl duty and Section 301 stack on the full value regardless.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rackwright.tariffs.models import (
    FAMILY_ORDER,
    USMCA_COUNTRIES,
    Base,
    DutyLine,
    DutyStack,
    Family,
    PartFacts,
    RatePeriod,
    Rule,
    pct,
)


@dataclass(frozen=True)
class Coverage:
    """How much of the value Section 232 has taken so far."""

    full: bool = False  # a full-value 232 duty applies
    content: float = 0.0  # share of value taxed as metal content
    any_232: bool = False  # some 232 duty applies at all

    def left(self) -> float:
        """The share of value the non-232 layers still reach."""
        return 0.0 if self.full else max(1.0 - self.content, 0.0)


def duty_stack(
    rules: Iterable[Rule], hts: str, origin: str, day: date, facts: PartFacts | None = None
) -> DutyStack:
    """Every rule that reaches ``hts`` from ``origin`` on ``day``, with its effective rate."""
    facts = facts or PartFacts()
    live = [(r, p) for r in rules if r.reaches(hts, origin) and (p := r.period_on(day))]
    lifting = {
        r.excludes: (r, p)
        for r, p in live
        if r.is_exclusion and _in_value_range(r, facts) and not r.exemption_for(hts)
    }
    duties = sorted(
        ((r, p) for r, p in live if not r.is_exclusion),
        key=lambda rp: FAMILY_ORDER.index(rp[0].family),
    )
    mfn = 0.0
    coverage = Coverage()
    lines: list[DutyLine] = []
    for rule, period in duties:
        line, coverage = _evaluate(rule, period, hts, origin, facts, mfn, coverage, lifting)
        if rule.family is Family.MFN:
            mfn += line.rate
        lines.append(line)
    return DutyStack(hts=hts, origin=origin, lines=tuple(lines))


def _evaluate(
    rule: Rule,
    period: RatePeriod,
    hts: str,
    origin: str,
    facts: PartFacts,
    mfn: float,
    coverage: Coverage,
    lifting: dict[str, tuple[Rule, RatePeriod]],
) -> tuple[DutyLine, Coverage]:
    """One rule's line and the Section 232 coverage after it."""
    why_not = _exempt_because(rule, hts, origin, facts, coverage, lifting)
    if why_not:
        return _line(rule, 0.0, why_not), coverage
    rate, how, matched = period.rate_for(hts, origin, mfn)
    if not matched and period.hts_rates and not rule.hts:
        how += " (line not in the rule's table: its default, T-A1)"
    if rule.base is Base.METAL:
        return _metal_content(rule, rate, how, facts, coverage)
    if rule.base is Base.NON_232:
        left = coverage.left()
        basis = how if left >= 1.0 else f"{how} on the {pct(left)} of value outside Section 232"
        return _line(rule, rate * left, basis), coverage
    if rule.family is Family.S232:
        return _full_value_232(rule, rate, how, facts, coverage)
    return _line(rule, rate, how), coverage


def _exempt_because(
    rule: Rule,
    hts: str,
    origin: str,
    facts: PartFacts,
    coverage: Coverage,
    lifting: dict[str, tuple[Rule, RatePeriod]],
) -> str:
    """Why the rule adds nothing to this article ('' when it applies)."""
    if rule.id in lifting:
        exclusion, period = lifting[rule.id]
        return f"excluded by {exclusion.name} ({period.span()})"
    exemption = rule.exemption_for(hts)
    if exemption is not None:
        return f"exempt: {exemption.reason}"
    if rule.exempt_usmca and origin in USMCA_COUNTRIES and facts.usmca:
        return "exempt: USMCA-qualifying good"
    missing = [flag for flag in rule.requires if flag not in facts.flags]
    if missing:
        return f"not reached: the article is not {', '.join(missing)}"
    if facts.end_use in rule.end_use_exempt:
        return f"exempt: end use {facts.end_use}"
    if rule.exclude_if_232 and coverage.any_232:
        return "excluded: the article pays Section 232"
    return ""


def _metal_content(
    rule: Rule, rate: float, how: str, facts: PartFacts, coverage: Coverage
) -> tuple[DutyLine, Coverage]:
    """A Section 232 duty on the value of the metal content (U.S.-melted metal exempt)."""
    share = facts.metal_share(rule.metals) * (1.0 - facts.us_melted_share)
    metals = "/".join(rule.metals)
    basis = f"{how} on the {metals} content ({pct(share)} of value)"
    if facts.us_melted_share > 0:
        basis += f"; {pct(facts.us_melted_share)} of the metal U.S.-melted, exempt"
    covered = Coverage(
        full=coverage.full,
        content=min(coverage.content + share, 1.0),
        any_232=coverage.any_232 or share > 0,
    )
    return _line(rule, rate * share, basis), covered


def _full_value_232(
    rule: Rule, rate: float, how: str, facts: PartFacts, coverage: Coverage
) -> tuple[DutyLine, Coverage]:
    """A Section 232 duty on the full value, with its de minimis and U.S.-metal provisions."""
    floor = rule.min_metal_weight_share
    if floor is not None and facts.weight_share <= floor:
        basis = f"not reached: metal is {pct(facts.weight_share)} of weight (<= {pct(floor)})"
        return _line(rule, 0.0, basis), coverage
    if rule.us_metal_rate is not None and facts.us_melted_share >= rule.us_metal_threshold:
        rate = rule.us_metal_rate
        how = f"{pct(rate)}: metal >= {pct(rule.us_metal_threshold)} U.S.-melted"
    # a Section 232 article whatever the rate: the layers that exclude 232 articles stay out
    covered = Coverage(full=True, content=coverage.content, any_232=True)
    return _line(rule, rate, f"{how} on the full value"), covered


def _in_value_range(rule: Rule, facts: PartFacts) -> bool:
    """True when an exclusion's unit-value band (if any) holds the article's unit value."""
    low, high = rule.unit_value_usd
    if low is None and high is None:
        return True
    value = facts.unit_value_usd
    if value is None:
        return False  # an exclusion by value needs the value: without it, claim nothing
    return (low is None or value > low) and (high is None or value <= high)


def _line(rule: Rule, rate: float, basis: str) -> DutyLine:
    return DutyLine(
        rule=rule.id, family=rule.family, rate=rate, basis=basis, source=rule.source_text()
    )
