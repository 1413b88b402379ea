"""Mitigation sizing: what lifts each red-flag scenario's TTS to its TTR, at what cost.

For a red-flag scenario one LP (``DisruptionSolver.extra_needed``) finds the least extra
supply per period r_j of each failed node's material that lets the network lose nothing over
the TTR (weighted by unit cost when known, so the cheapest mix of nodes is chosen). That rate
can come two ways, and both are reported:

- a buffer: ``r_j x TTR`` extra units of the material on hand (README semantics: stock at a
  failed node can still ship), costing ``units x unit_cost x holding_rate_per_year`` a year;
- a second source: a qualified site outside the disruption able to ship ``r_j`` per period
  (its own inputs assumed unaffected), costing the price premium on that volume a year.

Either removes the whole scenario loss (TTS >= TTR means nothing is lost over the TTR), so the
exposure removed is the scenario's loss; mitigations are ranked by exposure removed per dollar
of annual cost. Without unit costs the sizes are still given and the cost is None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from rackwright.errors import InputError
from rackwright.risk.lp import build_disruption_lp
from rackwright.risk.network import SupplyNetwork
from rackwright.risk.results import RiskAnalysis, ScenarioResult
from rackwright.risk.solver import DisruptionSolver

HOLDING_RATE_PER_YEAR = 0.25
"""Carrying cost of inventory per year as a share of its value (assumption ARISK04)."""

SECOND_SOURCE_PREMIUM = 0.10
"""Price premium paid on the volume kept at a second source (assumption ARISK05)."""

PERIODS_PER_YEAR = {"day": 365.0, "week": 52.0, "month": 12.0, "quarter": 4.0, "year": 1.0}


class MitigationKind(StrEnum):
    """How the missing supply is covered."""

    BUFFER = "buffer"
    SECOND_SOURCE = "second_source"


@dataclass(frozen=True)
class MitigationCosts:
    """Cost parameters of mitigation sizing (both labelled assumptions by default)."""

    holding_rate_per_year: float = HOLDING_RATE_PER_YEAR
    second_source_premium: float = SECOND_SOURCE_PREMIUM

    def __post_init__(self) -> None:
        for name in ("holding_rate_per_year", "second_source_premium"):
            value = getattr(self, name)
            if not 0.0 <= value <= 10.0:
                raise InputError("must be a share between 0 and 10", field=name, value=value)


@dataclass(frozen=True)
class NodeMitigation:
    """The extra supply one failed node's material needs."""

    node: str
    material: str
    rate: float  # units per period (the second source's capacity)
    buffer_units: float  # rate x TTR
    buffer_periods: float | None  # buffer in periods of the node's full output (None: unlimited)
    unit_cost: float | None


@dataclass(frozen=True)
class Mitigation:
    """One way to clear one red flag, its annual cost and exposure removed per dollar."""

    scenario: str
    kind: MitigationKind
    exposure_removed: float
    annual_cost: float | None
    nodes: tuple[NodeMitigation, ...]

    @property
    def per_dollar(self) -> float | None:
        """Exposure removed per dollar of annual cost (None without a cost; inf when free)."""
        if self.annual_cost is None:
            return None
        return self.exposure_removed / self.annual_cost if self.annual_cost > 0 else float("inf")

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "scenario": self.scenario,
            "kind": self.kind.value,
            "exposure_removed": self.exposure_removed,
            "annual_cost": self.annual_cost,
            "exposure_removed_per_dollar": self.per_dollar,
            "nodes": [
                {
                    "node": n.node,
                    "material": n.material,
                    "rate_per_period": n.rate,
                    "buffer_units": n.buffer_units,
                    "buffer_periods": n.buffer_periods,
                    "unit_cost": n.unit_cost,
                }
                for n in self.nodes
            ],
        }


@dataclass(frozen=True)
class MitigationPlan:
    """Mitigations ranked by exposure removed per dollar; red flags no mitigation clears."""

    period: str
    costs: MitigationCosts
    mitigations: tuple[Mitigation, ...]
    unmitigable: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "period": self.period,
            "holding_rate_per_year": self.costs.holding_rate_per_year,
            "second_source_premium": self.costs.second_source_premium,
            "mitigations": [m.to_json() for m in self.mitigations],
            "unmitigable": list(self.unmitigable),
        }


def periods_per_year(period: str) -> float:
    """Periods in a year for the network's period label (day, week, month, quarter, year)."""
    key = period.strip().lower().removesuffix("s")
    if key not in PERIODS_PER_YEAR:
        raise InputError(
            f"cannot price mitigations per year for period '{period}'; use one of "
            f"{', '.join(PERIODS_PER_YEAR)}",
            field="period",
            value=period,
        )
    return PERIODS_PER_YEAR[key]


def _node_sizes(
    net: SupplyNetwork, scenario: ScenarioResult, rates: np.ndarray, order: list[str]
) -> tuple[NodeMitigation, ...]:
    sizes = []
    for node_id, rate in zip(order, rates.tolist(), strict=True):
        if rate <= 0:
            continue
        node = net.node(node_id)
        units = rate * scenario.ttr
        sizes.append(
            NodeMitigation(
                node=node_id,
                material=node.material,
                rate=rate,
                buffer_units=units,
                buffer_periods=units / node.capacity if node.capacity else None,
                unit_cost=node.unit_cost,
            )
        )
    return tuple(sizes)


def _annual(nodes: Sequence[NodeMitigation], per_unit: float, *, stock: bool) -> float | None:
    if any(n.unit_cost is None for n in nodes):
        return None
    return sum(
        (n.buffer_units if stock else n.rate) * (n.unit_cost or 0.0) * per_unit for n in nodes
    )


def _rank_key(m: Mitigation) -> tuple[int, float, str, str]:
    per = m.per_dollar
    return (
        0 if per is not None else 1,
        -(per if per is not None else m.exposure_removed),
        m.scenario,
        m.kind.value,
    )


def size_mitigations(
    net: SupplyNetwork, analysis: RiskAnalysis, costs: MitigationCosts | None = None
) -> MitigationPlan:
    """Buffer and second-source mitigations for every red flag of ``analysis``, ranked."""
    chosen = costs or MitigationCosts()
    red = analysis.red_flags()
    year = periods_per_year(net.period) if red else 1.0
    solver = DisruptionSolver(build_disruption_lp(net, extra_supply=True))
    mitigations: list[Mitigation] = []
    unmitigable: list[str] = []
    for scenario in red:
        order = sorted(dict.fromkeys(scenario.disrupted), key=net.index)
        weight = np.array([net.node(n).unit_cost or 1.0 for n in order])
        rates = solver.extra_needed([net.index(n) for n in order], scenario.ttr, weight)
        if rates is None:
            unmitigable.append(scenario.id)
            continue
        nodes = _node_sizes(net, scenario, rates, order)
        holding = chosen.holding_rate_per_year
        premium = chosen.second_source_premium * year
        mitigations.append(
            Mitigation(
                scenario.id,
                MitigationKind.BUFFER,
                scenario.loss,
                _annual(nodes, holding, stock=True),
                nodes,
            )
        )
        mitigations.append(
            Mitigation(
                scenario.id,
                MitigationKind.SECOND_SOURCE,
                scenario.loss,
                _annual(nodes, premium, stock=False),
                nodes,
            )
        )
    return MitigationPlan(
        period=net.period,
        costs=chosen,
        mitigations=tuple(sorted(mitigations, key=_rank_key)),
        unmitigable=tuple(unmitigable),
    )
