"""Versioned documents, one router per kind: scenarios, catalog overrides, BOM and tariff files.

POST /api/v1/<kind>                                  create (first revision)
GET  /api/v1/<kind>                                  list what the caller may see
GET  /api/v1/<kind>/{document_id}                    one document
POST /api/v1/<kind>/{document_id}/revisions          save a new revision
GET  /api/v1/<kind>/{document_id}/revisions          every revision (no text)
GET  /api/v1/<kind>/{document_id}/revisions/{number} one revision with its TOML
GET  /api/v1/<kind>/{document_id}/diff?from=A&to=B   field-by-field changes
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from rackwright.api import convert, schemas
from rackwright.api.deps import DB, Caller
from rackwright.api.errors import ERROR_RESPONSES
from rackwright.store import documents

# URL segment -> stored kind
KINDS = {
    "scenarios": "scenario",
    "catalog-overrides": "catalog",
    "bom-files": "bom",
    "tariff-files": "tariffs",
}
DocumentId = Annotated[str, Path(min_length=1, max_length=64)]
Number = Annotated[int, Path(ge=1, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def document_router(segment: str) -> APIRouter:
    """The routes of one document kind."""
    kind = KINDS[segment]
    label = documents.LABELS[kind]
    router = APIRouter(prefix=f"/api/v1/{segment}", tags=[segment], responses=ERROR_RESPONSES)

    @router.post(
        "",
        response_model=schemas.DocumentSaved,
        status_code=201,
        summary=f"Create a {label}",
        operation_id=f"create_{kind}",
    )
    def create(body: schemas.DocumentCreate, db: DB, actor: Caller) -> schemas.DocumentSaved:
        with db.write() as session:
            doc, rev = documents.create_document(
                session, actor, kind, body.name, body.toml, body.classification, body.message
            )
            return convert.saved(convert.Names(session), doc, rev)

    @router.get(
        "",
        response_model=list[schemas.DocumentOut],
        summary=f"List {label}s",
        operation_id=f"list_{kind}",
    )
    def listing(
        db: DB, actor: Caller, limit: Limit = 100, offset: Offset = 0
    ) -> list[schemas.DocumentOut]:
        with db.read() as session:
            names = convert.Names(session)
            rows = documents.list_documents(session, actor, kind, limit, offset)
            return [convert.document(names, d) for d in rows]

    @router.get(
        "/{document_id}",
        response_model=schemas.DocumentOut,
        summary=f"One {label}",
        operation_id=f"get_{kind}",
    )
    def one(document_id: DocumentId, db: DB, actor: Caller) -> schemas.DocumentOut:
        with db.read() as session:
            doc = documents.get_document(session, actor, kind, document_id)
            return convert.document(convert.Names(session), doc)

    @router.post(
        "/{document_id}/revisions",
        response_model=schemas.DocumentSaved,
        status_code=201,
        summary=f"Save a revision of a {label}",
        operation_id=f"revise_{kind}",
    )
    def revise(
        document_id: DocumentId, body: schemas.RevisionCreate, db: DB, actor: Caller
    ) -> schemas.DocumentSaved:
        with db.write() as session:
            doc, rev = documents.add_revision(
                session, actor, kind, document_id, body.toml, body.message, body.based_on
            )
            return convert.saved(convert.Names(session), doc, rev)

    @router.get(
        "/{document_id}/revisions",
        response_model=list[schemas.RevisionOut],
        summary=f"Revisions of a {label}",
        operation_id=f"list_{kind}_revisions",
    )
    def revisions(document_id: DocumentId, db: DB, actor: Caller) -> list[schemas.RevisionOut]:
        with db.read() as session:
            names = convert.Names(session)
            rows = documents.list_revisions(session, actor, kind, document_id)
            return [convert.revision(names, r) for r in rows]

    @router.get(
        "/{document_id}/revisions/{number}",
        response_model=schemas.RevisionDetail,
        summary=f"One revision of a {label}, with its TOML",
        operation_id=f"get_{kind}_revision",
    )
    def revision(
        document_id: DocumentId, number: Number, db: DB, actor: Caller
    ) -> schemas.RevisionDetail:
        with db.read() as session:
            rev = documents.get_revision(session, actor, kind, document_id, number)
            return convert.revision_detail(convert.Names(session), rev)

    @router.get(
        "/{document_id}/diff",
        response_model=schemas.DiffOut,
        summary=f"Field-by-field changes between two revisions of a {label}",
        operation_id=f"diff_{kind}",
    )
    def diff(
        document_id: DocumentId,
        db: DB,
        actor: Caller,
        old: Annotated[int, Query(alias="from", ge=1, le=1_000_000)],
        new: Annotated[int, Query(alias="to", ge=1, le=1_000_000)],
    ) -> schemas.DiffOut:
        with db.read() as session:
            found = documents.diff_revisions(session, actor, kind, document_id, old, new)
            return schemas.DiffOut(
                document_id=document_id,
                from_revision=old,
                to_revision=new,
                changes=convert.changes(found),
            )

    return router


routers = [document_router(segment) for segment in KINDS]
