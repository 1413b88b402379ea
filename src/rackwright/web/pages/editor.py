"""The scenario editor: write or upload TOML, see a validation error at the line it names, save.

GET  /scenarios/new                  an empty editor (planners)
POST /scenarios/new                  create the scenario (its first revision)
GET  /scenarios/{id}/edit?from=N     the editor on revision N (the head by default)
POST /scenarios/{id}/revisions       save the text as the next revision

Nothing a person typed is lost: a refused save shows the editor again with their text, the
error, and the lines around the one it names; a save based on an older revision than the head
is kept as a new revision beside the newer one (the scenario page then says so). The pages'
script also keeps an unsaved draft in the browser, offered again if the session ended.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from rackwright.api import convert
from rackwright.errors import ConflictError, InputError, RackwrightError
from rackwright.scenario import default_scenario_text
from rackwright.store import documents
from rackwright.store.actor import Actor
from rackwright.web.context import Person, checked_form, text_field, web_state
from rackwright.web.pages.scenarios import classifications
from rackwright.web.render import page, url

router = APIRouter()
DocumentId = Annotated[str, Path(min_length=1, max_length=64)]
EXCERPT_LINES = 3  # lines shown before and after the one an error names


@dataclass(frozen=True)
class EditorError:
    """A refused save: the message, the line and field it names, and the lines around it."""

    message: str
    line: int | None = None
    field: str | None = None
    excerpt: list[tuple[int, str]] = dataclasses.field(default_factory=list)


@dataclass
class Draft:
    """What the person sent: their text (or upload), name, classification, message, base."""

    text: str
    name: str = ""
    classification: str = ""
    message: str = ""
    based_on: int | None = None
    problem: EditorError | None = None


def error_at(exc: RackwrightError, text: str) -> EditorError:
    """The error as the editor shows it, with the lines around the one it names."""
    detail = exc.message + (f" (got {exc.value!r})" if exc.has_value else "")
    lines = text.splitlines()
    excerpt: list[tuple[int, str]] = []
    if exc.line is not None and 1 <= exc.line <= max(len(lines), 1):
        low, high = max(1, exc.line - EXCERPT_LINES), min(len(lines), exc.line + EXCERPT_LINES)
        excerpt = [(n, lines[n - 1]) for n in range(low, high + 1)]
    return EditorError(" ".join(detail.split()), exc.line, exc.field, excerpt)


async def read_draft(request: Request, form: FormData) -> Draft:
    """The text to save (an upload replaces the typed text) and the form's other fields."""
    limit = web_state(request).settings.max_document_bytes
    typed = text_field(form, "toml").replace("\r\n", "\n")
    based = text_field(form, "based_on")
    draft = Draft(
        typed,
        text_field(form, "name").strip(),
        text_field(form, "classification"),
        text_field(form, "message").strip(),
        int(based) if based.isdigit() else None,
    )
    upload = form.get("upload")
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read(limit + 1)
        if len(content) > limit:
            draft.problem = EditorError(
                f"The file {upload.filename!r} is larger than {limit:,} bytes, the most a "
                "document may hold. Nothing was saved; the editor still holds your text."
            )
        else:
            try:
                draft.text = content.decode("utf-8")
            except UnicodeDecodeError:
                draft.problem = EditorError(
                    f"The file {upload.filename!r} is not UTF-8 text. Nothing was saved."
                )
    elif len(typed) > limit:
        draft.problem = EditorError(
            f"The text has {len(typed):,} characters; a document holds at most {limit:,}. "
            "Nothing was saved."
        )
    return draft


def editor(
    request: Request,
    draft: Draft,
    actor: Actor,
    doc: Any = None,
    status: int = 200,
    head: int | None = None,
) -> Response:
    """The editor page with ``draft`` (and its problem, if any)."""
    return page(
        request,
        "editor.html",
        status,
        active="scenarios",
        draft=draft,
        doc=doc,
        head=head,
        classifications=classifications(actor),
        limit=web_state(request).settings.max_document_bytes,
    )


@router.get("/scenarios/new", include_in_schema=False)
def new_form(request: Request, signed: Person) -> Response:
    signed.actor.require("planner", "creating a scenario")
    # the embedded default scenario (what `rackwright scenario init` writes): valid, commented
    draft = Draft(default_scenario_text(), classification=classifications(signed.actor)[0])
    return editor(request, draft, signed.actor)


def _refused(exc: RackwrightError) -> bool:
    """Errors the editor shows (the person can fix them); others become error pages."""
    return isinstance(exc, InputError | ConflictError)


async def save_or_show(
    request: Request,
    draft: Draft,
    actor: Actor,
    save: Callable[[], str],
    shown: Callable[[], Any] | None = None,
) -> Response:
    """Save ``draft`` (``save`` returns the page to go to next), or show the editor again with
    the person's text and why it was not saved (413: too large, 422: not valid)."""
    status = 413
    if draft.problem is None:
        try:
            return RedirectResponse(url(await run_in_threadpool(save)), status_code=303)
        except RackwrightError as exc:
            if not _refused(exc):
                raise
            draft.problem, status = error_at(exc, draft.text), 422
    doc = await run_in_threadpool(shown) if shown is not None else None
    return editor(request, draft, actor, doc, status, doc.head_revision if doc else None)


@router.post("/scenarios/new", include_in_schema=False)
async def create(request: Request, signed: Person) -> Response:
    form = await checked_form(request, signed)
    draft = await read_draft(request, form)
    state = web_state(request)

    def save() -> str:
        with state.db.write() as session:
            doc, _ = documents.create_document(
                session,
                signed.actor,
                "scenario",
                draft.name,
                draft.text,
                draft.classification,
                draft.message,
            )
            return f"/scenarios/{doc.id}?saved=1"

    return await save_or_show(request, draft, signed.actor, save)


@router.get("/scenarios/{document_id}/edit", include_in_schema=False)
def edit_form(
    request: Request,
    signed: Person,
    document_id: DocumentId,
    start: Annotated[int | None, Query(alias="from", ge=1, le=1_000_000)] = None,
) -> Response:
    signed.actor.require("planner", "saving a revision")
    state = web_state(request)
    with state.db.read() as session:
        doc = documents.get_document(session, signed.actor, "scenario", document_id)
        number = start or doc.head_number
        rev = documents.get_revision(session, signed.actor, "scenario", document_id, number)
        shown = convert.document(convert.Names(session), doc)
    draft = Draft(rev.content, based_on=rev.number)
    return editor(request, draft, signed.actor, shown, head=doc.head_number)


@router.post("/scenarios/{document_id}/revisions", include_in_schema=False)
async def save_revision(request: Request, signed: Person, document_id: DocumentId) -> Response:
    form = await checked_form(request, signed)
    draft = await read_draft(request, form)
    state = web_state(request)

    def shown_document() -> Any:
        with state.db.read() as session:
            doc = documents.get_document(session, signed.actor, "scenario", document_id)
            return convert.document(convert.Names(session), doc)

    def save() -> str:
        with state.db.write() as session:
            _, rev = documents.add_revision(
                session,
                signed.actor,
                "scenario",
                document_id,
                draft.text,
                draft.message,
                draft.based_on,
            )
            return f"/scenarios/{document_id}?saved={rev.number}"

    return await save_or_show(request, draft, signed.actor, save, shown_document)
