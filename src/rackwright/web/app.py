"""The pages as an app of their own, mounted on the service under ``/web``.

They read and write through the same store functions as the API routes, as the person's own
``Actor`` (the one their API token stands for), so every page respects the wall exactly as the
API does. Their errors are pages, not the API's JSON; their body limit answers with a page too.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from rackwright.api.limits import BodyLimit
from rackwright.web import assets, errors
from rackwright.web.config import PREFIX, WebSettings
from rackwright.web.context import WebState
from rackwright.web.pages import auth, editor, evaluations, home, runs, scenarios, views
from rackwright.web.security import SecurityHeaders


def create_web_app(service: FastAPI, settings: WebSettings) -> FastAPI:
    """The pages' app on ``service``'s database and run supervisor."""
    web = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    web.state.web = WebState(service, settings)
    errors.install(web)
    web.add_middleware(BodyLimit, limit=settings.max_request_bytes, answer=errors.too_large)
    web.add_middleware(SecurityHeaders)
    # the editor before scenarios: "/scenarios/new" is not a scenario id
    for module in (assets, auth, home, editor, scenarios, runs, views, evaluations):
        web.include_router(module.router)
    return web


def mount(service: FastAPI, settings: WebSettings | None = None) -> None:
    """Serve the pages under ``/web`` of ``service``; its root address leads to them."""
    service.mount(PREFIX, create_web_app(service, settings or WebSettings()))

    @service.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(PREFIX + "/", status_code=303)
