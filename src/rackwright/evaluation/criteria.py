"""Acceptance rules: each a small named function returning figure, limit, unit and a why.

A new rule is one more entry in ``RULES`` (the way ``rack/rules.py`` does it). A rule with
nothing to measure (no supported results, no measured power) is ``n/a``, which does not pass:
the program's verdict needs every criterion to pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from rackwright.evaluation.program import Criterion, DeliveredUnit
from rackwright.evaluation.records import EvaluationRecord


class Outcome(StrEnum):
    """A criterion's result."""

    PASS = "pass"
    FAIL = "fail"
    NA = "n/a"


@dataclass(frozen=True)
class CriterionResult:
    """One criterion evaluated: the figure, the limit it is held to, and why."""

    id: str
    rule: str
    figure: float | None
    limit: float
    bound: str  # "min" or "max"
    unit: str
    outcome: Outcome
    why: str

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        data = asdict(self)
        data["outcome"] = self.outcome.value
        return data


@dataclass(frozen=True)
class Evidence:
    """What the rules read: the records, the units, and each system's rated maximum power."""

    records: Sequence[EvaluationRecord]
    units: Sequence[DeliveredUnit]
    power_max_w: Mapping[str, float]


Figure = tuple[float | None, str, str]  # value, unit, why
Rule = Callable[[Evidence], Figure]


def _ratios(ev: Evidence) -> list[EvaluationRecord]:
    return [r for r in ev.records if r.throughput_ratio is not None]


def throughput_vs_predicted(ev: Evidence) -> Figure:
    """Lowest delivered / predicted throughput over every supported benchmark."""
    ok = _ratios(ev)
    if not ok:
        return None, "ratio", "no benchmark the model can predict"
    worst = min(ok, key=lambda r: r.throughput_ratio or 0.0)
    return worst.throughput_ratio, "ratio", f"worst: {worst.id} ({worst.metric}, {worst.system})"


def mean_throughput_vs_predicted(ev: Evidence) -> Figure:
    """Mean delivered / predicted throughput over the supported benchmarks."""
    ok = _ratios(ev)
    if not ok:
        return None, "ratio", "no benchmark the model can predict"
    mean = sum(r.throughput_ratio or 0.0 for r in ok) / len(ok)
    return mean, "ratio", f"mean of {len(ok)} benchmarks"


def burn_in_hours(ev: Evidence) -> Figure:
    """Fewest failure-free burn-in hours of any unit (a unit with a failure counts 0)."""
    hours = [(u.burn_in_hours if u.failures == 0 else 0.0, u.id) for u in ev.units]
    low, unit_id = min(hours)
    return low, "h", f"lowest: {unit_id} (a unit with a failure counts 0 h)"


def failures(ev: Evidence) -> Figure:
    """Failures during burn-in over all units."""
    total = sum(u.failures for u in ev.units)
    return float(total), "count", f"over {len(ev.units)} units"


def power_within_spec(ev: Evidence) -> Figure:
    """Highest measured wall power as a share of the system's rated maximum."""
    shares = [
        (u.power_measured_w / ev.power_max_w[u.system], u.id)
        for u in ev.units
        if u.power_measured_w is not None
    ]
    if not shares:
        return None, "ratio", "no unit reports measured power"
    high, unit_id = max(shares)
    return high, "ratio", f"highest: {unit_id}, of the catalog's power_max_w"


def units_delivered(ev: Evidence) -> Figure:
    """Units delivered for evaluation."""
    return float(len(ev.units)), "count", "units in the program"


RULES: dict[str, Rule] = {
    "throughput_vs_predicted": throughput_vs_predicted,
    "mean_throughput_vs_predicted": mean_throughput_vs_predicted,
    "burn_in_hours": burn_in_hours,
    "failures": failures,
    "power_within_spec": power_within_spec,
    "units_delivered": units_delivered,
}


def judge(criterion: Criterion, evidence: Evidence) -> CriterionResult:
    """Evaluate one criterion against the evidence."""
    figure, unit, why = RULES[criterion.rule](evidence)
    bound = "min" if criterion.min is not None else "max"
    limit = criterion.limit
    if figure is None:
        outcome = Outcome.NA
    elif bound == "min":
        outcome = Outcome.PASS if figure >= limit else Outcome.FAIL
    else:
        outcome = Outcome.PASS if figure <= limit else Outcome.FAIL
    return CriterionResult(criterion.id, criterion.rule, figure, limit, bound, unit, outcome, why)
