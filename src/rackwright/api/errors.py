"""One JSON error shape for every 4xx and 5xx: ``RackwrightError.to_dict()``, as the CLI prints.

Each RackwrightError type maps to one status; FastAPI's own errors (unknown path, wrong method,
a body that fails validation) and any unexpected exception are turned into the same shape. A 500
says only that something went wrong: its details go to the server log, never to the client.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rackwright.api.schemas import ErrorBody
from rackwright.errors import (
    AuthenticationError,
    ConflictError,
    InfeasibleError,
    InputError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RackwrightError,
    StoreError,
)

log = logging.getLogger("rackwright.api")

STATUS: tuple[tuple[type[RackwrightError], int], ...] = (
    (PayloadTooLargeError, 413),
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (InputError, 422),
    (InfeasibleError, 422),
    (StoreError, 503),
)
_HTTP_NAMES = {404: "NotFoundError", 405: "MethodNotAllowed", 401: "AuthenticationError"}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (401, "no API token, or one that is not valid"),
        (403, "the caller's role does not allow this"),
        (404, "no such record, or one the caller may not see"),
        (409, "the request clashes with a stored record (a duplicate name)"),
        (413, "the request body is over the size limit"),
        (422, "the request or a document in it is not valid"),
        (500, "an unexpected server error"),
        (503, "the database cannot be reached"),
    )
}


def status_of(exc: RackwrightError) -> int:
    """The HTTP status for a RackwrightError (400 for any type not listed)."""
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return status
    return 400


def error_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    """A JSON error in the one shape."""
    shaped = ErrorBody.model_validate(body).model_dump()
    return JSONResponse(shaped, status_code=status, headers=headers)


def _shape(error: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"error": error, "message": message, "file": None, "line": None, "field": field}


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(part) for part in first.get("loc", ()) if part != "body"]
    field = ".".join(loc) or None
    if first.get("type") == "json_invalid":
        return "the request body is not valid JSON", None
    return str(first.get("msg", "invalid request")), field


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the one shape."""

    @app.exception_handler(RackwrightError)
    async def _rackwright(_request: Request, exc: RackwrightError) -> JSONResponse:
        status = status_of(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return error_response(status, exc.to_dict(), headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        message, field = _validation_message(exc)
        return error_response(422, _shape("InputError", message, field))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        name = _HTTP_NAMES.get(exc.status_code, "HTTPError")
        message = "no such route" if exc.status_code == 404 else str(exc.detail)
        return error_response(exc.status_code, _shape(name, message), dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, _shape("InternalError", "internal server error"))
