"""The scenario file: what the partnership plans, written as TOML by a person.

A scenario names workloads (training runs and inference services), the rack generations under
consideration, the manufacturer's sites, the planning horizon, the rack build plan and targets
such as a rising domestic-content share. ``read_scenario`` parses and checks it on its own
(types, units, periods, unique ids, builds inside the horizon); ``check_against_catalog`` then
checks every id it names (``rackwright.plan.prepare`` does both).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from rackwright.catalog.catalog import Catalog
from rackwright.catalog.loader import validation_error
from rackwright.catalog.models import Strict
from rackwright.catalog.tomlpos import locate, path_name
from rackwright.errors import ScenarioError, UnitError, UnknownIdError
from rackwright.fileio import read_text
from rackwright.precision import Precision, PrecisionField
from rackwright.units import Usd, parse_quantity


def _quantity(dimension: str) -> Callable[[Any], float]:
    """A before-validator whose unit errors stay inside pydantic, so they keep their location."""

    def _parse(value: Any) -> float:
        try:
            return parse_quantity(value, dimension)
        except UnitError as exc:
            raise PydanticCustomError("unit_error", "{message}", {"message": exc.message}) from None

    return _parse


Tokens = Annotated[float, BeforeValidator(_quantity("tokens"))]
Seconds = Annotated[float, BeforeValidator(_quantity("time_s"))]
_PERCENT = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?)\s*%\s*$")


def _growth(value: Any) -> Any:
    """A yearly growth as a fraction (3.0) or a percentage string ("300 %")."""
    if isinstance(value, str):
        match = _PERCENT.match(value)
        if match is None:
            raise PydanticCustomError(
                "growth", "growth must be a fraction (3.0) or a percentage ('300 %')"
            )
        return float(match.group(1)) / 100.0
    return value


Growth = Annotated[float, BeforeValidator(_growth)]

DEFAULT_SCENARIO_RESOURCE = "default_scenario.toml"
_PERIOD = re.compile(r"^(20\d\d)Q([1-4])$")


class TrainingWorkload(Strict):
    """A pretraining (or fine-tuning) run: a model, its token budget and a deadline."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    kind: Literal["train"]
    model: str
    tokens: Tokens = Field(gt=0)
    deadline_days: float = Field(gt=0, le=36_500, description="at most a century")
    seq_len: int = Field(default=4096, gt=0)
    global_batch_tokens: Tokens = Field(default=16.0e6, gt=0)
    precision: PrecisionField = Precision.FP8
    max_gpus: int = Field(default=100_000, gt=0, le=10_000_000)


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
    precision: PrecisionField = Precision.FP8


Workload = Annotated[TrainingWorkload | InferenceWorkload, Field(discriminator="kind")]


class Generation(Strict):
    """A rack generation under consideration and when it enters the plan."""

    rack: str
    first_year: int = Field(ge=2020, le=2040)


class SiteUse(Strict):
    """A manufacturer site the plan may build at."""

    site: str
    racks_per_week: float = Field(gt=0, le=100_000)


class DomesticTarget(Strict):
    """A domestic-content share to reach by a year."""

    year: int = Field(ge=2020, le=2040)
    share: float = Field(ge=0, le=1)


class BuildLot(Strict):
    """How many racks of one generation to build in one quarter (``2027Q1``)."""

    rack: str
    period: str
    racks: int = Field(gt=0, le=1_000_000, description="racks in one quarter")

    @field_validator("period")
    @classmethod
    def _period_format(cls, period: str) -> str:
        if not _PERIOD.match(period):
            raise PydanticCustomError(
                "period", "period must be a year and quarter Q1-Q4, e.g. 2027Q1"
            )
        return period

    @property
    def year(self) -> int:
        """Calendar year of the period."""
        return int(self.period[:4])

    @property
    def quarter(self) -> int:
        """Quarter of the period, 1 to 4."""
        return int(self.period[-1])


