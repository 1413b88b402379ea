"""Typed catalog entries. Every entry carries where its numbers come from.

Numbers are SI (or USD) and the field name carries the unit. Data files may write a quantity string
("700 W", "3.35 TB/s") or a bare SI number. Each entry has entry-level ``sources`` and
``confidence``; a field whose figure comes from elsewhere, or is an estimate, says so in
``provenance[field]``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt

from rackwright.precision import Precision, PrecisionClass
from rackwright.units import (
    Amperes,
    BitsPerS,
    Bytes,
    BytesPerS,
    CubicMetresPerS,
    FlopsPerS,
    Kelvin,
    KgPerM2,
    Kilograms,
    SquareMetres,
    Usd,
    UsdPerKwh,
    UsdPerW,
    Volts,
    Watts,
)


class Confidence(StrEnum):
    """How far a figure can be trusted."""

    VENDOR = "V"
    PRESS = "S"
    ESTIMATE = "E"
    UNVERIFIED = "U"


CONFIDENCE_LABELS: dict[Confidence, str] = {
    Confidence.VENDOR: "vendor document",
    Confidence.PRESS: "press or analyst",
    Confidence.ESTIMATE: "estimate",
    Confidence.UNVERIFIED: "unverified",
}


class Strict(BaseModel):
    """Base for every input model: frozen, unknown keys are errors, numbers must be finite
    (``inf`` and ``nan`` in a file are typos, never a value to plan with)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Provenance(Strict):
    """Where one figure comes from."""

    sources: list[str] = Field(min_length=1)
    confidence: Confidence
    note: str = ""


class Source(Strict):
    """A cited document (ids such as S29) or a labelled rackwright assumption (A-ids)."""

    id: str
    kind: str
    title: str
    url: str = ""
    notes: str = ""


class Entry(Strict):
    """Common head of every catalog entry."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str
    sources: list[str] = Field(min_length=1)
    confidence: Confidence
    notes: str = ""
    provenance: dict[str, Provenance] = Field(default_factory=dict)
    override: bool = False

    def provenance_of(self, field: str) -> Provenance:
        """The provenance of ``field``: its own entry, or the entry-level default."""
        own = self.provenance.get(field)
        if own is not None:
            return own
        return Provenance(sources=self.sources, confidence=self.confidence)


class Accelerator(Entry):
    """One accelerator package (GPU, TPU chip, ...), dense figures (no 2:4 sparsity)."""

    kind: Literal["accelerator"] = "accelerator"
    vendor: str
    architecture: str
    bf16_flops_per_s: FlopsPerS = Field(gt=0)
    fp8_flops_per_s: FlopsPerS | None = Field(default=None, gt=0)
    fp4_flops_per_s: FlopsPerS | None = Field(default=None, gt=0)
    hbm_bytes: Bytes = Field(gt=0)
    hbm_bw_bytes_per_s: BytesPerS = Field(gt=0)
    tdp_w: Watts = Field(gt=0)
    scaleup_bidir_bytes_per_s: BytesPerS = Field(gt=0)
    scaleup_domain_max_count: PositiveInt
    scaleup_links_count: int = Field(default=0, ge=0)
    year_available: int = Field(ge=2015, le=2040)

    def flops_per_s(self, precision: Precision) -> float | None:
        """Dense peak at a precision's tensor-core class; None if the part has none."""
        return {
            PrecisionClass.BF16: self.bf16_flops_per_s,
            PrecisionClass.FP8: self.fp8_flops_per_s,
            PrecisionClass.FP4: self.fp4_flops_per_s,
        }[precision.klass]


class Cooling(StrEnum):
    """How a system or component rejects heat."""

    AIR = "air"
    LIQUID = "liquid"
    HYBRID = "hybrid"


class FabricKind(StrEnum):
    """Scale-out network families."""

    INFINIBAND = "infiniband"
    ETHERNET = "ethernet"


