"""The evaluation tracker: delivered units, measured against predicted, acceptance status, and the
purchase-decision memo (the evaluation or finance stage of the newest run that has one).

GET  /evaluations   the records the person may see, a chart, a form to record one (planners)
POST /evaluations   record one
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from rackwright.api import convert, schemas
from rackwright.errors import InputError
from rackwright.report.charts import scatter
from rackwright.report.section import Figure
from rackwright.store import evaluations, run_queue, run_views
from rackwright.store.actor import Actor
from rackwright.store.evaluations import EvaluationInput
from rackwright.web.context import Person, checked_form, text_field, web_state
from rackwright.web.pages.scenarios import classifications
from rackwright.web.pages.views import TOPICS
from rackwright.web.render import page, url
from rackwright.web.sections import section_views

router = APIRouter()
STATUSES = ("pending", "accepted", "rejected")
MEMO_KEYS = TOPICS["evaluation"].keys


def accuracy_figure(rows: list[schemas.EvaluationOut]) -> Figure | None:
    """Measured against predicted, one point per evaluation (the diagonal is a perfect model)."""
    if not rows:
        return None
    return scatter(
        "Measured vs predicted",
        [r.predicted for r in rows],
        [r.measured for r in rows],
        x_title="predicted (the metric's unit)",
        y_title="measured (the metric's unit)",
        labels=[f"{r.name}: {r.metric} ({r.unit}), {r.status}" for r in rows],
        groups=[r.status for r in rows],
    )


def memo(session: Session, actor: Actor) -> tuple[schemas.RunOut | None, list[Any]]:
    """The newest finished run with an evaluation or finance stage, and those sections."""
    names = convert.Names(session)
    for run in run_queue.list_runs(session, actor, 50):
        if run.status != "succeeded":
            continue
        keys = {v.key for v in run_views.stage_views(session, actor, run)}
        if keys & set(MEMO_KEYS):
            found = [s for s in section_views(session, actor, run) if s.key in MEMO_KEYS]
            return convert.run(names, actor, run), found
    return None, []


def _context(session: Session, actor: Actor) -> dict[str, Any]:
    names = convert.Names(session)
    rows = [convert.evaluation(names, e) for e in evaluations.list_evaluations(session, actor, 500)]
    memo_run, memo_sections = memo(session, actor)
    chart = accuracy_figure(rows)
    return {
        "rows": rows,
        "chart": chart,
        "delivered": sum(r.delivered_units for r in rows),
        "accepted": sum(r.status == "accepted" for r in rows),
        "memo_run": memo_run,
        "memo": memo_sections,
        "charts": chart is not None or any(s.figures for s in memo_sections),
        "classifications": classifications(actor),
        "statuses": STATUSES,
    }


@router.get("/evaluations", include_in_schema=False)
def listing(request: Request, signed: Person) -> Response:
    state = web_state(request)
    with state.db.read() as session:
        context = _context(session, signed.actor)
    return page(request, "evaluations.html", active="evaluation", form={}, problem="", **context)


def _number(form: FormData, name: str, kind: type[float] | type[int]) -> Any:
    text = text_field(form, name).strip()
    try:
        value = kind(text)
    except ValueError:
        raise InputError(f"{name.replace('_', ' ')} must be a number", field=name) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{name} must be a finite number", field=name)
    return value


def evaluation_input(form: FormData) -> EvaluationInput:
    """The record a person entered (InputError naming the field that is wrong)."""
    status = text_field(form, "status", "pending")
    if status not in STATUSES:
        raise InputError("status must be pending, accepted or rejected", field="status")
    return EvaluationInput(
        name=text_field(form, "name").strip(),
        classification=text_field(form, "classification"),
        rack=text_field(form, "rack").strip(),
        delivered_units=_number(form, "delivered_units", int),
        metric=text_field(form, "metric").strip(),
        unit=text_field(form, "unit").strip()[:40] or "-",
        predicted=_number(form, "predicted", float),
        measured=_number(form, "measured", float),
        status=status,
        notes=text_field(form, "notes")[:10_000],
    )


@router.post("/evaluations", include_in_schema=False)
async def create(request: Request, signed: Person) -> Response:
    form = await checked_form(request, signed)
    state = web_state(request)

    def save() -> None:
        fields = evaluation_input(form)
        with state.db.write() as session:
            evaluations.create_evaluation(session, signed.actor, fields)

    try:
        await run_in_threadpool(save)
    except InputError as exc:
        entered = {k: v for k, v in form.items() if isinstance(v, str)}

        def shown() -> dict[str, Any]:
            with state.db.read() as session:
                return _context(session, signed.actor)

        context = await run_in_threadpool(shown)
        return page(
            request,
            "evaluations.html",
            422,
            active="evaluation",
            form=entered,
            problem=exc.one_line(),
            **context,
        )
    return RedirectResponse(url("/evaluations"), status_code=303)