class RiskSettings(Strict):
    """``[scenario.risk]``: how the plan's risk stage reads the plan (every field optional).

    ``window`` is the build quarter whose rates the supply network carries (default: the
    quarter the program builds the most racks); ``trials`` the Monte Carlo trials (default:
    the risk stage's); ``loss_weight_usd`` the value lost per rack not delivered, by rack id
    (default: the integrator's margin on the rack, assumption ARISK06); ``domestic_uplifts``
    the raises of every quarter's domestic floor tried, largest first, for the domestic-leaning
    plan the risk stage compares the plan with (default: +20, +10, +5 points, ARISK10).
    """

    window: str | None = None
    trials: int | None = Field(default=None, ge=1, le=1_000_000)
    loss_weight_usd: dict[str, Annotated[float, Field(gt=0, lt=1e12)]] = Field(default_factory=dict)
    domestic_uplifts: list[Annotated[float, Field(gt=0, le=1)]] | None = Field(
        default=None, min_length=1, max_length=10
    )

    @field_validator("window")
    @classmethod
    def _window_format(cls, window: str | None) -> str | None:
        if window is not None and not _PERIOD.match(window):
            raise PydanticCustomError(
                "period", "window must be a year and quarter Q1-Q4, e.g. 2027Q1"
            )
        return window


class DemandCase(Strict):
    """One demand scenario: yearly growth of training compute and of inference tokens served."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    training_compute_growth_per_year: Growth
    inference_tokens_growth_per_year: Growth

    @field_validator("training_compute_growth_per_year", "inference_tokens_growth_per_year")
    @classmethod
    def _not_below_minus_100(cls, growth: float) -> float:
        if growth < -1.0:
            raise PydanticCustomError(
                "growth", "growth must be at least -100 % a year (-1.0): demand cannot go negative"
            )
        return growth


class DemandSpec(Strict):
    """Demand cases and how they become racks: start level, mix rule, service life."""

    build_case: str = "base"
    mix: Literal["newest", "ramp"] = "ramp"
    ramp_quarters: int = Field(default=4, ge=1, le=16)
    service_life_years: float = Field(default=6.0, gt=0)
    training_start_multiple: float = Field(default=1.0, gt=0)
    inference_start_multiple: float = Field(default=1.0, gt=0)
    case: list[DemandCase] = Field(min_length=1)


class PurchaseOption(Strict):
    """The lab's option to purchase racks after evaluating delivered units."""

    rack: str
    racks: int = Field(gt=0)
    price_usd_per_rack: Usd = Field(gt=0)
    delivery: date
    deadline: date
    workload: str | None = None
    alternatives: list[str] = Field(default_factory=list)


class Horizon(Strict):
    """The planning horizon, inclusive years."""

    start_year: int = Field(ge=2020, le=2040)
    end_year: int = Field(ge=2020, le=2040)

    @field_validator("end_year")
    @classmethod
    def _ordered(cls, end_year: int, info: ValidationInfo) -> int:
        start = info.data.get("start_year")
        if start is not None and end_year < start:
            raise PydanticCustomError(
                "horizon_order", "end_year is before start_year {start}", {"start": start}
            )
        return end_year

    def years(self) -> list[int]:
        """Every year of the horizon, in order."""
        return list(range(self.start_year, self.end_year + 1))


