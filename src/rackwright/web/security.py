"""CSRF protection and the security headers of every page.

Every state-changing request (every POST under the pages) must carry the session's CSRF token,
as the form field ``csrf_token`` or the ``X-CSRF-Token`` header (the pages' own script); the
sign-in form, before any session, carries a token that must equal its ``rw_login`` cookie
(double submit). A request without it changes nothing and gets a page saying why.
"""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages load scripts and styles from the service only; Plotly styles its charts inline.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


class CsrfRefused(Exception):
    """A state-changing request without the right CSRF token."""


def check_token(expected: str, given: str | None) -> None:
    """CsrfRefused unless ``given`` equals ``expected`` (compared in constant time)."""
    if not expected or not given or not hmac.compare_digest(expected, given):
        raise CsrfRefused


class SecurityHeaders:
    """ASGI middleware adding the headers above to every response of the pages; pages that show
    records are never cached (``no-store``) unless they set their own cache policy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in HEADERS if k not in names]
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
