"""The pages' static files, served by the service itself so the pages work offline.

plotly.js is the very build the report embeds (``plotly.offline.get_plotlyjs()``); the report's
style sheet is shared (``report.page_assets.STYLE``), so tables and charts look the same as in
``report.html``; ``app.css`` and ``app.js`` are the pages' own (in ``web/static``).
"""

from __future__ import annotations

import functools
import hashlib
from importlib.resources import files

from fastapi import APIRouter, Request, Response

from rackwright.report.page_assets import STYLE
from rackwright.web.errors import NotAPage

router = APIRouter()
# Versioned addresses never change content: browsers keep them for a year.
CACHE = "public, max-age=31536000, immutable"
MEDIA = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
OWN_FILES = ("app.js", "app.css")


@functools.cache
def asset(name: str) -> bytes:
    """The bytes of static file ``name`` (NotAPage for any other name)."""
    if name == "plotly.js":
        from plotly.offline import get_plotlyjs

        script: str = get_plotlyjs()
        return script.encode("utf-8")
    if name == "report.css":
        return STYLE.encode("utf-8")
    if name in OWN_FILES:
        own: bytes = files("rackwright.web").joinpath("static", name).read_bytes()
        return own
    raise NotAPage


@router.get("/static/{version}/{name}", include_in_schema=False)
def static_file(version: str, name: str, request: Request) -> Response:
    """One static file, with an ETag so a changed build is fetched again."""
    body = asset(name)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"Cache-Control": CACHE, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    media = MEDIA[name[name.rfind(".") :]]
    return Response(body, media_type=media, headers=headers)
