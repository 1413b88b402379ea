"""Early-access evaluation records: delivered units, a metric measured against its prediction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rackwright.store import audit
from rackwright.store.actor import Actor
from rackwright.store.models import Evaluation
from rackwright.store.names import check_name
from rackwright.store.wall import check_classification, get_visible, is_confidential, visible


@dataclass(frozen=True)
class EvaluationInput:
    """The fields a person enters for an evaluation."""

    name: str
    classification: str
    rack: str
    delivered_units: int
    metric: str
    unit: str
    predicted: float
    measured: float
    status: str = "pending"
    notes: str = ""


def create_evaluation(session: Session, actor: Actor, fields: EvaluationInput) -> Evaluation:
    """A new evaluation record owned by the actor's organization."""
    actor.require("planner", "recording an evaluation")
    check_name(fields.name)
    check_name(fields.rack, "rack")
    check_name(fields.metric, "metric")
    check_classification(actor, fields.classification)
    record = Evaluation(
        owner_org_id=actor.org_id, created_by=actor.user_id or "", **fields.__dict__
    )
    session.add(record)
    session.flush()
    audit.record(session, actor, "create", "evaluation", record.id, actor.org_id, fields.name)
    return record


def list_evaluations(
    session: Session, actor: Actor, limit: int = 100, offset: int = 0
) -> list[Evaluation]:
    """Evaluations the actor may see, newest first."""
    query = (
        select(Evaluation)
        .where(visible(Evaluation.owner_org_id, Evaluation.classification, actor))
        .order_by(Evaluation.created_at.desc(), Evaluation.id)
        .limit(max(1, min(limit, 500)))
        .offset(max(0, offset))
    )
    rows = list(session.scalars(query))
    confidential = [r for r in rows if is_confidential(r)]
    if confidential:
        audit.record(
            session, actor, "list", "evaluation", "-", actor.org_id, f"{len(confidential)} rows"
        )
    return rows


def get_evaluation(session: Session, actor: Actor, evaluation_id: str) -> Evaluation:
    """One evaluation (404 if the actor may not see it)."""
    record = get_visible(session, Evaluation, evaluation_id, actor, "evaluation")
    if is_confidential(record):
        audit.record(session, actor, "read", "evaluation", record.id, record.owner_org_id)
    return record
