"""Sensitivity (tornado) data: one figure recomputed with each assumption at its low and high.

``tornado`` is generic: it takes the base figure, the sweep ranges and a function that recomputes
the figure with one named assumption changed; bars come out widest first, ready to chart.
``tco_tornado`` applies it to a rack's TCO per rack-year or its cost per million tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from rackwright.demand.rates import WorkRate
from rackwright.finance.assumptions import AssumptionRange, FinanceAssumptions
from rackwright.finance.tco import FacilityEconomics, RackTcoInputs, rack_tco, with_facility_value
from rackwright.finance.work import workload_economics

TCO_METRICS = ("tco_usd_per_rack_year", "usd_per_million_tokens")


@dataclass(frozen=True)
class TornadoBar:
    """One assumption at its low and high, and the figure at each."""

    name: str
    label: str
    unit: str
    low: float
    high: float
    result_at_low: float
    result_at_high: float
    sources: tuple[str, ...]

    @property
    def swing(self) -> float:
        """Width of the bar."""
        return abs(self.result_at_high - self.result_at_low)

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {**asdict(self), "swing": self.swing, "sources": list(self.sources)}


@dataclass(frozen=True)
class Tornado:
    """A figure's sensitivity to each swept assumption, widest bar first."""

    metric: str
    subject: str
    base: float
    bars: tuple[TornadoBar, ...]

    def to_json(self) -> dict[str, Any]:
        """JSON-able form (what the report charts)."""
        return {
            "metric": self.metric,
            "subject": self.subject,
            "base": self.base,
            "bars": [b.to_json() for b in self.bars],
        }


def tornado(
    metric: str,
    subject: str,
    base: float,
    ranges: Sequence[AssumptionRange],
    evaluate: Callable[[str, float], float | None],
) -> Tornado:
    """Sweep each range through ``evaluate(name, value)``; a None result drops the range."""
    bars: list[TornadoBar] = []
    for r in ranges:
        low, high = evaluate(r.name, r.low), evaluate(r.name, r.high)
        if low is None or high is None:
            continue
        bars.append(TornadoBar(r.name, r.label, r.unit, r.low, r.high, low, high, r.sources))
    bars.sort(key=lambda b: b.swing, reverse=True)
    return Tornado(metric=metric, subject=subject, base=base, bars=tuple(bars))


_ASSUMPTION_FIELDS = {f.name for f in fields(FinanceAssumptions)} - {"sources", "cluster_gpus"}
_FACILITY_FIELDS = {"pue_ratio", "electricity_usd_per_kwh", "build_cost_usd_per_w"}


def tco_figure(
    rack: RackTcoInputs,
    facility: FacilityEconomics,
    assumptions: FinanceAssumptions,
    metric: str,
    rate: WorkRate | None = None,
) -> float:
    """TCO per rack-year, or cost per million tokens of ``rate``'s workload."""
    tco = rack_tco(rack, facility, assumptions)
    if metric == "tco_usd_per_rack_year":
        return tco.tco_usd_per_rack_year
    if rate is None:
        raise ValueError("cost per million tokens needs a work rate")
    return workload_economics(tco, rate, assumptions.utilisation).usd_per_million_tokens


def tco_tornado(
    rack: RackTcoInputs,
    facility: FacilityEconomics,
    assumptions: FinanceAssumptions,
    ranges: Sequence[AssumptionRange],
    metric: str = "tco_usd_per_rack_year",
    rate: WorkRate | None = None,
) -> Tornado:
    """Tornado of one rack's TCO figure over the TCO and facility assumptions in ``ranges``."""
    if metric not in TCO_METRICS:
        raise ValueError(f"unknown TCO metric {metric}")

    def evaluate(name: str, value: float) -> float | None:
        if name in _FACILITY_FIELDS:
            return tco_figure(
                rack, with_facility_value(facility, name, value), assumptions, metric, rate
            )
        if name in _ASSUMPTION_FIELDS:
            return tco_figure(rack, facility, assumptions.with_value(name, value), metric, rate)
        return None

    base = tco_figure(rack, facility, assumptions, metric, rate)
    subject = rack.rack_id if rate is None else f"{rate.workload} on {rack.rack_id}"
    return tornado(metric, subject, base, ranges, evaluate)
