"""The evaluation program file (TOML): units delivered, result files, acceptance criteria.

[program]
name = "gen1-early-access"
system = "gb300-nvl72"              # catalog system under evaluation
results = ["results.csv"]           # perf-schema CSVs (shared/data/perf/README.md)
mlperf = ["mlperf_summary.csv"]     # MLPerf-style result summaries
catalog_files = []                  # extra catalog files, relative to this file

[[unit]]                            # one per delivered unit
id = "unit-01"
system = "gb300-nvl72"
delivered = 2026-03-31
burn_in_hours = 720
failures = 0
power_measured_w = "131 kW"         # highest wall power measured under load

[[criterion]]                       # rule: see evaluation.criteria.RULES
id = "throughput"
rule = "throughput_vs_predicted"
min = 0.95
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from rackwright.catalog.models import Strict
from rackwright.units import Watts

RuleName = Literal[
    "throughput_vs_predicted",
    "mean_throughput_vs_predicted",
    "burn_in_hours",
    "failures",
    "power_within_spec",
    "units_delivered",
]


class ProgramHead(Strict):
    """What is evaluated and where its results are."""

    name: str
    description: str = ""
    system: str
    results: list[str] = Field(default_factory=list)
    mlperf: list[str] = Field(default_factory=list)
    catalog_files: list[str] = Field(default_factory=list)


class DeliveredUnit(Strict):
    """One unit delivered for evaluation and what its burn-in showed."""

    id: str
    system: str
    delivered: date
    burn_in_hours: float = Field(ge=0)
    failures: int = Field(default=0, ge=0)
    power_measured_w: Watts | None = Field(default=None, gt=0)


class Criterion(Strict):
    """An acceptance criterion: a rule and its limit (``min`` or ``max``)."""

    id: str
    rule: RuleName
    min: float | None = None
    max: float | None = None
    note: str = ""

    @model_validator(mode="after")
    def _one_limit(self) -> Criterion:
        if (self.min is None) == (self.max is None):
            raise ValueError("give exactly one of min or max")
        return self

    @property
    def limit(self) -> float:
        """The limit's value."""
        return self.min if self.min is not None else float(self.max or 0.0)


class Program(Strict):
    """A whole evaluation program."""

    program: ProgramHead
    unit: list[DeliveredUnit] = Field(min_length=1)
    criterion: list[Criterion] = Field(min_length=1)
