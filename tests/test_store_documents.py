"""Versioned documents in the store, on SQLite and PostgreSQL: revisions are immutable, diffs go
field by field, and the wall hides the other organization's confidential documents."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from conftest import BASE_SCENARIO, FIXTURE_CATALOG, edit, line_of
from rackwright.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    ScenarioError,
)
from rackwright.store import audit, documents
from rackwright.store.actor import Actor
from rackwright.store.database import Database
from rackwright.store.models import AuditEvent, Document, Revision

Actors = dict[tuple[str, str], Actor]


def _create(
    db: Database,
    actor: Actor,
    name: str = "base",
    classification: str = "shared",
    content: str = BASE_SCENARIO,
) -> tuple[str, str]:
    with db.write() as session:
        doc, rev = documents.create_document(
            session, actor, "scenario", name, content, classification
        )
        return doc.id, rev.id


def test_every_save_is_a_new_revision_with_author_time_and_hash(
    store_world: tuple[Database, Actors],
) -> None:
    db, actors = store_world
    planner = actors[("lab", "planner")]
    doc_id, _ = _create(db, planner)
    changed = edit(BASE_SCENARIO, "racks = 250", "racks = 300")
    with db.write() as session:
        documents.add_revision(session, planner, "scenario", doc_id, changed, "more racks", 1)
        documents.add_revision(session, planner, "scenario", doc_id, BASE_SCENARIO, "stale", 1)
    with db.read() as session:
        revisions = documents.list_revisions(session, planner, "scenario", doc_id)
        assert [r.number for r in revisions] == [1, 2, 3]
        assert [r.content for r in revisions] == [BASE_SCENARIO, changed, BASE_SCENARIO]
        assert revisions[0].sha256 == revisions[2].sha256 != revisions[1].sha256
        assert {r.author_id for r in revisions} == {planner.user_id}
        assert revisions[0].created_at <= revisions[1].created_at <= revisions[2].created_at
        assert revisions[2].based_on == 1  # a save over an older revision is kept, marked
        changes = documents.diff_revisions(session, planner, "scenario", doc_id, 1, 2)
    assert [c.to_json() for c in changes] == [
        {"field": "build[period=2027Q1].racks", "change": "changed", "old": 250, "new": 300}
    ]


def test_revisions_and_audit_events_cannot_be_changed_or_deleted(
    store_world: tuple[Database, Actors],
) -> None:
    db, actors = store_world
    _create(db, actors[("lab", "planner")])
    for statement in (
        "UPDATE revisions SET content = 'x'",
        "DELETE FROM revisions",
        "UPDATE audit_events SET actor = 'someone else'",
        "DELETE FROM audit_events",
    ):
        with pytest.raises(DatabaseError, match="append-only"), db.write() as session:
            session.execute(text(statement))
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Revision)) == 1
        assert session.scalar(select(func.count()).select_from(AuditEvent)) >= 1


def test_the_other_organizations_confidential_document_does_not_exist_for_you(
    store_world: tuple[Database, Actors],
) -> None:
    db, actors = store_world
    secret_id, secret_rev = _create(db, actors[("lab", "planner")], "secret", "lab-confidential")
    shared_id, _ = _create(db, actors[("lab", "planner")], "agreed", "shared")
    maker = actors[("manufacturer", "admin")]
    with db.read() as session:
        listed = {d.id for d in documents.list_documents(session, maker, "scenario")}
        assert listed == {shared_id}
        with pytest.raises(NotFoundError) as hidden:
            documents.get_document(session, maker, "scenario", secret_id)
        with pytest.raises(NotFoundError) as missing:
            documents.get_document(session, maker, "scenario", "0" * 32)
        assert hidden.value.to_dict() == missing.value.to_dict()
        with pytest.raises(NotFoundError):
            documents.revision_by_id(session, maker, secret_rev)
        assert documents.get_document(session, maker, "scenario", shared_id).name == "agreed"
    with pytest.raises(NotFoundError), db.write() as session:
        documents.add_revision(session, maker, "scenario", secret_id, BASE_SCENARIO)


def test_roles_classifications_names_and_validation_are_enforced(
    store_world: tuple[Database, Actors],
) -> None:
    db, actors = store_world
    lab = actors[("lab", "planner")]
    with pytest.raises(PermissionDeniedError, match="planner role"):
        _create(db, actors[("lab", "viewer")])
    with pytest.raises(InputError, match="classification"):
        _create(db, lab, classification="manufacturer-confidential")
    for name in ("../../etc/passwd", "x'; DROP TABLE documents; --", "a/b", " lead", ""):
        with pytest.raises(InputError, match="name"):
            _create(db, lab, name=name)
    bad = edit(BASE_SCENARIO, "deadline_days = 60", "deadline_days = -1")
    with pytest.raises(ScenarioError) as error:
        _create(db, lab, content=bad)
    assert error.value.file == "base"
    assert error.value.line == line_of(BASE_SCENARIO, "deadline_days = 60")
    _create(db, lab)
    with pytest.raises(ConflictError):
        _create(db, lab)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 1


def test_each_kind_is_checked_by_its_own_loader(store_world: tuple[Database, Actors]) -> None:
    db, actors = store_world
    maker = actors[("manufacturer", "planner")]
    with db.write() as session:
        doc, _ = documents.create_document(
            session, maker, "catalog", "catalog.toml", FIXTURE_CATALOG, "manufacturer-confidential"
        )
        assert doc.kind == "catalog"
    broken = FIXTURE_CATALOG.replace('capacity_w = "150 kW"', 'capacity_w = "150 parsecs"')
    with pytest.raises(InputError) as error, db.write() as session:
        documents.create_document(session, maker, "catalog", "other.toml", broken, "shared")
    assert error.value.file == "other.toml"
    with pytest.raises(InputError), db.write() as session:
        documents.create_document(
            session, maker, "tariffs", "t.toml", "[[rate]]\nx = 1\n", "shared"
        )


def test_confidential_reads_are_audited_for_the_owners_admins(
    store_world: tuple[Database, Actors],
) -> None:
    db, actors = store_world
    secret_id, _ = _create(db, actors[("lab", "planner")], "secret", "lab-confidential")
    with db.read() as session:
        documents.get_document(session, actors[("lab", "viewer")], "scenario", secret_id)
    with db.read() as session:
        events = audit.list_events(session, actors[("lab", "admin")])
        assert [(e.action, e.actor) for e in events] == [
            ("create", "lab-planner@acme-lab"),
            ("read", "lab-viewer@acme-lab"),
        ]
        assert audit.list_events(session, actors[("manufacturer", "admin")]) == []
        with pytest.raises(PermissionDeniedError):
            audit.list_events(session, actors[("lab", "planner")])
