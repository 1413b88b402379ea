"""Policy scenarios: the rules in force with some dated periods replaced and some rules added.

``CURRENT`` is the rules as they stand (in force, and as already announced for later dates). A
scenario's changed period replaces whatever part of the rule's periods it overlaps: an earlier
period is cut short at the new one's start, a later one starts after its end.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from rackwright.errors import InputError
from rackwright.tariffs.models import PolicyScenario, RatePeriod, Rule, TariffRules

CURRENT = "current"


def scenario_names(tariffs: TariffRules) -> tuple[str, ...]:
    """``current`` and every scenario of the rule set."""
    return (CURRENT, *sorted(tariffs.scenarios))


def rules_under(tariffs: TariffRules, scenario: str = CURRENT) -> tuple[Rule, ...]:
    """The rule set as ``scenario`` has it (InputError naming the known ones when unknown)."""
    if scenario == CURRENT:
        return tariffs.rules
    found = tariffs.scenarios.get(scenario)
    if found is None:
        raise InputError(
            f"unknown tariff scenario; known: {', '.join(scenario_names(tariffs))}",
            file=tariffs.file,
            field="scenario",
            value=scenario,
        )
    return apply_scenario(tariffs.rules, found)


def apply_scenario(rules: tuple[Rule, ...], scenario: PolicyScenario) -> tuple[Rule, ...]:
    """``rules`` with the scenario's periods spliced in and its rules added (or replaced)."""
    by_id = {r.id: r for r in rules}
    for change in scenario.changes:
        rule = by_id.get(change.rule)
        if rule is None:
            raise InputError(
                f"scenario '{scenario.name}' changes an unknown rule",
                field=f"scenario.{scenario.name}.change",
                value=change.rule,
            )
        by_id[rule.id] = dataclasses.replace(rule, periods=splice(rule.periods, change.period))
    for added in scenario.added:
        by_id[added.id] = added
    return tuple(by_id.values())


def splice(periods: tuple[RatePeriod, ...], new: RatePeriod) -> tuple[RatePeriod, ...]:
    """``periods`` with ``new`` in place of what it overlaps (kept in date order)."""
    kept: list[RatePeriod] = []
    for period in periods:
        if not period.overlaps(new):
            kept.append(period)
            continue
        if period.start < new.start:
            kept.append(dataclasses.replace(period, end=new.start))
        if new.end is not None and (period.end is None or period.end > new.end):
            kept.append(dataclasses.replace(period, start=new.end))
    kept.append(new)
    return tuple(sorted(kept, key=lambda p: p.start))


def first_day_after(day: date) -> date:
    """The next day (exclusive end of a period that lasts through ``day``)."""
    return date.fromordinal(day.toordinal() + 1)