class Scenario(Strict):
    """A whole planning scenario."""

    name: str
    description: str = ""
    horizon: Horizon
    facility: str
    catalog_files: list[str] = Field(default_factory=list)
    # Every data file a single command takes can be named here too (relative to this file);
    # the command line's --bom/--catalog add to these, --rules/--tariffs/... replace them.
    bom_files: list[str] = Field(default_factory=list)
    rules_file: str | None = None
    tariffs_file: str | None = None
    sourcing_rules_file: str | None = None
    logistics_file: str | None = None
    calibration_file: str | None = None
    factory_file: str | None = None
    finance_file: str | None = None
    seed: int = Field(default=0, ge=0, description="seed of every random draw in the plan")
    # the tariff policy scenario the plan is sourced under: "current" (the rules as they stand and
    # as announced) or a scenario of the tariff files; the duties section re-prices the plan
    # under every scenario either way
    tariff_policy: str = Field(default="current", min_length=1)
    workloads: list[Workload] = Field(min_length=1)
    generations: list[Generation] = Field(min_length=1)
    sites: list[SiteUse] = Field(min_length=1)
    domestic_targets: list[DomesticTarget] = Field(default_factory=list)
    builds: list[BuildLot] = Field(default_factory=list)
    build: Literal["explicit", "from-demand"] = "explicit"
    demand: DemandSpec | None = None
    purchase_option: PurchaseOption | None = None
    risk: RiskSettings = Field(default_factory=RiskSettings)

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
# single tables: [demand] (with [[demand.case]]) and [purchase_option]
_TABLES = ("demand", "purchase_option")


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
        raise ScenarioError("scenario is empty: it needs [scenario], [[workload]], ...", file=file)
    head = data.get("scenario", {})
    if not isinstance(head, dict):
        line = locate(text, ("scenario",))
        raise ScenarioError("[scenario] must be a table", file=file, line=line)
    shaped: dict[str, object] = dict(head)
    for key, value in data.items():
        if key == "scenario":
            continue
        if key in _TABLES:
            shaped[key] = value
            continue
        if key not in _PLURAL:
            raise ScenarioError(
                f"unknown section; use one of scenario, {', '.join((*_PLURAL, *_TABLES))}",
                file=file,
                line=locate(text, (key,)) or locate(text, (key, 0)),
                field=key,
                value=key,
            )
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise ScenarioError(
                f"'{key}' must be an array of tables, written [[{key}]]",
                file=file,
                line=locate(text, (key,)),
                field=key,
                value=value,
            )
        if _PLURAL[key] in head:
            raise ScenarioError(
                f"'{_PLURAL[key]}' is given both in [scenario] and as [[{key}]]",
                file=file,
                line=locate(text, (key,)),
                field=key,
            )
        shaped[_PLURAL[key]] = value
    try:
        scenario = Scenario.model_validate(shaped)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc: list[str | int] = list(first["loc"])
        if loc and isinstance(loc[0], str) and loc[0] in _SINGULAR:
            base: tuple[str | int, ...] = (_SINGULAR[loc[0]],)
            loc = loc[1:]
            # discriminated unions add the tag ('train'/'infer') to the location
            if base == ("workload",) and len(loc) > 1 and loc[1] in {"train", "infer"}:
                loc = [loc[0], *loc[2:]]
        elif loc and loc[0] in _TABLES:
            base, loc = (str(loc[0]),), loc[1:]
        else:
            base = ("scenario",)
        _explain_shape_error(first, base, loc, text, file)
        error = validation_error(exc, file=file, text=text, base=base, loc=tuple(loc))
        raise ScenarioError(
            error.message,
            file=error.file,
            line=error.line,
            field=path_name((*base, *loc)),
            value=error.value,
            has_value=error.has_value,
        ) from None
    check_consistency(scenario, text, file)
    return scenario


def _explain_shape_error(
    error: Any, base: tuple[str | int, ...], loc: list[str | int], text: str, file: str
) -> None:
    """Clearer messages than pydantic's for a bad workload kind or a missing array of tables."""
    kind = error["type"]
    if kind in {"union_tag_invalid", "union_tag_not_found"} and base == ("workload",):
        path = (*base, *loc, "kind")
        tag = (error.get("ctx") or {}).get("tag")
        raise ScenarioError(
            "kind must be 'train' or 'infer'" if tag else "missing required field: kind",
            file=file,
            line=locate(text, path) or locate(text, (*base, *loc)),
            field=path_name(path),
            value=tag,
            has_value=tag is not None,
        )
    if base != ("scenario",) and not loc and kind in {"missing", "too_short"}:
        raise ScenarioError(
            f"the scenario needs at least one [[{base[0]}]]", file=file, field=str(base[0])
        )


