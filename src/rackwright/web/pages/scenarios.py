"""Scenarios: the list, one scenario with its revisions, a comparison of two, starting a run.

GET  /scenarios                         what the person may see
GET  /scenarios/{id}                    head revision, every revision, run form, compare form
GET  /scenarios/{id}/revisions/{n}      one revision's text
GET  /scenarios/{id}/diff?from=A&to=B   field-by-field changes and the text's line changes
POST /scenarios/{id}/runs               start a plan run of a revision (then watch it)
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rackwright.api import convert, schemas
from rackwright.errors import InputError
from rackwright.store import documents, run_queue
from rackwright.store.actor import Actor
from rackwright.store.models import Document, Revision
from rackwright.store.wall import OWN_CONFIDENTIAL, SHARED
from rackwright.web.context import Person, checked_form, text_field, web_state
from rackwright.web.render import page, url

router = APIRouter()
DocumentId = Annotated[str, Path(min_length=1, max_length=64)]
Number = Annotated[int, Path(ge=1, le=1_000_000)]
INPUT_KINDS = ("catalog", "bom", "tariffs")


@dataclass(frozen=True)
class RunInputChoice:
    """A stored file a run may read besides its scenario, at its head revision."""

    revision_id: str
    kind: str
    name: str
    number: int
    owner_org: str
    named_by_scenario: bool


def classifications(actor: Actor) -> list[str]:
    """What a record the person creates may be classified as (their own side's, or shared)."""
    return [OWN_CONFIDENTIAL[actor.org_kind], SHARED]


@router.get("/scenarios", include_in_schema=False)
def listing(request: Request, signed: Person) -> Response:
    state = web_state(request)
    with state.db.read() as session:
        names = convert.Names(session)
        rows = [
            convert.document(names, d)
            for d in documents.list_documents(session, signed.actor, "scenario", 500)
        ]
    return page(request, "scenarios.html", active="scenarios", scenarios=rows)


def _files_named(text: str) -> set[str]:
    """The catalog and BOM files a scenario names (none if its TOML does not parse)."""
    try:
        scenario = tomllib.loads(text).get("scenario", {})
    except tomllib.TOMLDecodeError:
        return set()
    named = [*scenario.get("catalog_files", []), *scenario.get("bom_files", [])]
    return {n for n in named if isinstance(n, str)}


def run_inputs(session: Session, actor: Actor, scenario_text: str) -> list[RunInputChoice]:
    """Every catalog override, BOM and tariff file the person may use, at its head revision."""
    names = convert.Names(session)
    visible: list[Document] = []
    for kind in INPUT_KINDS:
        visible += documents.list_documents(session, actor, kind, 500)
    head_of = {d.id: d.head_number for d in visible}
    rows = session.execute(
        select(Revision.id, Revision.document_id, Revision.number).where(
            Revision.document_id.in_(list(head_of))
        )
    )
    heads = {doc_id: rev_id for rev_id, doc_id, number in rows if head_of[doc_id] == number}
    named = _files_named(scenario_text)
    return [
        RunInputChoice(
            heads[d.id], d.kind, d.name, d.head_number, names.org(d.owner_org_id), d.name in named
        )
        for d in visible
        if d.id in heads
    ]


def scenario_context(
    session: Session, actor: Actor, document_id: str, saved: int | None
) -> dict[str, Any]:
    """What the scenario page shows."""
    names = convert.Names(session)
    doc = documents.get_document(session, actor, "scenario", document_id)
    revisions = [
        convert.revision(names, r)
        for r in documents.list_revisions(session, actor, "scenario", document_id)
    ]
    head = documents.get_revision(session, actor, "scenario", document_id, doc.head_number)
    just_saved = next((r for r in revisions if r.number == saved), None)
    return {
        "doc": convert.document(names, doc),
        "revisions": revisions,
        "head": convert.revision_detail(names, head),
        "saved": just_saved,
        "inputs": run_inputs(session, actor, head.content),
        "classifications": classifications(actor),
    }


@router.get("/scenarios/{document_id}", include_in_schema=False)
def scenario(
    request: Request,
    signed: Person,
    document_id: DocumentId,
    saved: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> Response:
    state = web_state(request)
    with state.db.read() as session:
        context = scenario_context(session, signed.actor, document_id, saved)
    return page(request, "scenario.html", active="scenarios", **context)


@router.get("/scenarios/{document_id}/revisions/{number}", include_in_schema=False)
def revision(request: Request, signed: Person, document_id: DocumentId, number: Number) -> Response:
    state = web_state(request)
    with state.db.read() as session:
        names = convert.Names(session)
        doc = documents.get_document(session, signed.actor, "scenario", document_id)
        rev = documents.get_revision(session, signed.actor, "scenario", document_id, number)
        context: dict[str, Any] = {
            "doc": convert.document(names, doc),
            "rev": convert.revision_detail(names, rev),
        }
    return page(request, "revision.html", active="scenarios", **context)


def line_changes(old: str, new: str, old_label: str, new_label: str) -> list[tuple[str, str]]:
    """The text's changed lines with context: (css class, line) pairs of a unified diff."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), old_label, new_label, n=2, lineterm=""
    )
    css = {"+": "added", "-": "removed", "@": "hunk"}
    return [(css.get(line[:1], "same"), line) for line in lines]


@router.get("/scenarios/{document_id}/diff", include_in_schema=False)
def diff(
    request: Request,
    signed: Person,
    document_id: DocumentId,
    old: Annotated[int, Query(alias="from", ge=1, le=1_000_000)],
    new: Annotated[int, Query(alias="to", ge=1, le=1_000_000)],
) -> Response:
    state = web_state(request)
    actor = signed.actor
    with state.db.read() as session:
        names = convert.Names(session)
        doc = documents.get_document(session, actor, "scenario", document_id)
        before = documents.get_revision(session, actor, "scenario", document_id, old)
        after = documents.get_revision(session, actor, "scenario", document_id, new)
        try:
            changes = convert.changes(
                documents.diff_revisions(session, actor, "scenario", document_id, old, new)
            )
            problem = ""
        except InputError as exc:  # an old revision whose TOML does not parse: lines only
            changes, problem = [], exc.one_line()
        context: dict[str, Any] = {
            "doc": convert.document(names, doc),
            "old": convert.revision(names, before),
            "new": convert.revision(names, after),
            "changes": changes,
            "problem": problem,
            "lines": line_changes(before.content, after.content, f"r{old}", f"r{new}"),
        }
    return page(request, "diff.html", active="scenarios", **context)


@router.post("/scenarios/{document_id}/runs", include_in_schema=False)
async def start_run(request: Request, signed: Person, document_id: DocumentId) -> Response:
    form = await checked_form(request, signed)
    state = web_state(request)
    chosen = [v for v in form.getlist("inputs") if isinstance(v, str)]
    number_text = text_field(form, "revision")
    classification = text_field(form, "classification")

    def start() -> schemas.RunOut:
        with state.db.write() as session:
            number = int(number_text) if number_text.isdigit() else 0
            rev = documents.get_revision(session, signed.actor, "scenario", document_id, number)
            run = run_queue.create_run(session, signed.actor, rev.id, chosen, classification)
            return convert.run(convert.Names(session), signed.actor, run)

    run = await run_in_threadpool(start)
    state.wake_runs()
    return RedirectResponse(url(f"/runs/{run.id}"), status_code=303)
