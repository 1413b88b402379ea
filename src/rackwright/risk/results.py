"""Typed results of the TTR / TTS analysis: per scenario, and for the whole network."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rackwright.risk.scenarios import ScenarioKind


@dataclass(frozen=True)
class ProductLoss:
    """What one demand node loses in a scenario's TTR window."""

    node: str
    material: str
    lost_units: float
    loss: float

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "node": self.node,
            "material": self.material,
            "lost_units": self.lost_units,
            "loss": self.loss,
        }


@dataclass(frozen=True)
class ScenarioResult:
    """Loss over the TTR, risk exposure index, time to survive and the red flag of a scenario.

    ``red_flag``: the network runs dry (at ``tts``) before the failed nodes are back (at
    ``ttr``); demand goes unmet during the shortfall window [tts, ttr].
    """

    id: str
    kind: ScenarioKind
    disrupted: tuple[str, ...]
    ttr: float
    loss: float
    rei: float
    tts: float
    red_flag: bool
    products: tuple[ProductLoss, ...]

    @property
    def shortfall_window(self) -> tuple[float, float] | None:
        """(start, end) in periods after the failure during which demand goes unmet."""
        return (self.tts, self.ttr) if self.red_flag else None

    @property
    def lost_units(self) -> float:
        """Units of external demand lost in the TTR window, all products together."""
        return sum(p.lost_units for p in self.products)

    def bench_json(self) -> dict[str, Any]:
        """The ``bench ttr --json`` row: exactly id, disrupted, ttr, loss, rei, tts, red_flag."""
        return {
            "id": self.id,
            "disrupted": list(self.disrupted),
            "ttr": self.ttr,
            "loss": self.loss,
            "rei": self.rei,
            "tts": self.tts,
            "red_flag": self.red_flag,
        }

    def to_json(self) -> dict[str, Any]:
        """Every figure, with the shortfall window and the products' losses."""
        window = self.shortfall_window
        return {
            **self.bench_json(),
            "kind": self.kind.value,
            "shortfall_window": list(window) if window else None,
            "lost_units": self.lost_units,
            "products": [p.to_json() for p in self.products],
        }


@dataclass(frozen=True)
class RiskAnalysis:
    """Every evaluated scenario (input order), the undisrupted network's TTS, the LP count."""

    period: str
    horizon: float
    baseline_tts: float
    scenarios: tuple[ScenarioResult, ...]
    lp_solves: int

    def scenario(self, scenario_id: str) -> ScenarioResult:
        """The result of scenario ``scenario_id``."""
        return self._by_id[scenario_id]

    @property
    def _by_id(self) -> Mapping[str, ScenarioResult]:
        return {s.id: s for s in self.scenarios}

    def ranking(self) -> tuple[ScenarioResult, ...]:
        """Scenarios by loss (REI), largest first; ties by shorter TTS, then id."""
        return tuple(sorted(self.scenarios, key=lambda s: (-s.loss, s.tts, s.id)))

    def red_flags(self) -> tuple[ScenarioResult, ...]:
        """Scenarios whose TTS is shorter than their TTR, ranked."""
        return tuple(s for s in self.ranking() if s.red_flag)

    def bench_json(self) -> dict[str, Any]:
        """``{"scenarios": [...]}`` as ``rackwright bench ttr --json`` prints it."""
        return {"scenarios": [s.bench_json() for s in self.scenarios]}

    def to_json(self) -> dict[str, Any]:
        """Every figure."""
        return {
            "period": self.period,
            "horizon": self.horizon,
            "baseline_tts": self.baseline_tts,
            "lp_solves": self.lp_solves,
            "red_flags": [s.id for s in self.red_flags()],
            "scenarios": [s.to_json() for s in self.scenarios],
        }
