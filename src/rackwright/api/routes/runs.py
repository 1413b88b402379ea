"""Plan runs: start one (it runs in the background), poll it, read its stages, files and views.

POST /api/v1/runs                          start a run of a scenario revision (202)
GET  /api/v1/runs                          list
GET  /api/v1/runs/{run_id}                 status, progress, inputs, demand
GET  /api/v1/runs/{run_id}/stages          per-stage results (through the wall)
GET  /api/v1/runs/{run_id}/stages/{key}    one stage
GET  /api/v1/runs/{run_id}/bom             the BOM view; /sourcing the sourcing view
GET  /api/v1/runs/{run_id}/files/{name}    report.html / report.json (owner only)
GET  /api/v1/runs/{run_id}/compare/{other_id}  per-stage field changes between two runs
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from rackwright.api import convert, schemas
from rackwright.api.deps import DB, Caller
from rackwright.api.errors import ERROR_RESPONSES
from rackwright.store import run_queue, run_views

router = APIRouter(prefix="/api/v1/runs", tags=["runs"], responses=ERROR_RESPONSES)
RunId = Annotated[str, Path(min_length=1, max_length=64)]
StageKey = Annotated[str, Path(min_length=1, max_length=60)]
FileName = Annotated[str, Path(min_length=1, max_length=100)]


@router.post(
    "",
    response_model=schemas.RunOut,
    status_code=202,
    summary="Start a plan run",
    operation_id="start_run",
)
def start(body: schemas.RunCreate, request: Request, db: DB, actor: Caller) -> schemas.RunOut:
    with db.write() as session:
        run = run_queue.create_run(
            session,
            actor,
            body.scenario_revision_id,
            body.input_revision_ids,
            body.classification,
        )
        out = convert.run(convert.Names(session), actor, run)
    supervisor = getattr(request.app.state, "supervisor", None)
    if supervisor is not None:
        supervisor.wake()
    return out


@router.get(
    "", response_model=list[schemas.RunOut], summary="List plan runs", operation_id="list_runs"
)
def listing(
    db: DB,
    actor: Caller,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[schemas.RunOut]:
    with db.read() as session:
        names = convert.Names(session)
        return [
            convert.run(names, actor, r) for r in run_queue.list_runs(session, actor, limit, offset)
        ]


@router.get(
    "/{run_id}",
    response_model=schemas.RunOut,
    summary="A run's status and progress",
    operation_id="get_run",
)
def one(run_id: RunId, db: DB, actor: Caller) -> schemas.RunOut:
    with db.read() as session:
        return convert.run(convert.Names(session), actor, run_views.get_run(session, actor, run_id))


@router.get(
    "/{run_id}/stages",
    response_model=list[schemas.StageOut],
    summary="Per-stage results",
    operation_id="list_run_stages",
)
def stages(run_id: RunId, db: DB, actor: Caller) -> list[schemas.StageOut]:
    with db.read() as session:
        run = run_views.get_run(session, actor, run_id)
        return [convert.stage(v) for v in run_views.stage_views(session, actor, run)]


@router.get(
    "/{run_id}/stages/{key}",
    response_model=schemas.StageOut,
    summary="One stage's result",
    operation_id="get_run_stage",
)
def stage(run_id: RunId, key: StageKey, db: DB, actor: Caller) -> schemas.StageOut:
    with db.read() as session:
        run = run_views.get_run(session, actor, run_id)
        return convert.stage(run_views.stage(session, actor, run, key))


@router.get(
    "/{run_id}/bom",
    response_model=schemas.StageOut,
    summary="The run's BOM view",
    operation_id="get_run_bom",
)
def bom(run_id: RunId, db: DB, actor: Caller) -> schemas.StageOut:
    return stage(run_id, "bom", db, actor)


@router.get(
    "/{run_id}/sourcing",
    response_model=schemas.StageOut,
    summary="The run's sourcing view",
    operation_id="get_run_sourcing",
)
def sourcing(run_id: RunId, db: DB, actor: Caller) -> schemas.StageOut:
    return stage(run_id, "sourcing", db, actor)


@router.get(
    "/{run_id}/files/{name}",
    response_class=Response,
    summary="A report file of the run (its owner organization only)",
    operation_id="get_run_file",
    responses={
        200: {"content": {"text/html": {}, "application/json": {}}, "description": "the file"}
    },
)
def file(run_id: RunId, name: FileName, db: DB, actor: Caller) -> Response:
    with db.read() as session:
        run = run_views.get_run(session, actor, run_id)
        found = run_views.get_file(session, actor, run, name)
        return Response(
            found.content, media_type=found.media_type, headers={"ETag": f'"{found.sha256}"'}
        )


@router.get(
    "/{run_id}/compare/{other_id}",
    response_model=schemas.RunCompare,
    summary="Field changes per stage from this run to another",
    operation_id="compare_runs",
)
def compare(run_id: RunId, other_id: RunId, db: DB, actor: Caller) -> schemas.RunCompare:
    with db.read() as session:
        old = run_views.get_run(session, actor, run_id)
        new = run_views.get_run(session, actor, other_id)
        found = run_views.compare(session, actor, old, new)
        return schemas.RunCompare(
            from_run=old.id,
            to_run=new.id,
            stages={key: convert.changes(items) for key, items in found.items()},
        )
