"""The rack stage: every engineering rule on every scenario generation, and the rack figures
(power, weight) every later stage reads from here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rackwright.chain.inputs import PlanInputs
from rackwright.chain.stage import Stage, Upstream
from rackwright.rack.results import WARN_FRACTION, RackAnalysis, RackReport
from rackwright.rack.rules import check


@dataclass(frozen=True)
class RackStageResult:
    """One rule report per scenario generation, in the scenario's order."""

    reports: tuple[RackReport, ...]

    def report(self, rack_id: str) -> RackReport:
        """The report of ``rack_id`` (KeyError when it is not a scenario generation)."""
        for report in self.reports:
            if report.rack_id == rack_id:
                return report
        raise KeyError(rack_id)

    def analysis(self, rack_id: str) -> RackAnalysis:
        """The engineering figures of ``rack_id``: the one source of its power and weight."""
        return self.report(rack_id).analysis

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"warn_fraction": WARN_FRACTION, "racks": [r.to_dict() for r in self.reports]}


def run(inputs: PlanInputs, upstream: Upstream) -> RackStageResult:
    """Check every generation's rack design against the catalog."""
    catalog = inputs.catalog
    return RackStageResult(
        tuple(check(catalog.rack(g.rack), catalog) for g in inputs.scenario.generations)
    )


RACK = Stage("rack", "Rack engineering", (), run, RackStageResult)
