"""Sign-in, sessions and CSRF on the web pages: a session acts as the API token it signed in
with, ends on sign-out, idleness, its time limit or the token's revocation, and every
state-changing request without the session's CSRF token is refused with nothing changed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.routing import Mount

from api_seed import scenario_text
from platform_support import World
from rackwright.api.app import Settings, create_app
from rackwright.store.database import Database
from rackwright.store.models import AuditEvent, Document, Evaluation, Run, WebSession
from rackwright.web.config import IDLE_SECONDS
from web_support import csrf_of, sign_in


@pytest.fixture
def pages(world: World) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=world.url, run_plans=False))
    with TestClient(app) as client:
        yield client


def _age_sessions(url: str, idle: bool, **delta: float) -> None:
    """Move every session's sign-in (and, for ``idle``, its last request) into the past."""
    db = Database(url)
    with db.write() as session:
        for row in session.scalars(select(WebSession)):
            row.created_at -= timedelta(**delta)
            if idle:
                row.last_seen_at -= timedelta(**delta)
    db.dispose()


def test_signing_in_with_an_api_token_opens_a_session_that_acts_as_it(
    pages: TestClient, world: World
) -> None:
    sign_in(pages, world.tokens[("lab", "planner")])
    cookie = next(c for c in pages.cookies.jar if c.name == "rw_session")
    assert cookie.path == "/web" and cookie.has_nonstandard_attr("HttpOnly")
    home = pages.get("/web/")
    assert home.status_code == 200 and "lab-planner" in home.text and "acme-lab" in home.text
    assert "new scenario" in pages.get("/web/scenarios").text.lower()  # a planner may create
    db = Database(world.url)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 1
        stored = session.scalars(select(WebSession.id)).one()
        actions = session.scalars(select(AuditEvent.action)).all()
    db.dispose()
    assert stored != cookie.value and len(stored) == 64  # only the secret's hash is kept
    assert "sign-in" in actions


def test_a_wrong_token_is_refused_on_the_form_and_opens_nothing(
    pages: TestClient, world: World
) -> None:
    form = pages.get("/web/login")
    answer = pages.post(
        "/web/login", data={"csrf_token": csrf_of(form.text), "token": "rw_0123456789abcdef_nope"}
    )
    assert answer.status_code == 401 and "not valid" in answer.text
    assert "rw_session" not in pages.cookies
    assert pages.get("/web/scenarios", follow_redirects=False).status_code == 303


def test_the_sign_in_form_needs_its_own_csrf_token(pages: TestClient, world: World) -> None:
    pages.get("/web/login")
    answer = pages.post(
        "/web/login", data={"csrf_token": "forged", "token": world.tokens[("lab", "planner")]}
    )
    assert answer.status_code == 403 and "Nothing was changed" in answer.text
    assert "rw_session" not in pages.cookies


