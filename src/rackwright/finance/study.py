"""One TCO study: every rack design's TCO, what its work costs, the tornados, the decision.

This is what the chain's finance stage returns: ``tco_study`` takes typed inputs only (rack
capex from the BOM or sourcing stage, rack power from the rack stage, rates from the workloads
stage, facility from the catalog) and does no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rackwright.demand.rates import WorkRate
from rackwright.finance.assumptions import FinanceAssumptions, FinanceDefaults
from rackwright.finance.decision import DecisionInputs
from rackwright.finance.memo import PurchaseDecision, decide
from rackwright.finance.sensitivity import Tornado, tco_tornado
from rackwright.finance.tco import FacilityEconomics, RackTco, RackTcoInputs, rack_tco
from rackwright.finance.work import WorkloadEconomics, workload_economics


@dataclass(frozen=True)
class TcoStudy:
    """TCO per rack design, per workload, sensitivity and (when asked) the purchase decision."""

    facility: FacilityEconomics
    assumptions: FinanceAssumptions
    racks: tuple[RackTco, ...]
    workloads: tuple[WorkloadEconomics, ...]
    tornados: tuple[Tornado, ...]
    decision: PurchaseDecision | None

    def rack(self, rack_id: str) -> RackTco:
        """The TCO of ``rack_id``."""
        return next(r for r in self.racks if r.rack == rack_id)

    def to_json(self) -> dict[str, Any]:
        """The ``tco --json`` document."""
        return {
            "facility": self.facility.__dict__,
            "assumptions": self.assumptions.to_json(),
            "racks": [r.to_json() for r in self.racks],
            "workloads": [w.to_json() for w in self.workloads],
            "tornado": [t.to_json() for t in self.tornados],
            "decision": self.decision.to_json() if self.decision is not None else None,
        }


def tco_study(
    racks: Sequence[RackTcoInputs],
    rates: Sequence[WorkRate],
    facility: FacilityEconomics,
    defaults: FinanceDefaults,
    decision: DecisionInputs | None = None,
) -> TcoStudy:
    """TCO of each rack, the cost of each rate's work on it, tornados, and the decision."""
    a = defaults.assumptions
    tcos = tuple(rack_tco(r, facility, a) for r in racks)
    by_rack = {t.rack: t for t in tcos}
    work = tuple(
        workload_economics(by_rack[rate.rack], rate, a.utilisation)
        for rate in rates
        if rate.rack in by_rack
    )
    tornados = [tco_tornado(r, facility, a, defaults.ranges) for r in racks]
    tornados += [
        tco_tornado(r, facility, a, defaults.ranges, "usd_per_million_tokens", rate)
        for r in racks
        for rate in rates
        if rate.rack == r.rack_id
    ]
    chosen = decide(decision, defaults.ranges) if decision is not None else None
    return TcoStudy(facility, a, tcos, work, tuple(tornados), chosen)
