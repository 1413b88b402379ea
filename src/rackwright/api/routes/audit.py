"""The audit log of the caller's organization (admins).

GET /api/v1/audit?after=ID&limit=N   events after ID, oldest first
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from rackwright.api import schemas
from rackwright.api.deps import DB, Caller
from rackwright.api.errors import ERROR_RESPONSES
from rackwright.store import audit

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=ERROR_RESPONSES)


@router.get(
    "",
    response_model=list[schemas.AuditEventOut],
    summary="Your organization's audit log",
    operation_id="list_audit",
)
def listing(
    db: DB,
    actor: Caller,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[schemas.AuditEventOut]:
    with db.read() as session:
        rows = audit.list_events(session, actor, after, limit)
        return [
            schemas.AuditEventOut(
                id=e.id,
                at=e.at,
                actor=e.actor,
                action=e.action,
                resource_kind=e.resource_kind,
                resource_id=e.resource_id,
                client=e.client,
                detail=e.detail,
            )
            for e in rows
        ]
