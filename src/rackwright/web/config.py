"""How the web pages run: where they are mounted, how long a session lives, what a form may hold."""

from __future__ import annotations

from dataclasses import dataclass

from rackwright.api.limits import MAX_BODY_BYTES
from rackwright.api.schemas import MAX_TOML

PREFIX = "/web"
SESSION_COOKIE = "rw_session"
LOGIN_COOKIE = "rw_login"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

# Assumption: 30 minutes without a request ends a session: the upper end of the OWASP Session
# Management Cheat Sheet's range for low-risk applications (15-30 min). A page that polls a run's
# progress counts as activity only while it is open.
IDLE_SECONDS = 30 * 60
# Assumption: a session ends 12 hours after sign-in however active (OWASP Cornucopia SM6:
# "periodic session terminations (e.g. after 8 or 12 hours)").
ABSOLUTE_SECONDS = 12 * 3600
# Assumption: last-seen is written at most once a minute per session (idle expiry to the minute,
# without a database write on every page view).
TOUCH_SECONDS = 60


@dataclass(frozen=True)
class WebSettings:
    """The web pages' settings (the defaults above; tests may shorten the session's life)."""

    idle_seconds: float = IDLE_SECONDS
    absolute_seconds: float = ABSOLUTE_SECONDS
    touch_seconds: float = TOUCH_SECONDS
    # one document's text (the API's limit) and one request (the service's body limit)
    max_document_bytes: int = MAX_TOML
    max_request_bytes: int = MAX_BODY_BYTES
