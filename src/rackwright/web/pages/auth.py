"""Sign-in with an API token, and sign-out.

GET  /login    the form (with a double-submit CSRF token in a cookie)
POST /login    check the token as the API would, open a session, go where the person was going
POST /logout   end the session
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from rackwright.errors import AuthenticationError
from rackwright.web import sessions
from rackwright.web.config import CSRF_FIELD, LOGIN_COOKIE, PREFIX, SESSION_COOKIE
from rackwright.web.context import Person, checked_form, client_of, form_of, text_field, web_state
from rackwright.web.errors import WHY_SIGNED_OUT
from rackwright.web.render import page
from rackwright.web.security import check_token

router = APIRouter()


def _safe_next(target: str) -> str:
    """Only a page of this site (never another host: ``//evil`` or ``/\\evil``)."""
    if target.startswith(PREFIX + "/") and not target.startswith(("//", "/\\")):
        return target
    return PREFIX + "/"


def _login_page(request: Request, next_page: str, message: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = page(
        request,
        "login.html",
        status,
        next_page=_safe_next(next_page),
        login_token=token,
        message=message,
        notice=WHY_SIGNED_OUT.get(request.query_params.get("why", ""), ""),
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        path=f"{PREFIX}/login",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/login", include_in_schema=False)
def login_form(request: Request) -> Response:
    return _login_page(request, request.query_params.get("next", ""))


@router.post("/login", include_in_schema=False)
async def login(request: Request) -> Response:
    form = await form_of(request)
    check_token(request.cookies.get(LOGIN_COOKIE, ""), text_field(form, CSRF_FIELD))
    next_page = text_field(form, "next")
    state = web_state(request)

    def open_session() -> str:
        with state.db.write() as session:
            cookie, _ = sessions.sign_in(
                session, state.verifier, text_field(form, "token"), client_of(request)
            )
            return cookie

    try:
        cookie = await run_in_threadpool(open_session)
    except AuthenticationError:
        return _login_page(
            request,
            next_page,
            "That API token is not valid: check it was copied whole, or ask an admin of your "
            "organization for a new one.",
            401,
        )
    response = RedirectResponse(_safe_next(next_page), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        path=PREFIX,
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_COOKIE, path=f"{PREFIX}/login")
    return response


@router.post("/logout", include_in_schema=False)
async def logout(request: Request, signed: Person) -> Response:
    await checked_form(request, signed)
    state = web_state(request)

    def end() -> None:
        with state.db.write() as session:
            sessions.sign_out(session, signed)

    await run_in_threadpool(end)
    response = RedirectResponse(f"{PREFIX}/login?why=signed-out-now", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response
