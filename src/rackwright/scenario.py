"""The scenario file: what the partnership plans, written as TOML by a person.

A scenario names workloads (training runs and inference services), the rack generations under
consideration, the manufacturer's sites, the planning horizon, the rack build plan and targets
such as a rising domestic-content share. ``load_scenario`` checks it against the catalog.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationError, model_validator

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.loader import read_toml, validation_error
from rackwright.catalog.models import Strict
from rackwright.catalog.tomlpos import locate
from rackwright.errors import ScenarioError, UnknownIdError
from rackwright.units import Seconds, quantity

Tokens = Annotated[float, BeforeValidator(quantity("tokens"))]

DEFAULT_SCENARIO_RESOURCE = "default_scenario.toml"
_PERIOD = re.compile(r"^(20\d\d)Q([1-4])$")


class TrainingWorkload(Strict):
    """A pretraining (or fine-tuning) run: a model, its token budget and a deadline."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    kind: Literal["train"]
    model: str
    tokens: Tokens = Field(gt=0)
    deadline_days: float = Field(gt=0)
    seq_len: int = Field(default=4096, gt=0)
    global_batch_tokens: Tokens = Field(default=16.0e6, gt=0)
    precision: str = "fp8"
    max_gpus: int = Field(default=100_000, gt=0)