def check_consistency(scenario: Scenario, text: str, file: str) -> None:
    """Rules across entries: unique ids, builds of known generations inside the horizon."""

    def fail(message: str, path: tuple[str | int, ...], value: object) -> None:
        raise ScenarioError(
            message, file=file, line=locate(text, path), field=path_name(path), value=value
        )

    def unique(section: str, key: str, values: list[Any]) -> None:
        seen: set[Any] = set()
        for i, value in enumerate(values):
            if value in seen:
                fail(f"duplicate {section} {key} '{value}'", (section, i, key), value)
            seen.add(value)

    unique("workload", "id", [w.id for w in scenario.workloads])
    unique("generation", "rack", [g.rack for g in scenario.generations])
    unique("site", "site", [s.site for s in scenario.sites])
    unique("domestic_target", "year", [t.year for t in scenario.domestic_targets])
    first_year = {g.rack: g.first_year for g in scenario.generations}
    horizon = scenario.horizon
    for i, lot in enumerate(scenario.builds):
        if lot.rack not in first_year:
            continue  # check_builds_name_generations says so, once the generations are checked
        if not horizon.start_year <= lot.year <= horizon.end_year:
            fail(
                f"build period is outside the horizon {horizon.start_year}-{horizon.end_year}",
                ("build", i, "period"),
                lot.period,
            )
        if lot.year < first_year[lot.rack]:
            fail(
                f"build period is before {lot.rack} enters the plan ({first_year[lot.rack]})",
                ("build", i, "period"),
                lot.period,
            )
    _check_demand(scenario, fail)
    _check_option(scenario, fail)
    check_risk_settings(scenario, fail)


Fail = Callable[[str, tuple[str | int, ...], object], None]
RISK_PATH: tuple[str, ...] = ("scenario", "risk")


def check_risk_settings(scenario: Scenario, fail: Fail) -> None:
    """``[scenario.risk]`` names a build quarter and scenario generations."""
    risk = scenario.risk
    if risk.window is not None and not any(b.period == risk.window for b in scenario.builds):
        fail("the risk window is a quarter with no [[build]]", (*RISK_PATH, "window"), risk.window)
    racks = {g.rack for g in scenario.generations}
    for rack in risk.loss_weight_usd:
        if rack not in racks:
            fail(
                f"loss weight for rack '{rack}', which is not a scenario [[generation]]",
                (*RISK_PATH, "loss_weight_usd", rack),
                rack,
            )


def _check_demand(scenario: Scenario, fail: Fail) -> None:
    """Demand case names unique, the build case one of them, from-demand builds need demand."""
    demand = scenario.demand
    if demand is None:
        if scenario.build == "from-demand":
            fail(
                'build = "from-demand" needs a [demand] block',
                ("scenario", "build"),
                scenario.build,
            )
        return
    names = [c.name for c in demand.case]
    for i, name in enumerate(names):
        if name in names[:i]:
            fail(f"duplicate demand case name '{name}'", ("demand", "case", i, "name"), name)
    if demand.build_case not in names:
        fail(
            f"build_case must name a [[demand.case]] ({', '.join(names)})",
            ("demand", "build_case"),
            demand.build_case,
        )


def _check_option(scenario: Scenario, fail: Fail) -> None:
    """The option's deadline comes after the evaluation units' delivery; its workload exists."""
    option = scenario.purchase_option
    if option is None:
        return
    if option.deadline < option.delivery:
        fail(
            f"option deadline is before the delivery of the evaluation units "
            f"({option.delivery.isoformat()})",
            ("purchase_option", "deadline"),
            option.deadline.isoformat(),
        )
    ids = [w.id for w in scenario.workloads]
    if option.workload is not None and option.workload not in ids:
        fail(
            f"workload must be a scenario workload id ({', '.join(ids)})",
            ("purchase_option", "workload"),
            option.workload,
        )


