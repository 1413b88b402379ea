"""Plan runs in the store: create (queued), claim (running), progress, finish or fail.

A run moves queued -> running -> succeeded | failed, and only forward: each step is an UPDATE
guarded by the status it expects, so two workers can never both claim a run. A running run's
worker writes a heartbeat; a run whose heartbeat is older than ``STALE_SECONDS`` (its process
died with the server, or was killed) is marked failed, never left running.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rackwright import __version__
from rackwright.errors import InputError
from rackwright.store import audit
from rackwright.store.actor import Actor
from rackwright.store.documents import revision_by_id, sha256_text
from rackwright.store.models import Document, Revision, Run, RunFile, RunInput, RunStage
from rackwright.store.runs import PlanFile, PlanOutcome, PlanRunInputs, inputs_hash
from rackwright.store.types import utc_now
from rackwright.store.wall import check_classification, visible

# Assumption: a worker beats every HEARTBEAT_SECONDS; six missed beats means it is gone.
HEARTBEAT_SECONDS = 5.0
STALE_SECONDS = 30.0
MAX_INPUTS = 20
MEDIA_TYPES = {".html": "text/html; charset=utf-8", ".json": "application/json"}


def create_run(
    session: Session,
    actor: Actor,
    scenario_revision_id: str,
    input_revision_ids: list[str],
    classification: str,
) -> Run:
    """Queue a run of a scenario revision with catalog overrides; inputs must be visible."""
    actor.require("planner", "starting a plan run")
    check_classification(actor, classification)
    if len(input_revision_ids) > MAX_INPUTS:
        raise InputError(f"a run takes at most {MAX_INPUTS} inputs", field="input_revision_ids")
    document, scenario = revision_by_id(session, actor, scenario_revision_id)
    if document.kind != "scenario":
        raise InputError(
            "scenario_revision_id is not a scenario revision", field="scenario_revision_id"
        )
    files: list[tuple[Document, Revision]] = [
        revision_by_id(session, actor, rid) for rid in input_revision_ids
    ]
    for doc, _ in files:
        if doc.kind == "scenario":
            raise InputError(
                "a run takes one scenario; inputs are catalog overrides", field="input_revision_ids"
            )
    plan_inputs = _plan_inputs(document, scenario, files)
    run = Run(
        owner_org_id=actor.org_id,
        classification=classification,
        scenario_revision_id=scenario.id,
        inputs_hash=inputs_hash(plan_inputs),
        rackwright_version=__version__,
        created_by=actor.user_id or "",
    )
    session.add(run)
    session.flush()
    for position, (_, revision) in enumerate(files):
        session.add(RunInput(run_id=run.id, position=position, revision_id=revision.id))
    audit.record(session, actor, "start", "run", run.id, run.owner_org_id, document.name)
    return run


def _plan_inputs(
    document: Document, scenario: Revision, files: list[tuple[Document, Revision]]
) -> PlanRunInputs:
    return PlanRunInputs(
        PlanFile("scenario", document.name, scenario.content),
        tuple(PlanFile(doc.kind, doc.name, rev.content) for doc, rev in files),
    )


def load_inputs(session: Session, run_id: str) -> PlanRunInputs:
    """The stored inputs of a run (the worker's view: no wall, it acts for the run's owner)."""
    run = session.get(Run, run_id)
    assert run is not None
    scenario = session.get(Revision, run.scenario_revision_id)
    assert scenario is not None
    document = session.get(Document, scenario.document_id)
    assert document is not None
    rows = session.execute(
        select(Document, Revision)
        .join(Revision, Revision.document_id == Document.id)
        .join(RunInput, RunInput.revision_id == Revision.id)
        .where(RunInput.run_id == run_id)
        .order_by(RunInput.position)
    ).all()
    return _plan_inputs(document, scenario, [(d, r) for d, r in rows])


def claim_next(session: Session) -> str | None:
    """Mark the oldest queued run running and return its id (None when the queue is empty)."""
    queued = session.scalars(
        select(Run.id).where(Run.status == "queued").order_by(Run.created_at, Run.id).limit(5)
    ).all()
    now = utc_now()
    for run_id in queued:
        claimed = session.execute(
            update(Run)
            .where(Run.id == run_id, Run.status == "queued")
            .values(status="running", started_at=now, heartbeat_at=now)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return run_id
    return None


def report_progress(session: Session, run_id: str, stage: str, done: int, total: int) -> None:
    """Record a running run's current stage and count, and beat its heartbeat."""
    session.execute(
        update(Run)
        .where(Run.id == run_id, Run.status == "running")
        .values(current_stage=stage, stages_done=done, stages_total=total, heartbeat_at=utc_now())
    )


