"""Every error of the pages as a page: what went wrong, in words, and what to do next.

A record the person may not see reads exactly like one that does not exist (the store's
``NotFoundError``, whose message names only the kind of record). Internal errors say only that
something went wrong; the details go to the server log.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Send

from rackwright.api.errors import status_of
from rackwright.api.limits import send_413
from rackwright.errors import NotFoundError, RackwrightError
from rackwright.web.config import PREFIX
from rackwright.web.security import CsrfRefused
from rackwright.web.sessions import SessionEnded

log = logging.getLogger("rackwright.web")

WHY_SIGNED_OUT = {
    "signed-out": "Please sign in.",
    "signed-out-now": "You are signed out.",
    "idle": "Your session ended after a while without activity. Please sign in again.",
    "expired": "Your session reached its time limit. Please sign in again.",
    "revoked": "Your API token was revoked or your user disabled. Ask an admin of your "
    "organization for a new token.",
}


class NotAPage(Exception):
    """A static file or page that does not exist."""


def _page(request: Request, status: int, title: str, message: str, hint: str = "") -> Response:
    from rackwright.web.render import page

    return page(request, "error.html", status, title=title, message=message, hint=hint)


def _signed_out(request: Request, exc: SessionEnded) -> Response:
    if request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(
            f"{PREFIX}/login?next={quote(target)}&why={exc.reason}", status_code=303
        )
    return _page(
        request,
        401,
        "Signed out",
        WHY_SIGNED_OUT.get(exc.reason, WHY_SIGNED_OUT["signed-out"]) + " Nothing was changed.",
        "An editor keeps your unsaved text in this browser: it is offered again when you open it "
        "after signing in.",
    )


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a page."""

    @app.exception_handler(SessionEnded)
    async def _session(request: Request, exc: SessionEnded) -> Response:
        return _signed_out(request, exc)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, _exc: CsrfRefused) -> Response:
        return _page(
            request,
            403,
            "Form refused",
            "This request did not carry the page's security token (CSRF), so it may not come "
            "from a rackwright page. Nothing was changed.",
            "Reload the page you came from and send the form again.",
        )

    @app.exception_handler(RackwrightError)
    async def _rackwright(request: Request, exc: RackwrightError) -> Response:
        status = status_of(exc)
        if isinstance(exc, NotFoundError):
            return _page(request, 404, "Not found", exc.message[:1].upper() + exc.message[1:] + ".")
        return _page(request, status, "Not done", exc.one_line())

    @app.exception_handler(NotAPage)
    async def _no_page(request: Request, _exc: NotAPage) -> Response:
        return _page(request, 404, "Not found", "There is no such page.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _page(request, 404, "Not found", "There is no such page.")
        return _page(request, exc.status_code, "Not done", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _page(request, 422, "Not done", f"{where}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _page(request, 500, "Something went wrong", "The server could not show this page.")


async def too_large(send: Send, limit: int) -> None:
    """The 413 answer for a request over the body limit, as a page (nothing was read or saved)."""
    body = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Upload too large"
        "</title></head><body><main><h1>Upload too large</h1>"
        f"<p role='alert'>The form sent more than {limit:,} bytes, the most one request may "
        "hold. Nothing was saved.</p><p>Go back: the editor still holds your text, and a "
        "document may hold up to 1,000,000 bytes.</p></main></body></html>"
    ).encode()
    await send_413(send, b"text/html; charset=utf-8", body)