def check_against_catalog(scenario: Scenario, catalog: Catalog, text: str, file: str) -> None:
    """Every id the scenario names must exist in the catalog, with the right kind."""

    def fail(kind: str, value: str, path: tuple[str | int, ...]) -> None:
        known = ", ".join(sorted(catalog.entries[kind])) or "none"
        raise UnknownIdError(
            f"unknown {kind} id '{value}'; known {kind} ids: {known}",
            file=file,
            line=locate(text, path),
            field=path_name(path),
            value=value,
        )

    if scenario.facility not in catalog.entries["facility"]:
        fail("facility", scenario.facility, ("scenario", "facility"))
    for i, site in enumerate(scenario.sites):
        if site.site not in catalog.entries["site"]:
            fail("site", site.site, ("site", i, "site"))
    for i, gen in enumerate(scenario.generations):
        if gen.rack not in catalog.entries["rack"]:
            fail("rack", gen.rack, ("generation", i, "rack"))
    option = scenario.purchase_option
    if option is not None:
        if option.rack not in catalog.entries["rack"]:
            fail("rack", option.rack, ("purchase_option", "rack"))
        for alternative in option.alternatives:
            if alternative not in catalog.entries["rack"]:
                fail("rack", alternative, ("purchase_option", "alternatives"))
    check_builds_name_generations(scenario, text, file)


def check_builds_name_generations(scenario: Scenario, text: str, file: str) -> None:
    """Every build names a scenario generation (checked after the generations' own ids, so a
    typo in a [[generation]] is reported there, not at the first build that uses it)."""
    racks = [g.rack for g in scenario.generations]
    for i, lot in enumerate(scenario.builds):
        if lot.rack not in racks:
            path: tuple[str | int, ...] = ("build", i, "rack")
            raise ScenarioError(
                f"build names rack '{lot.rack}' that is not a scenario [[generation]] "
                f"({', '.join(racks)})",
                file=file,
                line=locate(text, path),
                field=path_name(path),
                value=lot.rack,
            )


def scenario_summary(scenario: Scenario) -> dict[str, Any]:
    """A JSON-able overview: workloads, generations, sites, targets and racks built per year."""
    racks_by_year: dict[str, dict[int, int]] = {g.rack: {} for g in scenario.generations}
    for lot in scenario.builds:
        per_year = racks_by_year[lot.rack]
        per_year[lot.year] = per_year.get(lot.year, 0) + lot.racks
    return {
        "name": scenario.name,
        "description": scenario.description,
        "horizon": {
            "start_year": scenario.horizon.start_year,
            "end_year": scenario.horizon.end_year,
        },
        "facility": scenario.facility,
        "workloads": [w.model_dump(mode="json") for w in scenario.workloads],
        "generations": [
            {
                "rack": g.rack,
                "first_year": g.first_year,
                "racks_total": sum(racks_by_year[g.rack].values()),
                "racks_by_year": {str(y): n for y, n in sorted(racks_by_year[g.rack].items())},
            }
            for g in scenario.generations
        ],
        "sites": [s.model_dump(mode="json") for s in scenario.sites],
        "racks_per_week_total": sum(s.racks_per_week for s in scenario.sites),
        "domestic_targets": {
            str(year): scenario.domestic_target(year) for year in scenario.horizon.years()
        },
        "racks_total": sum(lot.racks for lot in scenario.builds),
        "builds": [lot.model_dump(mode="json") for lot in scenario.builds],
        "build": scenario.build,
        "demand": scenario.demand.model_dump(mode="json") if scenario.demand else None,
        "purchase_option": (
            scenario.purchase_option.model_dump(mode="json") if scenario.purchase_option else None
        ),
    }


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)\s*$")


def load_scenario_text(text: str, file: str) -> tuple[Scenario, str]:
    """Parse scenario TOML text (no catalog check)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's tomllib only reports the position inside the message
        message = str(exc)
        position = _TOML_POSITION.search(message)
        line = int(position.group(1)) if position else None
        message = _TOML_POSITION.sub("", message)
        raise ScenarioError(f"malformed TOML: {message}", file=file, line=line) from None
    return parse_scenario(data, text, file), text


def read_scenario_file(path: Path) -> str:
    """The text of a scenario file; a missing, unreadable or non-UTF-8 file is an InputError."""
    return read_text(path)


def read_scenario(path: Path | None) -> tuple[Scenario, str, str]:
    """Read a scenario file, or the embedded default when ``path`` is None.

    Returns the scenario, its text and the name used in messages.
    """
    if path is None:
        name = "<default scenario>"
        scenario, text = load_scenario_text(default_scenario_text(), name)
        return scenario, text, name
    scenario, text = load_scenario_text(read_scenario_file(path), str(path))
    return scenario, text, str(path)
