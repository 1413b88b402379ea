"""The plan-run hook: run the plan on stored inputs and return what the store keeps.

``execute_plan`` is the one function the store calls to run a plan: the stored documents are
written to a temporary folder (the input loader reads files, as for the CLI), loaded once into
``PlanInputs``, run through the stage chain (``rackwright.plan.run_plan``), and each stage's
report section and time kept with both report files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rackwright import __version__
from rackwright.errors import InputError, RackwrightError

if TYPE_CHECKING:
    from rackwright.chain import Stage
    from rackwright.chain.load import InputRequest
    from rackwright.plan import PlanPart

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


# stored document kind -> the input the loader takes it as
_LIST_KINDS = ("catalog", "bom")
_SINGLE_KINDS = ("tariffs",)


def _write_inputs(root: Path, inputs: PlanRunInputs) -> InputRequest:
    """Write the scenario and its documents; the request that loads them as the CLI would."""
    from rackwright.chain.load import InputRequest
    from rackwright.scenario import load_scenario_text

    scenario, _ = load_scenario_text(inputs.scenario.text, inputs.scenario.name)
    named = set(scenario.catalog_files) | set(scenario.bom_files)
    lists: dict[str, list[Path]] = {kind: [] for kind in _LIST_KINDS}
    single: dict[str, Path] = {}
    for item in inputs.files:
        if item.kind not in (*_LIST_KINDS, *_SINGLE_KINDS):
            raise InputError(
                f"the plan does not read stored {item.kind} files",
                field="inputs",
                value=item.name,
            )
        path = root / item.name
        path.write_text(item.text, encoding="utf-8")
        if item.kind in _SINGLE_KINDS:
            single[item.kind] = path
        elif item.name not in named:
            lists[item.kind].append(path)
    scenario_path = root / "scenario.toml"
    scenario_path.write_text(inputs.scenario.text, encoding="utf-8")
    return InputRequest(
        scenario=scenario_path,
        catalog=tuple(lists["catalog"]),
        bom=tuple(lists["bom"]),
        tariffs=single.get("tariffs"),
    )


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
    inputs: PlanRunInputs,
    progress: Progress | None = None,
    parts: Sequence[PlanPart] | None = None,
) -> PlanOutcome:
    """Run the whole plan on ``inputs``; RackwrightError for bad inputs, as the CLI would."""
    from rackwright.plan import plan_parts, prepare, run_plan
    from rackwright.report import render_reports
    from rackwright.report.json_report import jsonable

    chosen = plan_parts() if parts is None else list(parts)
    total = len(chosen)
    done: list[str] = []
    with tempfile.TemporaryDirectory(prefix="rackwright-run-") as tmp:
        root = Path(tmp)
        try:
            loaded = prepare(_write_inputs(root, inputs))
        except RackwrightError as exc:
            raise _renamed(exc, root, inputs.scenario.name) from None
        loaded = dataclasses.replace(loaded, scenario_file=inputs.scenario.name)

        def started(stage: Stage[Any]) -> None:
            if progress is not None:
                progress(stage.key, len(done), total)

        def finished(stage: Stage[Any], _seconds: float) -> None:
            done.append(stage.key)
            if progress is not None:
                progress(stage.key, len(done), total)

        try:
            outcome = run_plan(loaded, parts=chosen, on_start=started, on_done=finished)
        except RackwrightError as exc:
            raise _renamed(exc, root, inputs.scenario.name) from None
        files = render_reports(outcome.view)
    stages = tuple(
        StageOutcome(
            section.key,
            section.title,
            jsonable({"summary": section.summary, "data": section.data, "notes": section.notes}),
            outcome.run.timings.get(section.key, 0.0),
        )
        for section in outcome.view.sections
    )
    demand = demand_per_quarter(inputs.scenario.text, inputs.scenario.name)
    return PlanOutcome(stages, files, demand)
