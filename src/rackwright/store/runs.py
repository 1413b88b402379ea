"""The plan-run hook: run the plan on stored inputs and return what the store keeps.

``execute_plan`` is the one function the store calls to run a plan. Today it wraps
``rackwright.plan.prepare`` + ``run_plan`` + ``rackwright.report.render_reports`` (they read
files, so the inputs are written to a temporary directory first); when the stage chain lands it
is re-pointed at the chain runner, keeping this signature and ``PlanOutcome``.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rackwright import __version__
from rackwright.errors import InputError, RackwrightError

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage_key, stages_done, stages_total)`` when a stage starts and ends."""


@dataclass(frozen=True)
class PlanFile:
    """One stored input file: its kind (scenario, catalog, bom, tariffs), name and text."""

    kind: str
    name: str
    text: str


@dataclass(frozen=True)
class PlanRunInputs:
    """Everything a run reads: the scenario and the other files, in merge order."""

    scenario: PlanFile
    files: tuple[PlanFile, ...] = ()


@dataclass(frozen=True)
class StageOutcome:
    """One stage's result as JSON (its report section: summary, data, notes) and its time."""

    key: str
    title: str
    result: dict[str, Any]
    seconds: float


@dataclass(frozen=True)
class PlanOutcome:
    """What a run produced: stage results in order, report files, and the demand it planned."""

    stages: tuple[StageOutcome, ...]
    files: dict[str, str] = field(default_factory=dict)
    demand: dict[str, dict[str, int]] = field(default_factory=dict)


def inputs_hash(inputs: PlanRunInputs) -> str:
    """SHA-256 over the rackwright version and every input's kind, name and text, in order."""
    parts = [inputs.scenario, *inputs.files]
    canonical = {
        "rackwright": __version__,
        "inputs": [
            [p.kind, p.name, hashlib.sha256(p.text.encode("utf-8")).hexdigest()] for p in parts
        ],
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write_inputs(root: Path, inputs: PlanRunInputs) -> tuple[Path, list[Path]]:
    """Write the scenario and catalog files; returns the scenario path and extra catalogs."""
    from rackwright.scenario import load_scenario_text

    scenario, _ = load_scenario_text(inputs.scenario.text, inputs.scenario.name)
    named = set(scenario.catalog_files)
    extra: list[Path] = []
    for item in inputs.files:
        if item.kind != "catalog":
            raise InputError(
                f"the plan does not read stored {item.kind} files yet",
                field="inputs",
                value=item.name,
            )
        path = root / item.name
        path.write_text(item.text, encoding="utf-8")
        if item.name not in named:
            extra.append(path)
    scenario_path = root / "scenario.toml"
    scenario_path.write_text(inputs.scenario.text, encoding="utf-8")
    return scenario_path, extra


def demand_per_quarter(scenario_text: str, name: str) -> dict[str, dict[str, int]]:
    """Racks per quarter per rack design from the scenario's builds (what crosses the wall)."""
    from rackwright.scenario import load_scenario_text

    scenario, _ = load_scenario_text(scenario_text, name)
    demand: dict[str, dict[str, int]] = {}
    for lot in scenario.builds:
        per_rack = demand.setdefault(lot.rack, {})
        per_rack[lot.period] = per_rack.get(lot.period, 0) + lot.racks
    return {rack: dict(sorted(q.items())) for rack, q in demand.items()}


def _renamed(exc: RackwrightError, root: Path, scenario_name: str) -> RackwrightError:
    """The error with temporary paths replaced by the stored documents' names."""
    if exc.file and exc.file.startswith(str(root)):
        relative = Path(exc.file).relative_to(root).as_posix()
        exc.file = scenario_name if relative == "scenario.toml" else relative
        exc.args = (exc.one_line(),)
    return exc


def execute_plan(
    inputs: PlanRunInputs, progress: Progress | None = None, builders: Any = None
) -> PlanOutcome:
    """Run the whole plan on ``inputs``; RackwrightError for bad inputs, as the CLI would."""
    from rackwright.plan import builder_name, prepare, run_plan, section_builders
    from rackwright.report import render_reports
    from rackwright.report.json_report import jsonable

    chosen = section_builders() if builders is None else list(builders)
    total = len(chosen)
    stages: list[StageOutcome] = []
    with tempfile.TemporaryDirectory(prefix="rackwright-run-") as tmp:
        root = Path(tmp)
        try:
            scenario_path, extra = _write_inputs(root, inputs)
            context = prepare(scenario_path, extra)
        except RackwrightError as exc:
            raise _renamed(exc, root, inputs.scenario.name) from None
        context = type(context)(context.scenario, context.catalog, inputs.scenario.name)
        clock = {"start": time.perf_counter()}

        def started(name: str) -> None:
            clock["start"] = time.perf_counter()
            if progress is not None:
                progress(name, len(stages), total)

        def done(section: Any) -> None:
            result = {"summary": section.summary, "data": section.data, "notes": section.notes}
            seconds = time.perf_counter() - clock["start"]
            stages.append(StageOutcome(section.key, section.title, jsonable(result), seconds))
            if progress is not None:
                progress(builder_name(chosen[len(stages) - 1]), len(stages), total)

        try:
            sections = run_plan(context, started, on_done=done, builders=chosen)
        except RackwrightError as exc:
            raise _renamed(exc, root, inputs.scenario.name) from None
        files = render_reports(context, sections)
    demand = demand_per_quarter(inputs.scenario.text, inputs.scenario.name)
    return PlanOutcome(tuple(stages), files, demand)
