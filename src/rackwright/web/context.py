"""What a page handler needs from its request: the store, the signed-in person, a checked form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from starlette.datastructures import FormData

from rackwright.store.accounts import TokenVerifier
from rackwright.store.database import Database
from rackwright.web import sessions
from rackwright.web.config import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, WebSettings
from rackwright.web.security import check_token
from rackwright.web.sessions import Signed

# Form fields a page sends are few; the editor's text is the only large one.
MAX_FIELDS = 200
MAX_FILES = 2


@dataclass(frozen=True)
class WebState:
    """The service app the pages are mounted on (its database, token checks, run supervisor)."""

    service: FastAPI
    settings: WebSettings

    @property
    def db(self) -> Database:
        db: Database = self.service.state.db
        return db

    @property
    def verifier(self) -> TokenVerifier:
        verifier: TokenVerifier = self.service.state.verifier
        return verifier

    def wake_runs(self) -> None:
        """A run was queued: the supervisor starts it now rather than at its next poll."""
        supervisor = getattr(self.service.state, "supervisor", None)
        if supervisor is not None:
            supervisor.wake()


def web_state(request: Request) -> WebState:
    """The pages' state."""
    state: WebState = request.app.state.web
    return state


def client_of(request: Request) -> str:
    """Where the request comes from (for the audit log)."""
    return request.client.host if request.client else "unknown"


def current(request: Request) -> Signed:
    """The signed-in person, or SessionEnded (the pages send them to sign in)."""
    state = web_state(request)
    with state.db.read() as session:
        signed = sessions.lookup(
            session, request.cookies.get(SESSION_COOKIE), client_of(request), state.settings
        )
        stale = sessions.needs_touch(session, signed, state.settings)
    if stale:
        with state.db.write() as session:
            sessions.touch(session, signed.session_id)
    request.state.signed = signed
    return signed


Person = Annotated[Signed, Depends(current)]


async def form_of(request: Request) -> FormData:
    """The request's form (urlencoded or multipart), within the pages' limits."""
    settings = web_state(request).settings
    return await request.form(
        max_files=MAX_FILES,
        max_fields=MAX_FIELDS,
        max_part_size=settings.max_request_bytes,
    )


async def checked_form(request: Request, signed: Signed) -> FormData:
    """The form of a state-changing request, after its CSRF token is checked."""
    form = await form_of(request)
    given = form.get(CSRF_FIELD)
    token = given if isinstance(given, str) else request.headers.get(CSRF_HEADER)
    check_token(signed.csrf, token)
    return form


def text_field(form: FormData, name: str, default: str = "") -> str:
    """A text field of the form ('' or ``default`` when absent or a file)."""
    value = form.get(name)
    return value if isinstance(value, str) else default
