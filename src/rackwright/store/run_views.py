"""Reading runs through the wall: the run, its inputs, stage results, files and comparisons."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rackwright.store import audit
from rackwright.store.actor import Actor
from rackwright.store.aggregates import stage_access, stage_view
from rackwright.store.diff import FieldChange, diff_values
from rackwright.store.models import Document, Revision, Run, RunFile, RunInput, RunStage
from rackwright.store.wall import can_see, get_visible, is_confidential, not_found


@dataclass(frozen=True)
class InputRef:
    """A revision a run used, as far as the viewer may know it."""

    position: int
    revision_id: str
    kind: str
    name: str
    number: int


@dataclass(frozen=True)
class StageView:
    """One stage of a run as the viewer sees it."""

    key: str
    title: str
    seconds: float
    access: str
    result: dict[str, Any]


def get_run(session: Session, actor: Actor, run_id: str) -> Run:
    """The run if the actor may see it (404 otherwise)."""
    run = get_visible(session, Run, run_id, actor, "run")
    if is_confidential(run):
        audit.record(session, actor, "read", "run", run.id, run.owner_org_id)
    return run


def visible_inputs(
    session: Session, actor: Actor, run: Run
) -> tuple[InputRef | None, list[InputRef]]:
    """The scenario revision and other inputs, leaving out any the viewer may not see."""
    scenario_row = session.execute(
        select(Document, Revision)
        .join(Revision, Revision.document_id == Document.id)
        .where(Revision.id == run.scenario_revision_id)
    ).one()
    scenario = _ref(0, *scenario_row) if can_see(scenario_row[0], actor) else None
    rows = session.execute(
        select(RunInput.position, Document, Revision)
        .join(Revision, RunInput.revision_id == Revision.id)
        .join(Document, Revision.document_id == Document.id)
        .where(RunInput.run_id == run.id)
        .order_by(RunInput.position)
    ).all()
    inputs = [_ref(pos, doc, rev) for pos, doc, rev in rows if can_see(doc, actor)]
    return scenario, inputs


def _ref(position: int, document: Document, revision: Revision) -> InputRef:
    return InputRef(position, revision.id, document.kind, document.name, revision.number)


def stage_views(session: Session, actor: Actor, run: Run) -> list[StageView]:
    """Every stage of the run through the cross-wall filter."""
    stages = session.scalars(
        select(RunStage).where(RunStage.run_id == run.id).order_by(RunStage.position)
    ).all()
    is_owner = run.owner_org_id == actor.org_id
    views = []
    for stage in stages:
        access = stage_access(stage.key, actor.org_kind, is_owner)
        result = stage_view(stage.key, json.loads(stage.result_json), access)
        views.append(StageView(stage.key, stage.title, stage.seconds, access, result))
    return views


def stage(session: Session, actor: Actor, run: Run, key: str) -> StageView:
    """One stage by key (404 if the run has none of that key)."""
    for view in stage_views(session, actor, run):
        if view.key == key:
            return view
    raise not_found("stage")


def file_names(session: Session, actor: Actor, run: Run) -> list[str]:
    """Report files the viewer may download: the owner's only (they hold every detail)."""
    if run.owner_org_id != actor.org_id:
        return []
    return list(session.scalars(select(RunFile.name).where(RunFile.run_id == run.id)))


def get_file(session: Session, actor: Actor, run: Run, name: str) -> RunFile:
    """A report file of the run, for its owner organization."""
    found = session.get(RunFile, (run.id, name)) if run.owner_org_id == actor.org_id else None
    if found is None:
        raise not_found("report file")
    return found


def demand(run: Run) -> dict[str, dict[str, int]]:
    """The run's demand in racks per quarter per rack design (visible to both sides)."""
    return dict(json.loads(run.demand_json)) if run.demand_json else {}


def compare(session: Session, actor: Actor, old: Run, new: Run) -> dict[str, list[FieldChange]]:
    """Per stage, the field changes from run ``old`` to run ``new`` as the viewer sees them."""
    before = {v.key: v.result.get("data", {}) for v in stage_views(session, actor, old)}
    after = {v.key: v.result.get("data", {}) for v in stage_views(session, actor, new)}
    keys = list(dict.fromkeys([*before, *after]))
    return {key: diff_values(before.get(key, {}), after.get(key, {})) for key in keys}
