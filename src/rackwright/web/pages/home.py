"""The first page after sign-in: who you are, recent scenarios and runs."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rackwright.api import convert
from rackwright.store import documents, run_queue
from rackwright.web.context import Person, web_state
from rackwright.web.render import page

router = APIRouter()
RECENT = 8


@router.get("/", include_in_schema=False)
def home(request: Request, signed: Person) -> Response:
    state = web_state(request)
    actor = signed.actor
    with state.db.read() as session:
        names = convert.Names(session)
        scenarios = [
            convert.document(names, d)
            for d in documents.list_documents(session, actor, "scenario", RECENT)
        ]
        runs = [convert.run(names, actor, r) for r in run_queue.list_runs(session, actor, RECENT)]
    return page(request, "home.html", active="home", scenarios=scenarios, runs=runs)