class System(Entry):
    """A purchasable system: an 8-GPU server or a rack-scale NVL72 machine."""

    kind: Literal["system"] = "system"
    vendor: str
    accelerator: str
    gpus_count: PositiveInt
    scaleup_domain_count: PositiveInt
    scaleout_fabric: str
    scaleout_nic_bits_per_s: BitsPerS = Field(gt=0, description="per GPU")
    nics_per_gpu_count: PositiveFloat = 1.0
    cpu: str
    cpus_count: PositiveInt
    host_memory_bytes: Bytes = Field(gt=0)
    power_typical_w: Watts = Field(gt=0)
    power_max_w: Watts = Field(gt=0)
    rack_units_u: PositiveInt
    cooling: Cooling
    weight_kg: Kilograms | None = Field(default=None, gt=0)
    price_usd: Usd = Field(gt=0)
    year_available: int = Field(ge=2015, le=2040)


class Fabric(Entry):
    """A scale-out fabric: switch family, radix and optics, for fat-tree sizing."""

    kind: Literal["fabric"] = "fabric"
    family: FabricKind
    switch_product: str
    switch_radix_count: PositiveInt
    port_bits_per_s: BitsPerS = Field(gt=0)
    switch_power_w: Watts = Field(gt=0)
    switch_price_usd: Usd = Field(gt=0)
    switch_rack_units_u: PositiveInt
    optic_price_usd: Usd = Field(gt=0)
    optic_power_w: Watts = Field(gt=0)
    rail_optimized: bool = True


class ComponentKind(StrEnum):
    """Rack component classes the partnership names."""

    COMPUTE_TRAY = "compute_tray"
    SWITCH_TRAY = "switch_tray"
    POWER_SHELF = "power_shelf"
    PSU = "psu"
    BUSBAR = "busbar"
    COLD_PLATE = "cold_plate"
    MANIFOLD = "manifold"
    CDU = "cdu"
    NVLINK_SPINE = "nvlink_spine"
    NIC = "nic"
    OPTIC = "optic"
    CABLE = "cable"
    CHASSIS = "chassis"
    TOR_SWITCH = "tor_switch"
    SERVER = "server"


class Component(Entry):
    """A rack component class with the figures rack engineering and the BOM need.

    Power figures are what the component draws (for a power shelf: its conversion loss); heat is
    its power, split between liquid and air by ``liquid_fraction``. ``ports_count`` is network
    ports for a NIC or switch and cable positions for an NVLink spine.
    """

    kind: Literal["component"] = "component"
    component_kind: ComponentKind
    power_typical_w: Watts = Field(default=0.0, ge=0)
    power_max_w: Watts = Field(default=0.0, ge=0)
    weight_kg: Kilograms = Field(default=0.0, ge=0)
    rack_units_u: int = Field(default=0, ge=0)
    unit_cost_usd: Usd = Field(default=0.0, ge=0)
    liquid_fraction: float = Field(default=0.0, ge=0, le=1, description="share of heat to liquid")
    gpus_count: int = Field(default=0, ge=0)
    capacity_w: Watts | None = Field(default=None, gt=0, description="PSU/shelf output or CDU heat")
    psus_count: int = Field(default=0, ge=0, description="PSUs in a power shelf")
    voltage_v: Volts | None = Field(default=None, gt=0)
    current_rating_a: Amperes | None = Field(default=None, gt=0)
    flow_capacity_m3_per_s: CubicMetresPerS | None = Field(
        default=None, gt=0, description="coolant flow a manifold or a CDU's secondary loop carries"
    )
    facility_flow_capacity_m3_per_s: CubicMetresPerS | None = Field(
        default=None, gt=0, description="facility-water flow a CDU's primary side accepts"
    )
    ports_count: int = Field(default=0, ge=0)
    port_bits_per_s: BitsPerS | None = Field(default=None, gt=0)
    suppliers: str = ""
    made_in: str = ""


