"""Total cost of ownership of one rack: capex annualised at the cost of capital, plus opex.

Per rack (SI inside, money in USD):

* capex: the rack (from the BOM roll-up or the sourcing plan's landed cost, never a list price;
  an alternative bought on the market carries its market price, labelled so), spares
  (``spares_fraction`` x rack), its share of the scale-out network (from the fabric sizing) and
  of the facility (provisioned IT power x build cost per W);
* annual capital charge: rack, spares and network over ``rack_life_years``, the facility over
  ``facility_life_years``, each with the capital recovery factor ``r / (1 - (1 + r)**-n)``;
* opex: energy = typical power x 8,760 h x PUE at the facility's electricity price (the rack's
  and its network share's), maintenance (``maintenance_fraction_per_year`` x rack and network
  capex) and staff (USD per MW-year of provisioned IT power);
* TCO per rack-year = capital charge + opex; per GPU-hour divides by GPUs x 8,760 h, per useful
  GPU-hour also by the utilisation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

from rackwright.catalog.fabric_sizing import FabricSizing
from rackwright.catalog.models import Facility
from rackwright.errors import InputError
from rackwright.finance.assumptions import FinanceAssumptions

HOURS_PER_YEAR = 8760.0
W_PER_MW = 1e6


class CostSource(StrEnum):
    """Where a rack's capex figure comes from."""

    BOM_ROLLUP = "bom-rollup"
    SOURCING_LANDED = "sourcing-landed"
    OPTION_PRICE = "option-price"
    MARKET_PRICE = "market-price"
    LIST_PRICE_FALLBACK = "list-price-fallback"


@dataclass(frozen=True)
class RackCapex:
    """A rack's purchase cost with its origin (``detail``: year, policy, volume, or the quote)."""

    usd: float
    source: CostSource
    detail: str = ""

    def __post_init__(self) -> None:
        if not self.usd > 0:
            raise InputError("rack capex must be positive", field="capex_usd", value=self.usd)


@dataclass(frozen=True)
class NetworkShare:
    """One rack's share of the scale-out fabric sized for a whole cluster."""

    fabric: str
    cluster_gpus: int
    cluster_racks: int
    capex_usd: float
    power_w: float

    @classmethod
    def of(cls, sizing: FabricSizing, cluster_racks: int) -> NetworkShare:
        """Split a sized fabric equally over the ``cluster_racks`` racks it connects."""
        return cls(
            fabric=sizing.fabric,
            cluster_gpus=sizing.gpus_count,
            cluster_racks=cluster_racks,
            capex_usd=sizing.cost_usd / cluster_racks,
            power_w=sizing.power_w / cluster_racks,
        )


@dataclass(frozen=True)
class FacilityEconomics:
    """The facility figures TCO needs, from a catalog Facility entry."""

    facility_id: str
    pue_ratio: float
    electricity_usd_per_kwh: float
    build_cost_usd_per_w: float

    @classmethod
    def of(cls, facility: Facility) -> FacilityEconomics:
        """From the catalog entry (its sources stay in the catalog)."""
        return cls(
            facility_id=facility.id,
            pue_ratio=facility.pue_ratio,
            electricity_usd_per_kwh=facility.electricity_usd_per_kwh,
            build_cost_usd_per_w=facility.build_cost_usd_per_w,
        )


@dataclass(frozen=True)
class RackTcoInputs:
    """One rack design as TCO sees it: its cost, power and network share (typed, labelled)."""

    rack_id: str
    gpus_count: int
    capex: RackCapex
    power_typical_w: float
    power_provisioned_w: float
    network: NetworkShare
    power_source: str = "rack analysis (sum of components)"

    def __post_init__(self) -> None:
        if self.gpus_count < 1:
            raise InputError("a rack needs at least one GPU", field="gpus", value=self.gpus_count)
        if not 0 < self.power_typical_w <= self.power_provisioned_w:
            raise InputError(
                "typical power must be positive and at most the provisioned power",
                field="power_typical_w",
                value=self.power_typical_w,
            )


