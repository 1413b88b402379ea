"""Disruption events for Monte Carlo: which nodes go down together, how often, for how long.

A site event takes one node down; a regional event (a group: a country, a region, a port)
takes every member down at once, which is how correlated failures enter. Each event happens in
a trial (one year) with its ``probability`` and lasts a sampled ``Duration`` in periods.

Without an events file every node with a TTR and every group is an event. Their probabilities
share one network-wide rate: supply-chain disruptions lasting a month or longer happen about
once every 3.7 years in a company's value chain (McKinsey Global Institute, "Risk, resilience,
and rebalancing in global value chains", 2020: source ``ARISK02``), so the N events each get
``1 - exp(-(1/3.7)/N)`` per year. Durations are triangular around the TTR (``ARISK03``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from rackwright.errors import InputError
from rackwright.optim.model import FloatArray
from rackwright.risk.network import SupplyNetwork

NETWORK_EVENTS_PER_YEAR = 1.0 / 3.7
"""Month-plus disruptions per year in one value chain (MGI 2020; source ARISK02)."""

TRIANGULAR_TTR_SHAPE = (0.5, 1.0, 2.0)
"""Default duration: triangular with low, mode, high = these multiples of the TTR (ARISK03)."""


class DurationKind(StrEnum):
    """How an event's duration is drawn."""

    FIXED = "fixed"
    UNIFORM = "uniform"
    TRIANGULAR = "triangular"
    LOGNORMAL = "lognormal"


@dataclass(frozen=True)
class Duration:
    """A duration distribution in periods.

    fixed: ``value``; uniform: ``low``..``high``; triangular: ``low``, ``mode``, ``high``;
    lognormal: ``median`` and log-space ``sigma``. Draws are capped at the network horizon.
    """

    kind: DurationKind
    value: float = 0.0
    low: float = 0.0
    mode: float = 0.0
    high: float = 0.0
    median: float = 0.0
    sigma: float = 0.0

    def __post_init__(self) -> None:
        problem = self._problem()
        if problem:
            raise InputError(
                f"{self.kind.value} duration: {problem}", field="duration", value=self.describe()
            )

    def _problem(self) -> str:
        numbers = (self.value, self.low, self.mode, self.high, self.median, self.sigma)
        if not all(math.isfinite(x) and x >= 0 for x in numbers):
            return "every parameter must be a finite number >= 0"
        if self.kind is DurationKind.FIXED and not self.value > 0:
            return "value must be greater than 0"
        if self.kind is DurationKind.UNIFORM and not 0 <= self.low <= self.high:
            return "needs 0 <= low <= high"
        if self.kind is DurationKind.TRIANGULAR and not (
            self.low <= self.mode <= self.high and self.low < self.high
        ):
            return "needs low <= mode <= high and low < high"
        if self.kind is DurationKind.LOGNORMAL and not self.median > 0:
            return "median must be greater than 0"
        return ""

    def describe(self) -> str:
        """The distribution in one short phrase."""
        if self.kind is DurationKind.FIXED:
            return f"fixed {self.value:g}"
        if self.kind is DurationKind.UNIFORM:
            return f"uniform {self.low:g}-{self.high:g}"
        if self.kind is DurationKind.TRIANGULAR:
            return f"triangular {self.low:g}/{self.mode:g}/{self.high:g}"
        return f"lognormal median {self.median:g} sigma {self.sigma:g}"

    def upper(self, horizon: float) -> float:
        """The longest duration a draw can give (capped at ``horizon``)."""
        top = {
            DurationKind.FIXED: self.value,
            DurationKind.UNIFORM: self.high,
            DurationKind.TRIANGULAR: self.high,
        }.get(self.kind, math.inf if self.sigma > 0 else self.median)
        return min(top, horizon)

    def sample(self, rng: np.random.Generator, n: int, horizon: float) -> FloatArray:
        """``n`` draws, capped at ``horizon``."""
        if self.kind is DurationKind.FIXED:
            draws = np.full(n, self.value)
        elif self.kind is DurationKind.UNIFORM:
            draws = rng.uniform(self.low, self.high, n)
        elif self.kind is DurationKind.TRIANGULAR:
            draws = rng.triangular(self.low, self.mode, self.high, n)
        else:
            draws = self.median * np.exp(self.sigma * rng.standard_normal(n))
        return np.minimum(draws.astype(np.float64), horizon)


@dataclass(frozen=True)
class RiskEvent:
    """Nodes that go down together with ``probability`` per trial, for a ``duration``."""

    id: str
    nodes: tuple[str, ...]
    probability: float
    duration: Duration

    def __post_init__(self) -> None:
        if not 0.0 <= self.probability <= 1.0:
            raise InputError(
                "event probability must be within 0..1", field=self.id, value=self.probability
            )
        if not self.nodes:
            raise InputError("an event must take at least one node down", field=self.id, value=[])


def ttr_duration(ttr: float, shape: tuple[float, float, float] = TRIANGULAR_TTR_SHAPE) -> Duration:
    """Triangular duration with low, mode, high = ``shape`` x ``ttr``."""
    low, mode, high = (ttr * k for k in shape)
    return Duration(DurationKind.TRIANGULAR, low=low, mode=mode, high=high)


def default_events(
    net: SupplyNetwork, *, events_per_year: float = NETWORK_EVENTS_PER_YEAR
) -> tuple[RiskEvent, ...]:
    """A site event per node with a TTR and a regional event per group, sharing one rate."""
    targets: list[tuple[str, tuple[str, ...], float]] = [
        (n.id, (n.id,), n.ttr) for n in net.nodes if n.ttr is not None
    ]
    targets += [(g.id, tuple(dict.fromkeys(g.nodes)), net.group_ttr(g)) for g in net.groups]
    if not targets:
        return ()
    probability = 1.0 - math.exp(-events_per_year / len(targets))
    return tuple(
        RiskEvent(event_id, nodes, probability, ttr_duration(ttr))
        for event_id, nodes, ttr in targets
    )


def check_events(net: SupplyNetwork, events: tuple[RiskEvent, ...]) -> None:
    """Every event names known nodes and ids are unique."""
    seen: set[str] = set()
    for event in events:
        if event.id in seen:
            raise InputError("two events share an id", field="event", value=event.id)
        seen.add(event.id)
        for node in event.nodes:
            if not net.has_node(node):
                raise InputError("event names an unknown node", field=event.id, value=node)