def test_signing_out_ends_the_session_for_good(pages: TestClient, world: World) -> None:
    csrf = sign_in(pages, world.tokens[("lab", "viewer")])
    cookie = pages.cookies["rw_session"]
    answer = pages.post("/web/logout", data={"csrf_token": csrf})
    assert "You are signed out" in answer.text
    pages.cookies.set("rw_session", cookie, path="/web")  # the old cookie, replayed
    again = pages.get("/web/scenarios", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/web/login")


@pytest.mark.parametrize(
    ("age", "why", "words"),
    [
        ({"seconds": IDLE_SECONDS + 60}, "idle", "without activity"),
        ({"hours": 13}, "expired", "time limit"),
    ],
)
def test_an_idle_or_old_session_ends_and_says_why(
    pages: TestClient, world: World, age: dict[str, float], why: str, words: str
) -> None:
    sign_in(pages, world.tokens[("lab", "viewer")])
    assert pages.get("/web/scenarios").status_code == 200
    _age_sessions(world.url, idle=why == "idle", **age)  # "expired": active, but signed in long ago
    answer = pages.get("/web/scenarios/x?y=1", follow_redirects=False)
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert f"why={why}" in location and "next=/web/scenarios/x%3Fy%3D1" in location
    assert words in pages.get(location).text


def test_revoking_the_token_ends_its_sessions_at_once(pages: TestClient, world: World) -> None:
    sign_in(pages, world.tokens[("lab", "planner")])
    users = pages.get("/api/v1/users", headers=world.headers("lab", "admin")).json()
    planner = next(u for u in users if u["name"] == "lab-planner")
    disabled = pages.post(
        f"/api/v1/users/{planner['id']}/disable", headers=world.headers("lab", "admin")
    )
    assert disabled.status_code == 200
    answer = pages.get("/web/scenarios", follow_redirects=False)
    assert answer.status_code == 303 and "why=revoked" in answer.headers["location"]


def test_bearer_tokens_keep_working_and_a_session_cookie_is_no_api_credential(
    pages: TestClient, world: World
) -> None:
    sign_in(pages, world.tokens[("lab", "planner")])
    assert pages.get("/api/v1/me").status_code == 401  # the cookie does not reach the API
    me = pages.get("/api/v1/me", headers=world.headers("lab", "planner"))
    assert me.status_code == 200 and me.json()["user"] == "lab-planner"


def test_pages_carry_security_headers_and_are_not_cached(pages: TestClient, world: World) -> None:
    sign_in(pages, world.tokens[("lab", "viewer")])
    headers = pages.get("/web/scenarios").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-store"
    js = pages.get("/web/static/0/plotly.js")
    assert js.status_code == 200 and "immutable" in js.headers["cache-control"]
    assert len(js.content) > 1_000_000  # plotly.js itself, served by the service (offline)


def page_routes(client: TestClient) -> list[APIRoute]:
    """Every route of the pages' app (the routers it includes, opened up)."""
    mount = next(r for r in client.app.routes if isinstance(r, Mount) and r.path == "/web")  # type: ignore[attr-defined]
    found: list[APIRoute] = []
    pending = list(mount.routes)
    while pending:
        route = pending.pop(0)
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):  # FastAPI's wrapper of an included router
            pending += list(route.original_router.routes)
    return found


def _post_routes(client: TestClient) -> list[str]:
    """Every state-changing route of the pages, from their app's route table."""
    paths = [r.path for r in page_routes(client) if r.methods & {"POST", "PUT", "PATCH", "DELETE"}]
    assert len(paths) >= 6  # login, logout, new scenario, revision, run, evaluation
    return paths


def _counts(url: str) -> tuple[int, ...]:
    db = Database(url)
    with db.read() as session:
        counted = tuple(
            int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Document, Run, Evaluation)
        )
        ended = session.scalar(select(func.count()).where(WebSession.ended_at.is_not(None)))
    db.dispose()
    return (*counted, int(ended or 0))


@pytest.mark.parametrize("token", ["missing", "wrong"])
def test_every_state_changing_page_route_refuses_a_request_without_the_csrf_token(
    pages: TestClient, world: World, token: str
) -> None:
    csrf = sign_in(pages, world.tokens[("lab", "admin")])
    saved = pages.post(
        "/web/scenarios/new",
        data={
            "csrf_token": csrf,
            "name": "s",
            "classification": "shared",
            "toml": scenario_text("s"),
        },
    )
    document_id = re.search(r"/web/scenarios/([0-9a-f]{32})", str(saved.url))
    assert document_id, saved.text[:300]
    before = _counts(world.url)
    body = {
        "name": "x",
        "toml": scenario_text("x"),
        "classification": "shared",
        "revision": "1",
        "rack": "r",
        "delivered_units": "1",
        "metric": "m",
        "unit": "u",
        "predicted": "1",
        "measured": "1",
    }
    if token == "wrong":
        body["csrf_token"] = csrf[:-2] + "xx"
    for path in _post_routes(pages):
        target = "/web" + path.replace("{document_id}", document_id.group(1))
        answer = pages.post(target, data=body)
        assert answer.status_code == 403, (target, answer.status_code)
        assert "security token" in answer.text and "Nothing was changed" in answer.text
    assert _counts(world.url) == before
    assert pages.get("/web/scenarios").status_code == 200  # still signed in
