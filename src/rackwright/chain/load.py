"""Load a plan's inputs once, at the edge: the scenario, every data file it or the command names.

Files merge in a fixed order, so the command line has the last word: package defaults, then the
scenario's own files (relative to the scenario file), then the command's. Lists (catalog and BOM
files) add up; single files (rules, tariffs, logistics, sourcing rules, calibration, factory,
finance) replace.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from rackwright import __version__
from rackwright.bom import load_supply_data, read_rules
from rackwright.catalog import Catalog, load_catalog
from rackwright.catalog.tomlpos import locate
from rackwright.chain.inputs import InputDigest, InputFile, PlanInputs, PlanSettings
from rackwright.errors import InputError, RackwrightError, ScenarioError
from rackwright.evaluation.inputs import EvaluationInputs
from rackwright.evaluation.loader import load_evaluation_inputs
from rackwright.factory.loader import load_factory
from rackwright.finance.loader import load_finance_defaults
from rackwright.perf.efficiency import load_efficiency
from rackwright.perf.models import ModelArch, resolve_model
from rackwright.scenario import Scenario, check_against_catalog, read_scenario
from rackwright.sourcing.rules import load_rules
from rackwright.sourcing.tariffs import load_logistics
from rackwright.tariffs.loader import load_tariff_rules
from rackwright.tariffs.models import TariffRules
from rackwright.tariffs.scenarios import scenario_names

# Package data every plan reads (hashed so a changed default changes the content hash).
PACKAGE_DATA = (
    "rackwright.catalog.data",
    "rackwright.bom.data",
    "rackwright.sourcing.data",
    "rackwright.tariffs.data",
    "rackwright.perf.data",
    "rackwright.factory.data",
    "rackwright.finance.data",
)


@dataclass(frozen=True)
class InputRequest:
    """What the command line names: the scenario (None = embedded default) and extra files."""

    scenario: Path | None = None
    catalog: tuple[Path, ...] = ()
    bom: tuple[Path, ...] = ()
    rules: Path | None = None
    tariffs: Path | None = None
    logistics: Path | None = None
    sourcing_rules: Path | None = None
    calibration: Path | None = None
    factory: Path | None = None
    finance: Path | None = None  # finance assumptions over the packaged defaults
    evaluation: Path | None = None  # an early-access program whose throughput the decision counts
    seed: int | None = None
    tariff_policy: str | None = None  # replaces the scenario's tariff_policy
    executor: str = "local"


@dataclass(frozen=True)
class _Files:
    """Every user file, resolved: the scenario's first, then the command line's."""

    catalog: tuple[Path, ...]
    bom: tuple[Path, ...]
    rules: Path | None
    tariffs: Path | None
    logistics: Path | None
    sourcing_rules: Path | None
    calibration: Path | None
    factory: Path | None
    finance: Path | None
    evaluation: tuple[Path, ...]  # the program file, then its result files


def load_inputs(request: InputRequest) -> PlanInputs:
    """Read and check everything the plan needs; every error names its file, field and value."""
    scenario, text, name = read_scenario(request.scenario)
    if request.tariff_policy is not None:
        scenario = scenario.model_copy(update={"tariff_policy": request.tariff_policy})
    base = request.scenario.parent if request.scenario is not None else Path.cwd()
    files = _resolve_files(scenario, base, request)
    catalog = load_catalog(list(files.catalog))
    check_against_catalog(scenario, catalog, text, name)
    supply = load_supply_data(catalog, files.bom)
    models = _models(scenario, base, name)
    seed = request.seed if request.seed is not None else scenario.seed
    evaluation = _evaluation(request.evaluation, scenario, catalog)
    if evaluation is not None:
        files = replace(
            files, evaluation=(Path(evaluation.file), *map(Path, evaluation.result_files))
        )
    tariffs = load_tariff_rules(files.tariffs)
    check_tariff_policy(
        scenario, tariffs, text, name, from_option=request.tariff_policy is not None
    )
    return PlanInputs(
        scenario=scenario,
        scenario_file=name,
        catalog=catalog,
        supply=supply,
        rules=read_rules(files.rules),
        tariffs=tariffs,
        logistics=load_logistics(files.logistics),
        sourcing_rules=load_rules(files.sourcing_rules),
        efficiency=load_efficiency(files.calibration),
        models=models,
        factory=load_factory(files.factory, catalog),
        finance=load_finance_defaults(catalog, files.finance),
        evaluation=evaluation,
        settings=PlanSettings(seed=seed, executor=request.executor),
        digest=_digest(scenario, files, seed),
    )


def check_tariff_policy(
    scenario: Scenario, tariffs: TariffRules, text: str, file: str, *, from_option: bool
) -> None:
    """The tariff policy the plan is sourced under is ``current`` or a scenario of the tariff
    files (the error names the option, or the scenario file's line, and the known policies)."""
    if scenario.tariff_policy in scenario_names(tariffs):
        return
    message = f"unknown tariff scenario; known: {', '.join(scenario_names(tariffs))}"
    if from_option:
        raise ScenarioError(message, field="--policy", value=scenario.tariff_policy)
    raise ScenarioError(
        message,
        file=file,
        line=locate(text, ("scenario", "tariff_policy")),
        field="scenario.tariff_policy",
        value=scenario.tariff_policy,
    )


def _evaluation(path: Path | None, scenario: Scenario, catalog: Catalog) -> EvaluationInputs | None:
    """The evaluation program, checked to evaluate the system the purchase option is for."""
    if path is None:
        return None
    option = scenario.purchase_option
    if option is None:
        raise InputError(
            "--evaluation needs a scenario with a [purchase_option]",
            field="--evaluation",
            value=str(path),
        )
    loaded = load_evaluation_inputs(path)
    system, expected = loaded.program.program.system, catalog.rack(option.rack).system
    if system != expected:
        raise InputError(
            f"the evaluation program evaluates {system}, the option is for {option.rack} "
            f"(system {expected})",
            field="--evaluation",
            value=str(path),
        )
    return loaded


def _resolve_files(scenario: Scenario, base: Path, request: InputRequest) -> _Files:
    def own(name: str | None) -> Path | None:
        return None if name is None else base / name

    return _Files(
        catalog=(*(base / f for f in scenario.catalog_files), *request.catalog),
        bom=(*(base / f for f in scenario.bom_files), *request.bom),
        rules=request.rules or own(scenario.rules_file),
        tariffs=request.tariffs or own(scenario.tariffs_file),
        logistics=request.logistics or own(scenario.logistics_file),
        sourcing_rules=request.sourcing_rules or own(scenario.sourcing_rules_file),
        calibration=request.calibration or own(scenario.calibration_file),
        factory=request.factory or own(scenario.factory_file),
        finance=request.finance or own(scenario.finance_file),
        evaluation=(),
    )


def _models(scenario: Scenario, base: Path, file: str) -> dict[str, ModelArch]:
    """Each workload's model, by the spec it gives; a path is relative to the scenario file."""
    models: dict[str, ModelArch] = {}
    for i, workload in enumerate(scenario.workloads):
        spec = workload.model
        if spec in models:
            continue
        local = base / spec
        try:
            models[spec] = resolve_model(str(local) if local.is_file() else spec)
        except RackwrightError as exc:
            raise ScenarioError(
                exc.message, file=file, field=f"workload[{i}].model", value=spec
            ) from None
    return models


def _digest(scenario: Scenario, files: _Files, seed: int) -> InputDigest:
    """SHA-256 over the parsed scenario, every data file's bytes, the seed and the version."""
    entries = [
        InputFile("scenario", scenario.name, _sha(_canonical(scenario).encode())),
        *(InputFile("package", name, _sha(data)) for name, data in _package_files()),
        *_user_files(files),
    ]
    total = hashlib.sha256()
    total.update(f"rackwright {__version__} seed {seed}\n".encode())
    for entry in entries:
        total.update(f"{entry.role}\t{entry.name}\t{entry.sha256}\n".encode())
    return InputDigest(content_hash=total.hexdigest(), files=tuple(entries))


def _canonical(scenario: Scenario) -> str:
    """The scenario as sorted JSON: comments and layout do not change the hash, values do."""
    return json.dumps(scenario.model_dump(mode="json"), sort_keys=True)


def _user_files(files: _Files) -> Iterator[InputFile]:
    named: list[tuple[str, Path | None]] = [
        *(("catalog", p) for p in files.catalog),
        *(("bom", p) for p in files.bom),
        ("rules", files.rules),
        ("tariffs", files.tariffs),
        ("logistics", files.logistics),
        ("sourcing_rules", files.sourcing_rules),
        ("calibration", files.calibration),
        ("factory", files.factory),
        ("finance", files.finance),
        *(("evaluation", p) for p in files.evaluation),
    ]
    for role, path in named:
        if path is not None:
            yield InputFile(role, str(path), _sha(_read_bytes(path)))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:  # the loaders read it already; this only guards a race
        raise InputError(f"cannot read file: {exc.strerror}", file=path) from None


def _package_files() -> Iterator[tuple[str, bytes]]:
    for package in PACKAGE_DATA:
        yield from _walk(resources.files(package), package)


def _walk(folder: Traversable, prefix: str) -> Iterable[tuple[str, bytes]]:
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        name = f"{prefix}/{item.name}"
        if item.is_dir():
            if item.name != "__pycache__":
                yield from _walk(item, name)
        elif not item.name.endswith((".py", ".pyc")):
            yield name, item.read_bytes()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
