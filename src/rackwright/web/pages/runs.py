"""Plan runs: the list, one run (progress while it runs, its report when done), its files, and
two runs side by side.

GET /runs                              runs the person may see, and a form to compare two
GET /runs/compare?a=ID&b=ID            both runs' sections side by side, and what changed
GET /runs/{id}                         status, progress, per-stage timings, report sections
GET /runs/{id}/status.json             the run as the API gives it (the page polls this)
GET /runs/{id}/files/{name}            report.html / report.json (the owner organization)
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from rackwright.api import convert
from rackwright.report.charts import bar
from rackwright.report.section import Figure
from rackwright.store import run_queue, run_views
from rackwright.store.actor import Actor
from rackwright.web.context import Person, web_state
from rackwright.web.render import page
from rackwright.web.sections import SectionView, section_views

router = APIRouter()
RunId = Annotated[str, Path(min_length=1, max_length=64)]
FileName = Annotated[str, Path(min_length=1, max_length=100)]
OptionalRun = Annotated[str | None, Query(max_length=64)]


@router.get("/runs", include_in_schema=False)
def listing(request: Request, signed: Person) -> Response:
    state = web_state(request)
    with state.db.read() as session:
        names = convert.Names(session)
        rows = [
            convert.run(names, signed.actor, r)
            for r in run_queue.list_runs(session, signed.actor, 200)
        ]
    return page(request, "runs.html", active="runs", runs=rows)


def timings_figure(sections: list[SectionView]) -> Figure | None:
    """Seconds per stage, as a bar chart (None before any stage finished)."""
    if not sections:
        return None
    return bar(
        "Time per stage",
        [s.key for s in sections],
        {"seconds": [round(s.seconds, 3) for s in sections]},
        x_title="stage",
        y_title="wall-clock time (s)",
    )


def run_context(session: Any, actor: Actor, run_id: str) -> dict[str, Any]:
    """What the run page shows."""
    run = run_views.get_run(session, actor, run_id)
    out = convert.run(convert.Names(session), actor, run)
    sections = section_views(session, actor, run) if out.status == "succeeded" else []
    timing = timings_figure(sections)
    return {
        "run": out,
        "sections": sections,
        "timing": timing,
        "charts": bool(timing) or any(s.figures for s in sections),
    }


@router.get("/runs/compare", include_in_schema=False)
def compare(
    request: Request, signed: Person, a: OptionalRun = None, b: OptionalRun = None
) -> Response:
    state = web_state(request)
    actor = signed.actor
    with state.db.read() as session:
        names = convert.Names(session)
        choices = [convert.run(names, actor, r) for r in run_queue.list_runs(session, actor, 200)]
        context: dict[str, Any] = {"choices": choices, "a": a, "b": b, "pair": None}
        if a and b:
            old, new = run_views.get_run(session, actor, a), run_views.get_run(session, actor, b)
            left, right = section_views(session, actor, old), section_views(session, actor, new)
            changes = run_views.compare(session, actor, old, new)
            keys = list(dict.fromkeys([*(s.key for s in left), *(s.key for s in right)]))
            context["pair"] = {
                "old": convert.run(names, actor, old),
                "new": convert.run(names, actor, new),
                "rows": [
                    (
                        key,
                        next((s for s in left if s.key == key), None),
                        next((s for s in right if s.key == key), None),
                        convert.changes(changes.get(key, [])),
                    )
                    for key in keys
                ],
            }
    return page(request, "compare.html", active="runs", **context)


@router.get("/runs/{run_id}", include_in_schema=False)
def run_page(request: Request, signed: Person, run_id: RunId) -> Response:
    state = web_state(request)
    with state.db.read() as session:
        context = run_context(session, signed.actor, run_id)
    return page(request, "run.html", active="runs", **context)


@router.get("/runs/{run_id}/status.json", include_in_schema=False)
def status(request: Request, signed: Person, run_id: RunId) -> Response:
    state = web_state(request)
    with state.db.read() as session:
        run = run_views.get_run(session, signed.actor, run_id)
        out = convert.run(convert.Names(session), signed.actor, run)
    return JSONResponse(out.model_dump(mode="json"))


@router.get("/runs/{run_id}/files/{name}", include_in_schema=False)
def download(request: Request, signed: Person, run_id: RunId, name: FileName) -> Response:
    state = web_state(request)
    with state.db.read() as session:
        run = run_views.get_run(session, signed.actor, run_id)
        found = run_views.get_file(session, signed.actor, run, name)
        short = run.id[:8]
    stem, _, suffix = name.rpartition(".")
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{stem}-{short}.{suffix}"',
            "ETag": f'"{found.sha256}"',
        },
    )
