"""Stored records -> response bodies (names of organizations and authors looked up once each)."""

from __future__ import annotations

import json
from functools import cache

from sqlalchemy.orm import Session

from rackwright.api import schemas
from rackwright.store import run_views
from rackwright.store.actor import Actor
from rackwright.store.diff import FieldChange
from rackwright.store.models import Document, Evaluation, Org, Revision, Run, User


class Names:
    """Organization and user names within one session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.org = cache(self._org)
        self.user = cache(self._user)

    def _org(self, org_id: str) -> str:
        org = self.session.get(Org, org_id)
        return org.name if org else "?"

    def _user(self, user_id: str) -> str:
        user = self.session.get(User, user_id)
        return f"{user.name}@{self.org(user.org_id)}" if user else "cli"


def document(names: Names, doc: Document) -> schemas.DocumentOut:
    return schemas.DocumentOut(
        id=doc.id,
        kind=doc.kind,
        name=doc.name,
        owner_org=names.org(doc.owner_org_id),
        classification=doc.classification,
        created_at=doc.created_at,
        head_revision=doc.head_number,
    )


def revision(names: Names, rev: Revision) -> schemas.RevisionOut:
    return schemas.RevisionOut(
        id=rev.id,
        number=rev.number,
        sha256=rev.sha256,
        author=names.user(rev.author_id),
        created_at=rev.created_at,
        message=rev.message,
        based_on=rev.based_on,
        stale=rev.based_on is not None and rev.based_on < rev.number - 1,
    )


def revision_detail(names: Names, rev: Revision) -> schemas.RevisionDetail:
    return schemas.RevisionDetail(**revision(names, rev).model_dump(), toml=rev.content)


def saved(names: Names, doc: Document, rev: Revision) -> schemas.DocumentSaved:
    """A document with the revision just saved."""
    return schemas.DocumentSaved(document=document(names, doc), revision=revision(names, rev))


def changes(items: list[FieldChange]) -> list[schemas.FieldChangeOut]:
    return [schemas.FieldChangeOut(**change.to_json()) for change in items]


def _ref(ref: run_views.InputRef | None) -> schemas.InputRefOut | None:
    if ref is None:
        return None
    return schemas.InputRefOut(
        revision_id=ref.revision_id, kind=ref.kind, name=ref.name, number=ref.number
    )


def run(names: Names, actor: Actor, item: Run) -> schemas.RunOut:
    scenario, inputs = run_views.visible_inputs(names.session, actor, item)
    error = (
        schemas.ErrorBody.model_validate(json.loads(item.error_json)) if item.error_json else None
    )
    return schemas.RunOut(
        id=item.id,
        status=item.status,
        owner_org=names.org(item.owner_org_id),
        classification=item.classification,
        scenario_revision=_ref(scenario),
        inputs=[r for r in (_ref(ref) for ref in inputs) if r is not None],
        inputs_hash=item.inputs_hash,
        rackwright_version=item.rackwright_version,
        progress=schemas.Progress(
            stages_done=item.stages_done,
            stages_total=item.stages_total,
            current_stage=item.current_stage,
        ),
        error=error,
        created_at=item.created_at,
        started_at=item.started_at,
        finished_at=item.finished_at,
        files=run_views.file_names(names.session, actor, item),
        demand=run_views.demand(item),
    )


def stage(view: run_views.StageView) -> schemas.StageOut:
    return schemas.StageOut(
        key=view.key,
        title=view.title,
        seconds=view.seconds,
        access=view.access,
        summary=list(view.result.get("summary", [])),
        data=dict(view.result.get("data", {})),
        notes=list(view.result.get("notes", [])),
    )


def evaluation(names: Names, item: Evaluation) -> schemas.EvaluationOut:
    error = (item.measured - item.predicted) / item.predicted if item.predicted else None
    return schemas.EvaluationOut(
        id=item.id,
        owner_org=names.org(item.owner_org_id),
        classification=item.classification,
        name=item.name,
        rack=item.rack,
        delivered_units=item.delivered_units,
        metric=item.metric,
        unit=item.unit,
        predicted=item.predicted,
        measured=item.measured,
        error_fraction=error,
        status=item.status,
        notes=item.notes,
        created_at=item.created_at,
    )


def user(names: Names, item: User) -> schemas.UserOut:
    return schemas.UserOut(
        id=item.id,
        name=item.name,
        role=item.role,
        org=names.org(item.org_id),
        created_at=item.created_at,
        disabled=item.disabled_at is not None,
    )
