"""Versioned documents: scenarios, catalog overrides, BOM files and tariff files.

Every save is a new immutable revision (number, text, SHA-256, author, time, message, and the
revision it was based on). A save based on an older revision than the head is kept too, marked
``based_on`` so the editor can show the conflict: nothing is ever overwritten.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rackwright.errors import ConflictError, InputError
from rackwright.store import audit
from rackwright.store.actor import Actor
from rackwright.store.diff import FieldChange, diff_toml
from rackwright.store.models import DOCUMENT_KINDS, Document, Revision
from rackwright.store.names import check_name
from rackwright.store.validate import check_document
from rackwright.store.wall import (
    can_see,
    check_classification,
    get_visible,
    is_confidential,
    not_found,
    visible,
)

MAX_PAGE = 500
LABELS = {
    "scenario": "scenario",
    "catalog": "catalog override",
    "bom": "BOM file",
    "tariffs": "tariff file",
}


def sha256_text(text: str) -> str:
    """SHA-256 of the UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_document(
    session: Session,
    actor: Actor,
    kind: str,
    name: str,
    content: str,
    classification: str,
    message: str = "",
) -> tuple[Document, Revision]:
    """A new document owned by the actor's organization, with its first revision."""
    actor.require("planner", "creating a document")
    assert kind in DOCUMENT_KINDS
    check_name(name)
    check_classification(actor, classification)
    check_document(kind, content, name)
    taken = select(Document.id).where(
        Document.owner_org_id == actor.org_id, Document.kind == kind, Document.name == name
    )
    if session.scalar(taken) is not None:
        raise ConflictError(f"your organization has a {LABELS[kind]} with this name", field="name")
    document = Document(
        kind=kind,
        name=name,
        owner_org_id=actor.org_id,
        classification=classification,
        created_by=actor.user_id or "",
    )
    session.add(document)
    session.flush()
    revision = _append(session, actor, document, content, message, None)
    audit.record(session, actor, "create", kind, document.id, document.owner_org_id, name)
    return document, revision


def add_revision(
    session: Session,
    actor: Actor,
    kind: str,
    document_id: str,
    content: str,
    message: str = "",
    based_on: int | None = None,
) -> tuple[Document, Revision]:
    """Save ``content`` as the document's next revision (planners of either side, if shared)."""
    document = get_document(session, actor, kind, document_id, audited=False)
    actor.require("planner", "saving a revision")
    if based_on is not None and not 1 <= based_on <= document.head_number:
        raise InputError("based_on is not a revision of this document", field="based_on")
    check_document(kind, content, document.name)
    revision = _append(session, actor, document, content, message, based_on)
    audit.record(
        session, actor, "revise", kind, document.id, document.owner_org_id, f"r{revision.number}"
    )
    return document, revision


def _append(
    session: Session,
    actor: Actor,
    document: Document,
    content: str,
    message: str,
    based_on: int | None,
) -> Revision:
    document.head_number += 1
    revision = Revision(
        document_id=document.id,
        number=document.head_number,
        content=content,
        sha256=sha256_text(content),
        author_id=actor.user_id or "",
        message=message,
        based_on=based_on,
    )
    session.add(revision)
    session.flush()
    return revision


def list_documents(
    session: Session, actor: Actor, kind: str, limit: int = 100, offset: int = 0
) -> list[Document]:
    """The documents of ``kind`` the actor may see, by name."""
    query = (
        select(Document)
        .where(Document.kind == kind)
        .where(visible(Document.owner_org_id, Document.classification, actor))
        .order_by(Document.name, Document.id)
        .limit(max(1, min(limit, MAX_PAGE)))
        .offset(max(0, offset))
    )
    documents = list(session.scalars(query))
    confidential = [d for d in documents if is_confidential(d)]
    if confidential:
        audit.record(session, actor, "list", kind, "-", actor.org_id, f"{len(confidential)} rows")
    return documents


def get_document(
    session: Session, actor: Actor, kind: str, document_id: str, *, audited: bool = True
) -> Document:
    """The document if the actor may see it (404 otherwise, whatever the reason)."""
    document = get_visible(session, Document, document_id, actor, LABELS[kind])
    if document.kind != kind:
        raise not_found(LABELS[kind])
    if audited and is_confidential(document):
        audit.record(session, actor, "read", kind, document.id, document.owner_org_id)
    return document


def list_revisions(session: Session, actor: Actor, kind: str, document_id: str) -> list[Revision]:
    """Every revision of the document, oldest first."""
    document = get_document(session, actor, kind, document_id)
    query = select(Revision).where(Revision.document_id == document.id).order_by(Revision.number)
    return list(session.scalars(query))


def get_revision(
    session: Session, actor: Actor, kind: str, document_id: str, number: int
) -> Revision:
    """Revision ``number`` of the document."""
    document = get_document(session, actor, kind, document_id)
    revision = session.scalar(
        select(Revision).where(Revision.document_id == document.id, Revision.number == number)
    )
    if revision is None:
        raise not_found("revision")
    return revision


def revision_by_id(session: Session, actor: Actor, revision_id: str) -> tuple[Document, Revision]:
    """A revision by its id, with its document, if the actor may see the document."""
    revision = session.get(Revision, revision_id) if isinstance(revision_id, str) else None
    document = session.get(Document, revision.document_id) if revision is not None else None
    if revision is None or document is None or not can_see(document, actor):
        raise not_found("revision")
    return document, revision


def diff_revisions(
    session: Session, actor: Actor, kind: str, document_id: str, old: int, new: int
) -> list[FieldChange]:
    """Field-by-field changes from revision ``old`` to ``new``."""
    before = get_revision(session, actor, kind, document_id, old)
    after = get_revision(session, actor, kind, document_id, new)
    return diff_toml(before.content, after.content, f"r{old}..r{new}")


def revision_count(session: Session, document_id: str) -> int:
    """How many revisions a document has (for listings)."""
    query = select(func.count()).select_from(Revision).where(Revision.document_id == document_id)
    return int(session.scalar(query) or 0)
