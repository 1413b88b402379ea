"""Evaluation records.

POST /api/v1/evaluations                  record one
GET  /api/v1/evaluations                  list
GET  /api/v1/evaluations/{evaluation_id}  one
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from rackwright.api import convert, schemas
from rackwright.api.deps import DB, Caller
from rackwright.api.errors import ERROR_RESPONSES
from rackwright.store import evaluations

router = APIRouter(prefix="/api/v1/evaluations", tags=["evaluations"], responses=ERROR_RESPONSES)
EvaluationId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post(
    "",
    response_model=schemas.EvaluationOut,
    status_code=201,
    summary="Record an evaluation",
    operation_id="create_evaluation",
)
def create(body: schemas.EvaluationCreate, db: DB, actor: Caller) -> schemas.EvaluationOut:
    fields = evaluations.EvaluationInput(**body.model_dump())
    with db.write() as session:
        record = evaluations.create_evaluation(session, actor, fields)
        return convert.evaluation(convert.Names(session), record)


@router.get(
    "",
    response_model=list[schemas.EvaluationOut],
    summary="List evaluations",
    operation_id="list_evaluations",
)
def listing(
    db: DB,
    actor: Caller,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[schemas.EvaluationOut]:
    with db.read() as session:
        names = convert.Names(session)
        rows = evaluations.list_evaluations(session, actor, limit, offset)
        return [convert.evaluation(names, r) for r in rows]


@router.get(
    "/{evaluation_id}",
    response_model=schemas.EvaluationOut,
    summary="One evaluation",
    operation_id="get_evaluation",
)
def one(evaluation_id: EvaluationId, db: DB, actor: Caller) -> schemas.EvaluationOut:
    with db.read() as session:
        record = evaluations.get_evaluation(session, actor, evaluation_id)
        return convert.evaluation(convert.Names(session), record)
