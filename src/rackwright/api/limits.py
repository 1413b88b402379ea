"""Request body size limit, as ASGI middleware: a body over the limit is refused with 413 in the
one error shape before any route (or JSON parser) sees it."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Assumption: 2 MiB holds the largest TOML a document may have (1 MB, schemas.MAX_TOML) after JSON
# escaping; nothing the service accepts is larger.
MAX_BODY_BYTES = 2 * 1024 * 1024


TooLarge = Callable[[Send, int], Awaitable[None]]
"""Sends the 413 answer for a body over ``limit`` bytes."""


class BodyLimit:
    """Buffer each request body up to ``limit`` bytes; answer 413 past it.

    ``skip_prefix``: paths under it are left to a limit of their own (the web pages answer 413
    with a page, ``answer``, instead of the JSON error shape).
    """

    def __init__(
        self,
        app: ASGIApp,
        limit: int = MAX_BODY_BYTES,
        skip_prefix: str | None = None,
        answer: TooLarge | None = None,
    ) -> None:
        self.app = app
        self.limit = limit
        self.skip_prefix = skip_prefix
        self.answer = answer or _too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        skipped = self.skip_prefix is not None and _under(scope, self.skip_prefix)
        if scope["type"] != "http" or skipped:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self.answer(send, self.limit)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self.answer(send, self.limit)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _under(scope: Scope, prefix: str) -> bool:
    path = str(scope.get("path", ""))
    return path == prefix or path.startswith(prefix + "/")


async def _too_large(send: Send, limit: int) -> None:
    body: dict[str, Any] = {
        "error": "PayloadTooLargeError",
        "message": f"the request body is over the {limit:,}-byte limit",
        "file": None,
        "line": None,
        "field": None,
    }
    await send_413(send, b"application/json", json.dumps(body).encode())


async def send_413(send: Send, media_type: bytes, payload: bytes) -> None:
    """Answer 413 with ``payload`` and close the connection (the rest of the body is unread)."""
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", media_type),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
