"""A run seen by topic: the BOM explorer, sourcing, risk, factory and evaluation.

GET /runs/{id}/bom?country=XX   each rack design's BOM tree, cost and domestic share by subsystem
GET /runs/{id}/sourcing         the plan, the cost-vs-domestic-floor curve, binding capacities,
                                the explanation when the plan as specified is infeasible
GET /runs/{id}/risk | factory | evaluation   the stage's report section, when the run has it
GET /bom | /sourcing | /risk | /factory | /evaluation   the newest finished run's page

Every stage comes through the wall (``sections.section_views``): a stage the person may see only
as an aggregate shows only that, a withheld stage says so, and a stage the run lacks says "not in
this run".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from rackwright.api import convert, schemas
from rackwright.store import run_queue, run_views
from rackwright.store.actor import Actor
from rackwright.web.bom_tree import rack_bom
from rackwright.web.context import Person, web_state
from rackwright.web.pages.sourcing_view import sourcing_view
from rackwright.web.render import page, url
from rackwright.web.sections import SectionView, section_views

router = APIRouter()
RunId = Annotated[str, Path(min_length=1, max_length=64)]


@dataclass(frozen=True)
class Topic:
    """A page about some stages of a run."""

    name: str
    title: str
    keys: tuple[str, ...]
    shows: str  # what the page shows once the run has the stage


TOPICS = {
    "risk": Topic(
        "risk",
        "Risk",
        ("risk",),
        "the exposure heat map by country and subsystem, red flags, the Monte Carlo "
        "distribution of disruptions and the mitigations",
    ),
    "factory": Topic(
        "factory",
        "Factory",
        ("factory",),
        "weekly throughput against plan, utilization by station, and the ramp by site and quarter",
    ),
    "evaluation": Topic(
        "evaluation",
        "Evaluation",
        ("decision", "tco"),  # the plan stages behind the memo: the decision and its TCO
        "delivered units measured against predicted, acceptance status and the purchase-decision "
        "memo",
    ),
}
VIEWS = ("report", "bom", "sourcing", *TOPICS)


def run_and_sections(
    session: Session, actor: Actor, run_id: str
) -> tuple[schemas.RunOut, list[SectionView], list[schemas.RunOut]]:
    """The run, its sections (empty until it succeeded), and the finished runs to switch to."""
    run = run_views.get_run(session, actor, run_id)
    names = convert.Names(session)
    out = convert.run(names, actor, run)
    sections = section_views(session, actor, run) if out.status == "succeeded" else []
    finished = [
        convert.run(names, actor, r)
        for r in run_queue.list_runs(session, actor, 100)
        if r.status == "succeeded"
    ]
    return out, sections, finished


def _section(sections: list[SectionView], key: str) -> SectionView | None:
    return next((s for s in sections if s.key == key), None)


@router.get("/runs/{run_id}/bom", include_in_schema=False)
def bom(
    request: Request,
    signed: Person,
    run_id: RunId,
    country: Annotated[str | None, Query(max_length=8)] = None,
) -> Response:
    state = web_state(request)
    with state.db.read() as session:
        run, sections, finished = run_and_sections(session, signed.actor, run_id)
    section = _section(sections, "bom")
    chosen = country or None
    racks = []
    if section is not None and section.access == "full":
        racks = [rack_bom(g, chosen) for g in section.data.get("generations", [])]
    countries = sorted({c for r in racks for c in r.countries})
    return page(
        request,
        "bom.html",
        active="bom",
        view="bom",
        run=run,
        finished=finished,
        section=section,
        racks=racks,
        countries=countries,
        country=chosen,
        charts=bool(section and section.figures),
    )


@router.get("/runs/{run_id}/sourcing", include_in_schema=False)
def sourcing(request: Request, signed: Person, run_id: RunId) -> Response:
    state = web_state(request)
    with state.db.read() as session:
        run, sections, finished = run_and_sections(session, signed.actor, run_id)
    section = _section(sections, "sourcing")
    shown = sourcing_view(section) if section is not None else None
    return page(
        request,
        "sourcing.html",
        active="sourcing",
        view="sourcing",
        run=run,
        finished=finished,
        section=section,
        sourcing=shown,
        charts=bool(shown and shown.figures),
    )


def _topic_page(request: Request, signed: Person, run_id: str, topic: Topic) -> Response:
    state = web_state(request)
    with state.db.read() as session:
        run, sections, finished = run_and_sections(session, signed.actor, run_id)
    found = [s for s in sections if s.key in topic.keys]
    return page(
        request,
        "topic.html",
        active=topic.name,
        view=topic.name,
        topic=topic,
        run=run,
        finished=finished,
        found=found,
        charts=any(s.figures for s in found),
    )


def _topic_route(topic: Topic) -> None:
    @router.get(f"/runs/{{run_id}}/{topic.name}", include_in_schema=False, name=topic.name)
    def route(request: Request, signed: Person, run_id: RunId) -> Response:
        return _topic_page(request, signed, run_id, topic)


for _topic in TOPICS.values():
    _topic_route(_topic)


def newest_finished(session: Session, actor: Actor) -> str | None:
    """The newest succeeded run the person may see."""
    runs = run_queue.list_runs(session, actor, 200)
    return next((r.id for r in runs if r.status == "succeeded"), None)


def _newest(request: Request, signed: Person, view: str) -> Response:
    state = web_state(request)
    with state.db.read() as session:
        run_id = newest_finished(session, signed.actor)
    if run_id is None:
        return page(request, "no_runs.html", active=view, view=view)
    return RedirectResponse(url(f"/runs/{run_id}/{view}"), status_code=303)


def _newest_route(view: str) -> None:
    @router.get(f"/{view}", include_in_schema=False, name=f"newest-{view}")
    def route(request: Request, signed: Person) -> Response:
        return _newest(request, signed, view)


for _view in ("bom", "sourcing", *TOPICS):
    _newest_route(_view)


@router.get("/go", include_in_schema=False)
def switch(
    signed: Person,
    to: Annotated[str, Query(pattern="^[0-9a-f]{1,64}$")],
    view: Annotated[str, Query(max_length=20)] = "report",
) -> Response:
    """The run switcher's target: the same page of another run (checked when it opens)."""
    suffix = "" if view == "report" or view not in VIEWS else f"/{view}"
    return RedirectResponse(url(f"/runs/{to}{suffix}"), status_code=303)