class InferenceWorkload(Strict):
    """An inference service: a model served at a daily token volume under latency limits."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    kind: Literal["infer"]
    model: str
    daily_output_tokens: Tokens = Field(gt=0)
    isl: int = Field(gt=0, description="input tokens per request")
    osl: int = Field(gt=0, description="output tokens per request")
    ttft_limit_s: Seconds = Field(gt=0)
    tpot_limit_s: Seconds = Field(gt=0)
    precision: str = "fp8"


Workload = Annotated[TrainingWorkload | InferenceWorkload, Field(discriminator="kind")]


class Generation(Strict):
    """A rack generation under consideration and when it enters the plan."""

    rack: str
    first_year: int = Field(ge=2020, le=2040)


class SiteUse(Strict):
    """A manufacturer site the plan may build at."""

    site: str
    racks_per_week: float = Field(gt=0)


class DomesticTarget(Strict):
    """A domestic-content share to reach by a year."""

    year: int = Field(ge=2020, le=2040)
    share: float = Field(ge=0, le=1)


class BuildLot(Strict):
    """How many racks of one generation to build in one quarter (``2027Q1``)."""

    rack: str
    period: str
    racks: int = Field(gt=0)

    @model_validator(mode="after")
    def _period_format(self) -> BuildLot:
        if not _PERIOD.match(self.period):
            raise ValueError(f"period must look like 2027Q1, got {self.period!r}")
        return self

    @property
    def year(self) -> int:
        """Calendar year of the period."""
        return int(self.period[:4])


class Horizon(Strict):
    """The planning horizon, inclusive years."""

    start_year: int = Field(ge=2020, le=2040)
    end_year: int = Field(ge=2020, le=2040)

    @model_validator(mode="after")
    def _ordered(self) -> Horizon:
        if self.end_year < self.start_year:
            raise ValueError(f"end_year {self.end_year} is before start_year {self.start_year}")
        return self


class Scenario(Strict):
    """A whole planning scenario."""

    name: str
    description: str = ""
    horizon: Horizon
    facility: str
    catalog_files: list[str] = Field(default_factory=list)
    workloads: list[Workload] = Field(min_length=1)
    generations: list[Generation] = Field(min_length=1)
    sites: list[SiteUse] = Field(min_length=1)
    domestic_targets: list[DomesticTarget] = Field(default_factory=list)
    builds: list[BuildLot] = Field(default_factory=list)

    def training(self) -> list[TrainingWorkload]:
        """The training workloads."""
        return [w for w in self.workloads if isinstance(w, TrainingWorkload)]

    def inference(self) -> list[InferenceWorkload]:
        """The inference workloads."""
        return [w for w in self.workloads if isinstance(w, InferenceWorkload)]

    def domestic_target(self, year: int) -> float:
        """The domestic-content share required in ``year`` (the latest target at or before)."""
        share = 0.0
        for target in sorted(self.domestic_targets, key=lambda t: t.year):
            if target.year <= year:
                share = target.share
        return share


# TOML spelling: [[workload]], [[generation]], [[site]], [[domestic_target]], [[build]].
_PLURAL = {
    "workload": "workloads",
    "generation": "generations",
    "site": "sites",
    "domestic_target": "domestic_targets",
    "build": "builds",
}
_SINGULAR = {v: k for k, v in _PLURAL.items()}


def default_scenario_text() -> str:
    """The embedded default scenario, as the commented TOML a user can edit."""
    return (
        resources.files("rackwright.scenario_data")
        .joinpath(DEFAULT_SCENARIO_RESOURCE)
        .read_text(encoding="utf-8")
    )


def parse_scenario(data: dict[str, object], text: str, file: str) -> Scenario:
    """Validate parsed TOML as a scenario; errors name file, line, field and value."""
    if not data:
        raise ScenarioError("scenario is empty", file=file)
    head = data.get("scenario", {})
    if not isinstance(head, dict):
        line = locate(text, ("scenario",))
        raise ScenarioError("[scenario] must be a table", file=file, line=line)
    shaped: dict[str, object] = dict(head)
    for key, value in data.items():
        if key == "scenario":
            continue
        if key not in _PLURAL:
            raise ScenarioError(
                f"unknown section; use one of scenario, {', '.join(_PLURAL)}",
                file=file,
                line=locate(text, (key,)),
                field=key,
                value=key,
            )
        shaped[_PLURAL[key]] = value
    try:
        return Scenario.model_validate(shaped)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = list(first["loc"])
        if loc and isinstance(loc[0], str) and loc[0] in _SINGULAR:
            base: tuple[str | int, ...] = (_SINGULAR[loc[0]],)
            loc = loc[1:]
            # discriminated unions add the tag ('train'/'infer') to the location
            if base == ("workload",) and len(loc) > 1 and loc[1] in {"train", "infer"}:
                loc = [loc[0], *loc[2:]]
        else:
            base = ("scenario",)
        error = validation_error(exc, file=file, text=text, base=base, loc=tuple(loc))
        raise ScenarioError(
            error.message,
            file=error.file,
            line=error.line,
            field=error.field,
            value=error.value,
            has_value=error.has_value,
        ) from None


def check_against_catalog(scenario: Scenario, catalog: Catalog, text: str, file: str) -> None:
    """Every id the scenario names must exist in the catalog."""

    def fail(kind: str, value: str, path: tuple[str | int, ...], field: str) -> None:
        raise UnknownIdError(
            f"unknown {kind} id '{value}'",
            file=file,
            line=locate(text, path),
            field=field,
            value=value,
        )

    if scenario.facility not in catalog.entries["facility"]:
        fail("facility", scenario.facility, ("scenario", "facility"), "scenario.facility")
    for i, gen in enumerate(scenario.generations):
        if gen.rack not in catalog.entries["rack"]:
            fail("rack", gen.rack, ("generation", i, "rack"), f"generation[{i}].rack")
    for i, site in enumerate(scenario.sites):
        if site.site not in catalog.entries["site"]:
            fail("site", site.site, ("site", i, "site"), f"site[{i}].site")
    known_racks = {g.rack for g in scenario.generations}
    for i, lot in enumerate(scenario.builds):
        if lot.rack not in known_racks:
            raise ScenarioError(
                f"build names rack '{lot.rack}' that is not a scenario generation",
                file=file,
                line=locate(text, ("build", i, "rack")),
                field=f"build[{i}].rack",
                value=lot.rack,
            )
    seen: set[str] = set()
    for i, workload in enumerate(scenario.workloads):
        if workload.id in seen:
            raise ScenarioError(
                f"duplicate workload id '{workload.id}'",
                file=file,
                line=locate(text, ("workload", i, "id")),
                field=f"workload[{i}].id",
                value=workload.id,
            )
        seen.add(workload.id)


def load_scenario_text(text: str, file: str) -> tuple[Scenario, str]:
    """Parse scenario TOML text (no catalog check)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc).split(" (at line")[0]
        raise ScenarioError(
            f"malformed TOML: {msg}", file=file, line=getattr(exc, "lineno", None)
        ) from None
    return parse_scenario(data, text, file), text


def read_scenario(path: Path | None) -> tuple[Scenario, str, str]:
    """Read a scenario file, or the embedded default when ``path`` is None.

    Returns the scenario, its text and the name used in messages.
    """
    if path is None:
        name = "<default scenario>"
        scenario, text = load_scenario_text(default_scenario_text(), name)
        return scenario, text, name
    data, text = read_toml(path)
    return parse_scenario(data, text, str(path)), text, str(path)
