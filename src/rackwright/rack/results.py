"""Typed results of rack engineering: the rack's figures and each rule's verdict."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

# A rating-type rule warns above this share of its limit: the margin a design review wants for
# tolerance stacking, ageing and measurement error before a figure is called safe.
WARN_FRACTION = 0.90


class Status(StrEnum):
    """A rule's verdict. ``n/a`` when the rack has nothing the rule applies to."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    NOT_APPLICABLE = "n/a"


@dataclass(frozen=True)
class CheckResult:
    """One rule on one rack: the demand computed, the limit it meets, and why."""

    rule: str
    title: str
    status: Status
    computed: float
    limit: float | None
    unit: str
    explanation: str

    @property
    def utilisation(self) -> float | None:
        """computed / limit (None when there is no limit)."""
        if self.limit is None or self.limit == 0:
            return None
        return self.computed / self.limit

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["status"] = self.status.value
        data["utilisation"] = self.utilisation
        return data


@dataclass(frozen=True)
class RackAnalysis:
    """A rack design's engineering figures, all summed from its components (SI units)."""

    rack_id: str
    generation: int
    system_id: str
    accelerator_id: str
    gpus_count: int
    system_gpus_count: int
    systems_count: int
    power_max_w: float
    power_typical_w: float
    dc_load_max_w: float
    heat_liquid_w: float
    heat_air_w: float
    power_shelves_count: int
    power_shelf_capacity_w: float
    shelves_needed_n_count: int
    shelves_needed_n_plus_1_count: int
    shelves_needed_n_plus_n_count: int
    psus_count: int
    psu_capacity_w: float
    psus_needed_n_count: int
    psus_needed_n_plus_1_count: int
    psus_needed_n_plus_n_count: int
    busbar_voltage_v: float
    busbar_rating_a: float
    busbar_current_a: float
    coolant_flow_m3_per_s: float
    manifold_flow_capacity_m3_per_s: float
    cdu_id: str
    racks_per_cdu_count: int
    cdu_heat_capacity_w: float
    cdu_flow_capacity_m3_per_s: float
    facility_water_flow_m3_per_s: float
    cdu_facility_flow_capacity_m3_per_s: float
    air_cooling_capacity_w: float
    weight_kg: float
    floor_load_kg_per_m2: float
    floor_rating_kg_per_m2: float
    rack_units_used_u: int
    rack_units_total_u: int
    nvlink_links_per_gpu_count: int
    spine_cables_needed_count: int
    spine_cable_positions_count: int
    scaleout_ports_count: int
    scaleout_bits_per_s: float
    scaleout_required_bits_per_s: float
    optic_ports_count: int
    optics_count: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True)
class RackReport:
    """Every rule's result for one rack, with the analysis they were computed from."""

    rack_id: str
    analysis: RackAnalysis
    results: tuple[CheckResult, ...]

    def count(self, status: Status) -> int:
        """How many rules ended with ``status``."""
        return sum(1 for r in self.results if r.status is status)

    @property
    def worst(self) -> Status:
        """fail if any rule failed, else warn if any warned, else pass."""
        for status in (Status.FAIL, Status.WARN):
            if self.count(status):
                return status
        return Status.PASS

    def result(self, rule: str) -> CheckResult:
        """The result of ``rule`` (KeyError if the rule is unknown)."""
        for r in self.results:
            if r.rule == rule:
                return r
        raise KeyError(rule)

    def summary_line(self) -> str:
        """E.g. ``rw-gen1-gb300-nvl72: 11 pass, 1 warn, 0 fail``."""
        line = (
            f"{self.rack_id}: {self.count(Status.PASS)} pass, {self.count(Status.WARN)} warn, "
            f"{self.count(Status.FAIL)} fail"
        )
        na = self.count(Status.NOT_APPLICABLE)
        return f"{line} ({na} n/a)" if na else line

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "rack": self.rack_id,
            "summary": self.summary_line(),
            "worst": self.worst.value,
            "counts": {s.value: self.count(s) for s in Status},
            "results": [r.to_dict() for r in self.results],
            "analysis": self.analysis.to_dict(),
        }
