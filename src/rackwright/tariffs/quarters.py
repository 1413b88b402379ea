"""Duties per import quarter: the day-weighted stack of the rules in force during each quarter.

An order arriving in a quarter is taken to enter evenly over its days (a labelled assumption,
T-A2): a rule that changes on 24 July weighs 70 of 92 days in Q3 at its old rate. This is what the
sourcing optimizer applies to each order, by the quarter it is imported.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from rackwright.errors import InputError
from rackwright.tariffs.models import DutyLine, DutyStack, Family, PartClass, PartFacts, Rule
from rackwright.tariffs.stack import duty_stack

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_span(label: str) -> tuple[date, date]:
    """``"2026Q3"`` -> (2026-07-01, 2026-10-01): first day, and first day after."""
    match = _QUARTER.match(label)
    if match is None:
        raise InputError("a quarter looks like 2026Q3", field="period", value=label)
    year, quarter = int(match.group(1)), int(match.group(2))
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end


def boundaries(rules: Iterable[Rule]) -> tuple[date, ...]:
    """Every date a rule period starts or ends, sorted."""
    days = {p.start for r in rules for p in r.periods}
    days |= {p.end for r in rules for p in r.periods if p.end is not None}
    return tuple(sorted(days))


@dataclass(frozen=True)
class QuarterDuty:
    """The day-weighted duty of one article imported in one quarter."""

    period: str
    lines: tuple[DutyLine, ...]

    @property
    def total_rate(self) -> float:
        """The day-weighted ad-valorem duty: the sum of the lines."""
        return sum(line.rate for line in self.lines)

    def by_family(self) -> dict[Family, float]:
        """Rate per family."""
        return DutyStack(hts="", origin="", lines=self.lines).by_family()

    def to_json(self) -> dict[str, Any]:
        """``{"period", "total_rate", "lines"}``."""
        return {
            "period": self.period,
            "total_rate": self.total_rate,
            "lines": [line.to_json() for line in self.lines],
        }


def quarter_duty(
    rules: Sequence[Rule], hts: str, origin: str, facts: PartFacts, label: str
) -> QuarterDuty:
    """The stack of ``hts`` from ``origin`` averaged over the days of quarter ``label``."""
    start, end = quarter_span(label)
    reaching = [r for r in rules if r.reaches(hts, origin)]
    cuts = [start, *(d for d in boundaries(reaching) if start < d < end), end]
    total_days = (end - start).days
    segments = [
        ((b - a).days / total_days, a, duty_stack(reaching, hts, origin, a, facts))
        for a, b in itertools.pairwise(cuts)
    ]
    return QuarterDuty(period=label, lines=_merge(segments))


def _merge(segments: list[tuple[float, date, DutyStack]]) -> tuple[DutyLine, ...]:
    """One line per rule: its day-weighted rate, and its basis in each stretch it applies in."""
    first: dict[str, DutyLine] = {}
    rate: dict[str, float] = {}
    stretches: dict[str, list[list[Any]]] = {}  # rule -> [[basis, weight, first day], ...]
    for weight, day, stack in segments:
        for line in stack.lines:
            first.setdefault(line.rule, line)
            rate[line.rule] = rate.get(line.rule, 0.0) + weight * line.rate
            runs = stretches.setdefault(line.rule, [])
            if runs and runs[-1][0] == line.basis:
                runs[-1][1] += weight  # the same basis carries on: one stretch
            else:
                runs.append([line.basis, weight, day])
    return tuple(
        DutyLine(
            rule=rid,
            family=line.family,
            rate=rate[rid],
            basis=_stretch_text(stretches[rid]),
            source=line.source,
        )
        for rid, line in first.items()
    )


def _stretch_text(runs: list[list[Any]]) -> str:
    if len(runs) == 1 and runs[0][1] >= 1.0 - 1e-9:
        return str(runs[0][0])
    return "; ".join(
        f"from {day.isoformat()} ({weight:.0%} of the quarter): {basis}"
        for basis, weight, day in runs
    )


class OfferLike(Protocol):
    """What the duty schedule needs of a sourcing offer (``SourcingOffer`` has all of it)."""

    @property
    def offer_id(self) -> str: ...

    @property
    def part_id(self) -> str: ...

    @property
    def country(self) -> str: ...


@dataclass(frozen=True)
class OfferDuties:
    """The duty rate of one offer in each quarter, with the per-rule breakdown."""

    offer_id: str
    part_id: str
    country: str
    hts: str
    quarters: tuple[QuarterDuty, ...]

    @property
    def rates(self) -> tuple[float, ...]:
        """The total duty rate per quarter, in the order of the quarters asked for."""
        return tuple(q.total_rate for q in self.quarters)


def offer_duties(
    rules: Sequence[Rule], part: PartClass, offer: OfferLike, periods: Sequence[str]
) -> OfferDuties:
    """Duty per quarter of ``periods`` for one offer of ``part`` (its facts, its origin)."""
    facts = part.facts_for(offer.offer_id)
    return OfferDuties(
        offer_id=offer.offer_id,
        part_id=offer.part_id,
        country=offer.country,
        hts=part.hts,
        quarters=tuple(quarter_duty(rules, part.hts, offer.country, facts, p) for p in periods),
    )
