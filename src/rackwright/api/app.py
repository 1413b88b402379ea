"""The rackwright service: ``create_app(settings)`` builds the FastAPI app on one database.

``rackwright serve`` runs it under uvicorn. On start it checks the schema is current (``rackwright
db upgrade`` applies migrations) and starts the background run supervisor.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from rackwright import __version__
from rackwright.api import errors
from rackwright.api.limits import MAX_BODY_BYTES, BodyLimit
from rackwright.api.routes import accounts, audit, documents, evaluations, runs
from rackwright.store.accounts import TokenVerifier
from rackwright.store.database import Database
from rackwright.store.migrate import check_current
from rackwright.store.run_queue import STALE_SECONDS
from rackwright.store.worker import DEFAULT_PLAN_FUNCTION, RunSupervisor
from rackwright.web import app as web
from rackwright.web.config import PREFIX as WEB_PREFIX


@dataclass(frozen=True)
class Settings:
    """How the service runs: its database, whether it runs plans, and with what."""

    database_url: str
    run_plans: bool = True
    plan_function: str = DEFAULT_PLAN_FUNCTION
    stale_seconds: float = STALE_SECONDS
    max_body_bytes: int = MAX_BODY_BYTES


def create_app(settings: Settings) -> FastAPI:
    """The FastAPI application."""
    db = Database(settings.database_url)
    check_current(db)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        supervisor = None
        if settings.run_plans:
            supervisor = RunSupervisor(
                db, settings.plan_function, stale_seconds=settings.stale_seconds
            )
            supervisor.start()
        app.state.supervisor = supervisor
        try:
            yield
        finally:
            if supervisor is not None:
                supervisor.stop()
            db.dispose()

    app = FastAPI(
        title="rackwright",
        version=__version__,
        description="Plan co-designed AI data-center racks, together: the lab and the "
        "manufacturer on one instance, each seeing only what the wall allows.",
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.verifier = TokenVerifier()
    app.state.supervisor = None
    errors.install(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, skip_prefix=WEB_PREFIX)
    app.include_router(accounts.health_router)
    app.include_router(accounts.router)
    for router in documents.routers:
        app.include_router(router)
    app.include_router(runs.router)
    app.include_router(evaluations.router)
    app.include_router(audit.router)
    web.mount(app)  # the pages under /web, with a body limit of their own that answers as a page
    return app