@dataclass(frozen=True)
class RackTco:
    """What one rack costs to own per year, with every part of the sum."""

    rack: str
    gpus: int
    capex_source: str
    capex_detail: str
    rack_capex_usd: float
    spares_capex_usd: float
    network_capex_usd: float
    facility_capex_usd: float
    capital_usd_per_year: float
    facility_usd_per_year: float
    energy_kwh_per_year: float
    network_energy_kwh_per_year: float
    energy_usd_per_year: float
    maintenance_usd_per_year: float
    staff_usd_per_year: float
    facility_power_w: float

    @property
    def capex_usd(self) -> float:
        """Everything bought up front for the rack."""
        return (
            self.rack_capex_usd
            + self.spares_capex_usd
            + self.network_capex_usd
            + self.facility_capex_usd
        )

    @property
    def opex_usd_per_year(self) -> float:
        """Energy, maintenance and staff per year."""
        return self.energy_usd_per_year + self.maintenance_usd_per_year + self.staff_usd_per_year

    @property
    def tco_usd_per_rack_year(self) -> float:
        """Annual capital charge plus opex."""
        return self.capital_usd_per_year + self.facility_usd_per_year + self.opex_usd_per_year

    @property
    def tco_usd_per_gpu_hour(self) -> float:
        """TCO per installed GPU-hour."""
        return self.tco_usd_per_rack_year / (self.gpus * HOURS_PER_YEAR)

    def to_json(self) -> dict[str, Any]:
        """The ``tco --json`` row of this rack."""
        data = asdict(self)
        data.update(
            capex_usd=self.capex_usd,
            opex_usd_per_year=self.opex_usd_per_year,
            tco_usd_per_rack_year=self.tco_usd_per_rack_year,
            tco_usd_per_gpu_hour=self.tco_usd_per_gpu_hour,
        )
        return data


def capital_recovery_factor(rate: float, years: float) -> float:
    """Yearly payment that repays 1 USD over ``years`` at ``rate`` (1 / years at rate 0)."""
    if years <= 0:
        raise InputError("a life must be positive", field="years", value=years)
    if abs(rate) < 1e-12:
        return 1.0 / years
    return float(rate / (1.0 - (1.0 + rate) ** -years))


def rack_tco(
    rack: RackTcoInputs, facility: FacilityEconomics, assumptions: FinanceAssumptions
) -> RackTco:
    """TCO of one rack in ``facility`` under ``assumptions`` (module docstring has the sum)."""
    a = assumptions
    rack_usd = rack.capex.usd * a.rack_capex_scale
    spares = a.spares_fraction * rack_usd
    facility_capex = rack.power_provisioned_w * facility.build_cost_usd_per_w
    hardware_crf = capital_recovery_factor(a.cost_of_capital, a.rack_life_years)
    facility_crf = capital_recovery_factor(a.cost_of_capital, a.facility_life_years)
    energy_kwh = rack.power_typical_w / 1e3 * HOURS_PER_YEAR * facility.pue_ratio
    network_kwh = rack.network.power_w / 1e3 * HOURS_PER_YEAR * facility.pue_ratio
    return RackTco(
        rack=rack.rack_id,
        gpus=rack.gpus_count,
        capex_source=rack.capex.source.value,
        capex_detail=rack.capex.detail,
        rack_capex_usd=rack_usd,
        spares_capex_usd=spares,
        network_capex_usd=rack.network.capex_usd,
        facility_capex_usd=facility_capex,
        capital_usd_per_year=(rack_usd + spares + rack.network.capex_usd) * hardware_crf,
        facility_usd_per_year=facility_capex * facility_crf,
        energy_kwh_per_year=energy_kwh,
        network_energy_kwh_per_year=network_kwh,
        energy_usd_per_year=(energy_kwh + network_kwh) * facility.electricity_usd_per_kwh,
        maintenance_usd_per_year=a.maintenance_fraction_per_year
        * (rack_usd + rack.network.capex_usd),
        staff_usd_per_year=a.staff_usd_per_mw_year * rack.power_provisioned_w / W_PER_MW,
        facility_power_w=rack.power_typical_w * facility.pue_ratio,
    )


def with_facility_value(facility: FacilityEconomics, name: str, value: float) -> FacilityEconomics:
    """A copy of ``facility`` with one figure changed (for sensitivity sweeps)."""
    changes: dict[str, Any] = {name: value}
    return replace(facility, **changes)
