"""The append-only audit log: every write, and every read of confidential data.

An event belongs to the organization that owns the record; when the actor is from the other
organization (a planner revising a shared scenario) the actor's organization gets a copy, so each
side's admins see what their own people did. Database triggers refuse UPDATE and DELETE.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from rackwright.store.actor import Actor
from rackwright.store.database import PENDING_AUDIT
from rackwright.store.models import AuditEvent

MAX_PAGE = 500


def record(
    session: Session,
    actor: Actor,
    action: str,
    resource_kind: str,
    resource_id: str,
    owner_org_id: str,
    detail: str = "",
) -> None:
    """Append one event (two when the actor is from another organization than the owner).

    In a read session the events wait in ``session.info`` and ``Database.read`` writes them.
    """
    for org_id in dict.fromkeys((owner_org_id, actor.org_id)):
        event = AuditEvent(
            owner_org_id=org_id,
            actor_user_id=actor.user_id,
            actor=actor.label,
            action=action,
            resource_kind=resource_kind,
            resource_id=resource_id,
            client=actor.client[:100],
            detail=detail,
        )
        if session.info.get("writable"):
            session.add(event)
        else:
            session.info.setdefault(PENDING_AUDIT, []).append(event)


def list_events(
    session: Session, actor: Actor, after_id: int = 0, limit: int = 100
) -> list[AuditEvent]:
    """The actor's organization's events after ``after_id``, oldest first (admins only)."""
    actor.require("admin", "reading the audit log")
    query = (
        select(AuditEvent)
        .where(AuditEvent.owner_org_id == actor.org_id, AuditEvent.id > after_id)
        .order_by(AuditEvent.id)
        .limit(max(1, min(limit, MAX_PAGE)))
    )
    return list(session.scalars(query))