class ComponentQty(Strict):
    """A component and how many of it a rack holds."""

    component: str
    qty: PositiveFloat


class RackStatus(StrEnum):
    """Where a rack generation stands on the roadmap."""

    PRODUCTION = "production"
    NEXT = "next"
    FUTURE = "future"
    LEGACY = "legacy"


class Redundancy(StrEnum):
    """Power-supply redundancy schemes."""

    N = "N"
    N_PLUS_1 = "N+1"
    N_PLUS_N = "N+N"


class RackDesign(Entry):
    """A full rack design: one generation of the co-designed roadmap, or a reference rack.

    Power, heat, weight, rack units, busbar, manifold and spine figures come from ``components``
    (sum of qty x component), so a change to a component flows to every rack that uses it. The
    fields here are what the rack adds: its frame, the hall it stands in, and its coolant loop.
    ``cdu`` names the CDU serving the rack (listed in ``components`` too when it sits in the rack).
    """

    kind: Literal["rack"] = "rack"
    generation: int = Field(ge=0)
    status: RackStatus
    year_available: int = Field(ge=2015, le=2040)
    system: str
    systems_count: PositiveInt = 1
    components: list[ComponentQty] = Field(min_length=1)
    rack_units_total_u: PositiveInt = 48
    redundancy: Redundancy = Redundancy.N_PLUS_1
    coolant_cp_j_per_kg_k: float = Field(default=3800.0, gt=0)
    coolant_density_kg_per_m3: float = Field(default=1030.0, gt=0)
    coolant_delta_t_k: Kelvin = Field(default=10.0, gt=0)
    facility_delta_t_k: Kelvin = Field(default=10.0, gt=0)
    cdu: str
    racks_per_cdu_count: PositiveInt = 1
    air_cooling_capacity_w: Watts = Field(gt=0, description="air heat the hall removes per rack")
    footprint_m2: SquareMetres = Field(default=0.72, gt=0)
    floor_rating_kg_per_m2: KgPerM2 = Field(default=2400.0, gt=0)
    nvlink_links_per_gpu_count: int = Field(
        default=0, ge=0, description="0 = the accelerator's scaleup_links_count"
    )
    spine_cables_per_link_count: int = Field(default=0, ge=0)
    price_usd: Usd = Field(gt=0)


class SiteKind(StrEnum):
    """What a manufacturing site does."""

    FAB = "fab"
    PACKAGING = "packaging"
    MEMORY = "memory"
    BOARD = "board"
    RACK_INTEGRATION = "rack_integration"
    COMPONENT = "component"
    OPTICS = "optics"
    COOLING = "cooling"
    POWER = "power"


class Site(Entry):
    """A manufacturing site; country of origin lives here, not on the part."""

    kind: Literal["site"] = "site"
    operator: str
    city: str
    region: str = ""
    country: str = Field(pattern=r"^[A-Z]{2}$")
    site_kind: SiteKind
    makes: list[str] = Field(default_factory=list, description="component kinds made here")
    operating_from_year: int = Field(ge=1950, le=2040)
    planned: bool = False
    ttr_weeks: PositiveFloat | None = Field(
        default=None,
        description="weeks to recover from a site failure; None: risk's default for the kind",
    )


class Facility(Entry):
    """Data-center facility economics at one location."""

    kind: Literal["facility"] = "facility"
    region: str
    pue_ratio: float = Field(ge=1.0, le=3.0)
    electricity_usd_per_kwh: UsdPerKwh = Field(gt=0)
    build_cost_usd_per_w: UsdPerW = Field(gt=0)


CatalogEntry = Accelerator | System | Fabric | Component | RackDesign | Site | Facility

KIND_MODELS: dict[str, type[Entry]] = {
    "accelerator": Accelerator,
    "system": System,
    "fabric": Fabric,
    "component": Component,
    "rack": RackDesign,
    "site": Site,
    "facility": Facility,
}
