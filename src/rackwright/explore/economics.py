"""Cost and power of running a job on a system: the search's cost and MW objectives.

Cost model (every figure an estimate, labelled so in reports):

* A job on ``gpus`` GPUs occupies ``ceil(gpus / gpus_per_system)`` whole systems for its
  wall-clock time (a partly used system is still paid for).
* Each system-hour costs its purchase price amortised straight-line over ``life_years``
  (assumption: 4 years, a common depreciation schedule for AI servers; no residual value, no
  financing cost) plus its energy: typical power x facility PUE x electricity price.
* Facility figures (PUE, USD/kWh) come from the scenario's catalog Facility entry. For a rack
  generation (``of_rack``, what ``plan`` uses) a system's price and typical power are its share of
  the rack's cost (the BOM stage's roll-up) and of its typical power (the rack stage's sum of its
  components); for a bare catalog system (``of``: ``explore --system``) they are the catalog
  System's list price and typical power, labelled as such.
* Facility power (MW) is systems x typical power x PUE. Networking, storage and building costs
  are not included (they belong to the rack and facility engines).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rackwright.catalog.models import Facility, System
from rackwright.rack.results import RackAnalysis

SECONDS_PER_YEAR = 365.25 * 86400.0
DEFAULT_LIFE_YEARS = 4.0
J_PER_KWH = 3.6e6


@dataclass(frozen=True)
class Economics:
    """Price and power of one system in one facility (SI: W, s; money in USD)."""

    system_id: str
    gpus_per_system: int
    price_usd: float
    power_w: float
    pue_ratio: float
    electricity_usd_per_kwh: float
    life_s: float = DEFAULT_LIFE_YEARS * SECONDS_PER_YEAR

    @classmethod
    def of(
        cls, system: System, facility: Facility, life_years: float = DEFAULT_LIFE_YEARS
    ) -> Economics:
        """Economics from catalog entries."""
        return cls(
            system_id=system.id,
            gpus_per_system=system.gpus_count,
            price_usd=system.price_usd,
            power_w=system.power_typical_w,
            pue_ratio=facility.pue_ratio,
            electricity_usd_per_kwh=facility.electricity_usd_per_kwh,
            life_s=life_years * SECONDS_PER_YEAR,
        )

    @classmethod
    def of_rack(
        cls,
        analysis: RackAnalysis,
        rack_cost_usd: float,
        facility: Facility,
        life_years: float = DEFAULT_LIFE_YEARS,
    ) -> Economics:
        """Economics of one system of a rack: its share of the rack's cost and typical power."""
        systems = analysis.systems_count
        return cls(
            system_id=analysis.system_id,
            gpus_per_system=analysis.system_gpus_count // systems,
            price_usd=rack_cost_usd / systems,
            power_w=analysis.power_typical_w / systems,
            pue_ratio=facility.pue_ratio,
            electricity_usd_per_kwh=facility.electricity_usd_per_kwh,
            life_s=life_years * SECONDS_PER_YEAR,
        )

    @property
    def system_usd_per_s(self) -> float:
        """Amortised capital plus energy of one running system, per second."""
        capital = self.price_usd / self.life_s
        energy = self.power_w * self.pue_ratio / J_PER_KWH * self.electricity_usd_per_kwh
        return capital + energy

    def systems(self, gpus: NDArray[np.float64]) -> NDArray[np.float64]:
        """Whole systems a job on ``gpus`` GPUs occupies."""
        return np.ceil(gpus / self.gpus_per_system)

    def cost_usd(
        self, gpus: NDArray[np.float64], seconds: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Cost of occupying the job's systems for ``seconds``."""
        return self.systems(gpus) * seconds * self.system_usd_per_s

    def facility_power_w(self, gpus: NDArray[np.float64]) -> NDArray[np.float64]:
        """Facility power (IT power x PUE) the job's systems draw."""
        return self.systems(gpus) * self.power_w * self.pue_ratio
