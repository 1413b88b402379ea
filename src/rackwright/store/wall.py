"""The wall between the two organizations, enforced here once for every stored record.

A record is visible to its owner organization, and to the other one only when classified
``shared``. A record the caller may not see is reported exactly like one that does not exist
(``NotFoundError`` with a fixed message), so neither a status, a message nor a listing reveals it.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from rackwright.errors import InputError, NotFoundError
from rackwright.store.actor import Actor

SHARED = "shared"
OWN_CONFIDENTIAL = {"lab": "lab-confidential", "manufacturer": "manufacturer-confidential"}


class Walled(Protocol):
    """A record with an owner organization and a classification."""

    owner_org_id: Any
    classification: Any


W = TypeVar("W", bound=Walled)


def visible(
    owner: InstrumentedAttribute[str], classification: InstrumentedAttribute[str], actor: Actor
) -> ColumnElement[bool]:
    """The WHERE clause that keeps only rows ``actor`` may see."""
    return or_(owner == actor.org_id, classification == SHARED)


def can_see(record: Walled, actor: Actor) -> bool:
    """Whether ``actor`` may see ``record`` at all."""
    return bool(record.owner_org_id == actor.org_id or record.classification == SHARED)


def is_confidential(record: Walled) -> bool:
    """Whether reading ``record`` is a confidential read (audited)."""
    return bool(record.classification != SHARED)


def not_found(what: str) -> NotFoundError:
    """The one error for a missing or walled-off record: it names only the kind asked for."""
    return NotFoundError(f"no {what} with this id", field="id")


def get_visible(session: Session, model: type[W], record_id: str, actor: Actor, what: str) -> W:
    """The record with ``record_id`` if ``actor`` may see it, else ``not_found(what)``."""
    record = session.get(model, record_id) if isinstance(record_id, str) else None
    if record is None or not can_see(record, actor):
        raise not_found(what)
    return record


def check_classification(actor: Actor, classification: str) -> str:
    """A record's classification must be the actor's own confidential one or ``shared``."""
    allowed = (OWN_CONFIDENTIAL[actor.org_kind], SHARED)
    if classification not in allowed:
        raise InputError(
            f"classification must be one of {', '.join(allowed)} for a {actor.org_kind} user",
            field="classification",
            value=classification,
        )
    return classification