def heartbeat(session: Session, run_id: str) -> None:
    """The worker is alive."""
    session.execute(
        update(Run).where(Run.id == run_id, Run.status == "running").values(heartbeat_at=utc_now())
    )


def finish(session: Session, run_id: str, outcome: PlanOutcome) -> bool:
    """Store the outcome and mark the run succeeded (False if it was no longer running)."""
    done = session.execute(
        update(Run)
        .where(Run.id == run_id, Run.status == "running")
        .values(
            status="succeeded",
            finished_at=utc_now(),
            stages_done=len(outcome.stages),
            stages_total=len(outcome.stages),
            current_stage=None,
            demand_json=json.dumps(outcome.demand, sort_keys=True),
        )
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return False
    for position, stage in enumerate(outcome.stages):
        session.add(
            RunStage(
                run_id=run_id,
                key=stage.key,
                position=position,
                title=stage.title,
                result_json=json.dumps(stage.result, sort_keys=True, allow_nan=False),
                seconds=stage.seconds,
            )
        )
    for name, text in outcome.files.items():
        content = text.encode("utf-8")
        media = MEDIA_TYPES.get(name[name.rfind(".") :], "application/octet-stream")
        session.add(
            RunFile(
                run_id=run_id,
                name=name,
                media_type=media,
                content=content,
                sha256=sha256_text(text),
            )
        )
    return True


def fail(session: Session, run_id: str, error: dict[str, Any]) -> bool:
    """Mark a queued or running run failed with ``error`` (the JSON error shape)."""
    failed = session.execute(
        update(Run)
        .where(Run.id == run_id, Run.status.in_(("queued", "running")))
        .values(status="failed", finished_at=utc_now(), error_json=json.dumps(error))
    )
    return bool(failed.rowcount == 1)  # type: ignore[attr-defined]


def fail_stale(session: Session, older_than_s: float = STALE_SECONDS) -> list[str]:
    """Mark failed every running run whose worker has not beaten for ``older_than_s``."""
    cutoff = utc_now() - timedelta(seconds=older_than_s)
    stale = session.scalars(
        select(Run.id).where(Run.status == "running", Run.heartbeat_at < cutoff)
    ).all()
    error = {
        "error": "RunInterrupted",
        "message": "the run's process stopped before it finished (the server was stopped or "
        "crashed); start the run again",
        "file": None,
        "line": None,
        "field": None,
    }
    return [run_id for run_id in stale if fail(session, run_id, error)]


def list_runs(session: Session, actor: Actor, limit: int = 100, offset: int = 0) -> list[Run]:
    """Runs the actor may see, newest first."""
    query = (
        select(Run)
        .where(visible(Run.owner_org_id, Run.classification, actor))
        .order_by(Run.created_at.desc(), Run.id)
        .limit(max(1, min(limit, 500)))
        .offset(max(0, offset))
    )
    runs = list(session.scalars(query))
    confidential = [r for r in runs if r.classification != "shared"]
    if confidential:
        audit.record(session, actor, "list", "run", "-", actor.org_id, f"{len(confidential)} rows")
    return runs
