"""Typed inputs and results of the demand engine (``demand.fleet.project``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Literal

from rackwright.errors import InputError


class MixRule(StrEnum):
    """How new racks split between generations when two overlap.

    ``newest``: every new rack is the newest generation available that quarter. ``ramp``: in its
    first ``ramp_quarters`` quarters a new generation takes 1/n, 2/n, ... of the new racks (by
    work) and the previous newest the rest; then all. Installed racks serve out their life either
    way.
    """

    NEWEST = "newest"
    RAMP = "ramp"


@dataclass(frozen=True)
class GenerationProfile:
    """One rack generation: when it can be built, its size and power, its rate per workload."""

    rack: str
    first_year: int
    gpus_per_rack: int
    power_typical_w: float
    rates: tuple[tuple[str, float], ...]  # (workload id, tokens/s per GPU)

    def rack_rate(self, workload: str) -> float | None:
        """Tokens/s one rack delivers on ``workload`` (None: it cannot run it)."""
        per_gpu = dict(self.rates).get(workload)
        return per_gpu * self.gpus_per_rack if per_gpu else None


@dataclass(frozen=True)
class WorkloadStart:
    """A workload's demand at the first quarter of the horizon, in tokens per second."""

    workload: str
    kind: Literal["train", "infer"]
    start_tokens_per_s: float


@dataclass(frozen=True)
class GrowthCase:
    """A demand case: yearly growth of training compute and of inference tokens (fractions)."""

    name: str
    training_growth_per_year: float
    inference_growth_per_year: float

    def __post_init__(self) -> None:
        for field, growth in (
            ("training_compute_growth_per_year", self.training_growth_per_year),
            ("inference_tokens_growth_per_year", self.inference_growth_per_year),
        ):
            if growth < -1.0:
                raise InputError(
                    "growth must be at least -100 % a year (-1.0)",
                    field=f"{self.name}.{field}",
                    value=growth,
                )

    def growth(self, kind: str) -> float:
        """Yearly growth of a workload of ``kind``."""
        return self.training_growth_per_year if kind == "train" else self.inference_growth_per_year

    def factor(self, kind: str, quarters: int) -> float:
        """Demand multiple ``quarters`` after the start."""
        return float((1.0 + self.growth(kind)) ** (quarters / 4.0))


@dataclass(frozen=True)
class DemandInputs:
    """Everything the projection reads."""

    periods: tuple[str, ...]
    workloads: tuple[WorkloadStart, ...]
    generations: tuple[GenerationProfile, ...]
    cases: tuple[GrowthCase, ...]
    mix: MixRule
    ramp_quarters: int
    service_life_quarters: int
    pue_ratio: float


@dataclass(frozen=True)
class GenerationQuarter:
    """One generation in one quarter of one case."""

    period: str
    rack: str
    racks_installed: int
    racks_built: int
    racks_retired: int
    gpus: int
    power_mw: float
    racks_by_workload: tuple[tuple[str, int], ...]

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        data = asdict(self)
        data["racks_by_workload"] = dict(self.racks_by_workload)
        return data


@dataclass(frozen=True)
class WorkloadQuarter:
    """A workload's demand and the capacity serving it in one quarter."""

    period: str
    workload: str
    kind: str
    demand_tokens_per_s: float
    capacity_tokens_per_s: float
    unmet_tokens_per_s: float

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return asdict(self)


@dataclass(frozen=True)
class CaseResult:
    """One demand case turned into racks per generation per quarter."""

    case: GrowthCase
    generations: tuple[GenerationQuarter, ...]
    workloads: tuple[WorkloadQuarter, ...]

    def builds(self) -> tuple[tuple[str, str, int], ...]:
        """(rack, period, racks built) for every quarter that builds: the from-demand plan."""
        return tuple((g.rack, g.period, g.racks_built) for g in self.generations if g.racks_built)

    def total(self, period: str, field: str) -> float:
        """Sum of ``field`` (racks_installed, racks_built, gpus, power_mw) over generations."""
        return float(sum(getattr(g, field) for g in self.generations if g.period == period))

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        periods = list(dict.fromkeys(g.period for g in self.generations))
        return {
            "case": asdict(self.case),
            "generations": [g.to_json() for g in self.generations],
            "workloads": [w.to_json() for w in self.workloads],
            "totals": [
                {
                    "period": p,
                    "racks_installed": int(self.total(p, "racks_installed")),
                    "racks_built": int(self.total(p, "racks_built")),
                    "gpus": int(self.total(p, "gpus")),
                    "power_mw": self.total(p, "power_mw"),
                }
                for p in periods
            ],
        }


@dataclass(frozen=True)
class BuildGap:
    """Racks the explicit plan builds in a quarter against those the demand case implies."""

    period: str
    rack: str
    explicit_racks: int
    from_demand_racks: int

    @property
    def gap(self) -> int:
        """Explicit minus from-demand (positive: the plan builds more than demand needs)."""
        return self.explicit_racks - self.from_demand_racks

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {**asdict(self), "gap": self.gap}


@dataclass(frozen=True)
class DemandResult:
    """Every case's projection, the mix rule used, and the gap of the build case to the plan."""

    mix: MixRule
    ramp_quarters: int
    service_life_quarters: int
    pue_ratio: float
    cases: tuple[CaseResult, ...]
    build_case: str
    gap: tuple[BuildGap, ...]

    def case(self, name: str) -> CaseResult:
        """The projection of case ``name``."""
        for result in self.cases:
            if result.case.name == name:
                return result
        known = ", ".join(c.case.name for c in self.cases)
        raise InputError(f"unknown demand case; known: {known}", field="case", value=name)

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "mix": self.mix.value,
            "ramp_quarters": self.ramp_quarters,
            "service_life_quarters": self.service_life_quarters,
            "pue_ratio": self.pue_ratio,
            "build_case": self.build_case,
            "cases": [c.to_json() for c in self.cases],
            "gap": [g.to_json() for g in self.gap],
        }
