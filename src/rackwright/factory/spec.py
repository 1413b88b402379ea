"""The factory data file's schema: line types, stations, generation profiles, sites and costs.

Frozen pydantic models with unknown keys refused, one per TOML table of
``factory/data/factory.toml``. Values a person writes with units ("21 min", "6 MW") are parsed to
SI here; range checks that must name a station (servers, yields, cycle times, routing) live in
``factory.loader`` so the message can say which station and which value.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field

from rackwright.catalog.models import Source, Strict
from rackwright.factory.distributions import DistributionKind
from rackwright.units import Seconds, Usd, Watts

SHIP_TARGET = "ship"
SCRAP_TARGET = "scrap"


class StationKind(StrEnum):
    """What a station does to a rack kit."""

    PROCESS = "process"  # assembly work: cycle time per work unit
    TEST = "test"  # a timed test whose length grows with GPUs and rack power
    REWORK = "rework"  # repair after a failure, then back to a station for retest


class WorkUnit(StrEnum):
    """What a station's cycle time is counted per; the rack design says how many a rack holds."""

    RACK = "rack"
    COMPUTE_TRAY = "compute_tray"
    SWITCH_TRAY = "switch_tray"
    TRAY = "tray"  # compute and switch trays together


class Staffing(StrEnum):
    """When a station works."""

    SHIFTS = "shifts"  # the site's shift calendar
    ALWAYS = "always"  # automated, around the clock (burn-in racks)


class StationParams(Strict):
    """Per-station figures a generation profile may set or override."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    cycle_time_s: Seconds | None = Field(default=None, description="per work unit")
    base_time_s: Seconds | None = Field(default=None, description="test: fixed part")
    time_per_gpu_s: Seconds | None = Field(default=None, description="test: per GPU in the rack")
    time_per_kw_s: Seconds | None = Field(default=None, description="test: per kW of rack power")
    distribution: DistributionKind | None = None
    cv: float | None = None
    yield_: float | None = Field(default=None, alias="yield", description="per work unit")
    changeover_s: Seconds | None = None
    sources: list[str] = Field(default_factory=list)


class StationSpec(StationParams):
    """One station of a line type, with its defaults for every generation."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str
    level: str = ""
    kind: StationKind
    unit: WorkUnit = WorkUnit.RACK
    parallel_units: int = Field(default=1, ge=1, description="units one server works at once")
    servers: int
    operators: float = Field(default=0.0, ge=0, description="per server per shift")
    staffing: Staffing = Staffing.SHIFTS
    next: str
    on_fail: str = SCRAP_TARGET
    facility_limit: bool = False
    shared: bool = False  # one per site (the test bay), fed by every line


class LineType(Strict):
    """A rack line design: its stations in order and their routing."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str
    station: list[StationSpec] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    notes: str = ""


class Learning(Strict):
    """Yield learning for a new generation: failure rates start high and fall each quarter."""

    initial_failure_multiplier: float = Field(ge=1.0)
    halving_quarters: float = Field(gt=0)
    sources: list[str] = Field(min_length=1)


class Profile(Strict):
    """How a family of rack designs is built: per-station figures over the line type's."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str
    racks: list[str] = Field(min_length=1)
    changeover_s: Seconds = Field(ge=0)
    learning: Learning
    station: dict[str, StationParams] = Field(default_factory=dict)
    sources: list[str] = Field(min_length=1)
    notes: str = ""


class SiteSpec(Strict):
    """One U.S. rack-integration site: lines, shifts, test bay, staffing."""

    site: str
    line_type: str
    lines_installed: int = Field(ge=0)
    max_lines: int = Field(ge=1)
    shifts_per_day: int = Field(ge=1, le=3)
    max_shifts_per_day: int = Field(default=3, ge=1, le=3)
    hours_per_shift: float = Field(gt=0, le=12)
    days_per_week: int = Field(ge=1, le=7)
    test_bay_power_w: Watts = Field(gt=0)
    test_bay_cooling_w: Watts = Field(gt=0)
    station_servers: dict[str, int] = Field(default_factory=dict)
    indirect_ratio: float = Field(ge=0, description="indirect staff per direct operator")
    sources: list[str] = Field(min_length=1)
    notes: str = ""


class Costs(Strict):
    """What lines, shifts and people cost, for the ramp plan."""

    wage_usd_per_hour: Usd = Field(gt=0, description="loaded cost of one worker-hour")
    hire_and_train_usd: Usd = Field(ge=0)
    training_quarters: int = Field(ge=0, le=4)
    attrition_per_quarter: float = Field(ge=0, lt=1)
    separation_usd: Usd = Field(ge=0)
    line_open_usd: Usd = Field(ge=0)
    line_fixed_usd_per_quarter: Usd = Field(ge=0, description="every built line")
    line_running_usd_per_quarter: Usd = Field(ge=0, description="a staffed line, on top")
    extra_shift_premium: float = Field(ge=0, description="wage premium of 2nd and 3rd shifts")
    carrying_rate_per_quarter: float = Field(ge=0, lt=1, description="x rack price")
    shortfall_usd_per_rack: Usd = Field(gt=0)
    planning_utilization: float = Field(gt=0, le=1)
    campaigns_per_quarter: int = Field(ge=1, description="switches a shared line makes")
    sources: list[str] = Field(min_length=1)


class FactoryFile(Strict):
    """The whole factory data file."""

    source: list[Source] = Field(default_factory=list)
    line_type: list[LineType] = Field(min_length=1)
    profile: list[Profile] = Field(min_length=1)
    site: list[SiteSpec] = Field(min_length=1)
    costs: Costs
