"""Bad input to the service: always a 4xx in the one error shape, never a 500, nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api_seed import scenario_text
from conftest import edit, line_of
from platform_support import World
from rackwright.api.limits import MAX_BODY_BYTES
from rackwright.store.database import Database
from rackwright.store.models import AuditEvent, Document, Evaluation, Revision, Run

ERROR_KEYS = {"error", "message", "file", "line", "field"}
GOOD = scenario_text("good")


def _counts(url: str) -> dict[str, int]:
    db = Database(url)
    with db.read() as session:
        counts = {
            m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0
            for m in (Document, Revision, Evaluation, Run, AuditEvent)
        }
    db.dispose()
    return counts


def _scenario(name: str = "s", toml: str = GOOD, **extra: Any) -> dict[str, Any]:
    return {"name": name, "toml": toml, "classification": "lab-confidential", **extra}


BAD_REQUESTS: list[tuple[str, str, str, dict[str, Any]]] = [
    # (label, method, path, request kwargs)
    (
        "malformed JSON",
        "POST",
        "/api/v1/scenarios",
        {"content": b'{"name": "x", "toml": ', "headers": {"content-type": "application/json"}},
    ),
    ("JSON that is not an object", "POST", "/api/v1/scenarios", {"json": [1, 2]}),
    (
        "oversize body",
        "POST",
        "/api/v1/scenarios",
        {"json": _scenario(toml="#" * (MAX_BODY_BYTES + 10))},
    ),
    ("wrong type", "POST", "/api/v1/scenarios", {"json": _scenario(toml=12)}),
    ("unknown field", "POST", "/api/v1/scenarios", {"json": _scenario(owner="forge-mfg")}),
    (
        "bad classification",
        "POST",
        "/api/v1/scenarios",
        {"json": _scenario(classification="public")},
    ),
    (
        "other side's classification",
        "POST",
        "/api/v1/scenarios",
        {"json": _scenario(classification="manufacturer-confidential")},
    ),
    ("TOML that does not parse", "POST", "/api/v1/scenarios", {"json": _scenario(toml="a = [")}),
    (
        "scenario that does not validate",
        "POST",
        "/api/v1/scenarios",
        {"json": _scenario(toml=edit(GOOD, "deadline_days = 60", 'deadline_days = "soon"'))},
    ),
    (
        "SQL in a name",
        "POST",
        "/api/v1/scenarios",
        {"json": _scenario(name="x'); DROP TABLE documents; --")},
    ),
    ("path in a name", "POST", "/api/v1/scenarios", {"json": _scenario(name="../../etc/passwd")}),
    ("NUL in a document", "POST", "/api/v1/scenarios", {"json": _scenario(toml=GOOD + "\x00")}),
    ("unknown document id", "GET", "/api/v1/scenarios/nope", {}),
    ("unknown revision", "GET", "/api/v1/scenarios/nope/revisions/3", {}),
    ("revision number not a number", "GET", "/api/v1/scenarios/x/revisions/abc", {}),
    ("unknown run", "GET", "/api/v1/runs/' OR 1=1 --", {}),
    (
        "run of an unknown revision",
        "POST",
        "/api/v1/runs",
        {"json": {"scenario_revision_id": "nope", "classification": "shared"}},
    ),
    (
        "evaluation with NaN",
        "POST",
        "/api/v1/evaluations",
        {
            "content": b'{"name":"e","classification":"shared","rack":"r","delivered_units":1,'
            b'"metric":"m","unit":"u","predicted":NaN,"measured":1}',
            "headers": {"content-type": "application/json"},
        },
    ),
    (
        "negative units",
        "POST",
        "/api/v1/evaluations",
        {
            "json": {
                "name": "e",
                "classification": "shared",
                "rack": "r",
                "delivered_units": -1,
                "metric": "m",
                "unit": "u",
                "predicted": 1,
                "measured": 1,
            }
        },
    ),
    ("unknown route", "GET", "/api/v1/nothing-here", {}),
    ("wrong method", "DELETE", "/api/v1/scenarios", {}),
    ("query out of range", "GET", "/api/v1/scenarios?limit=100000", {}),
]


@pytest.mark.parametrize(
    ("label", "method", "path", "kwargs"), BAD_REQUESTS, ids=[case[0] for case in BAD_REQUESTS]
)
def test_bad_input_is_a_4xx_in_the_error_shape_and_writes_nothing(
    client: TestClient, world: World, label: str, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    before = _counts(world.url)
    headers = {**world.headers("lab", "planner"), **kwargs.pop("headers", {})}
    answer = client.request(method, path, headers=headers, **kwargs)
    assert 400 <= answer.status_code < 500, (label, answer.status_code, answer.text)
    body = answer.json()
    assert set(body) == ERROR_KEYS, body
    assert body["message"] and "Traceback" not in answer.text
    assert _counts(world.url) == before


def test_a_scenario_error_names_the_line_and_field(client: TestClient, world: World) -> None:
    bad = edit(GOOD, "deadline_days = 60", 'deadline_days = "soon"')
    answer = client.post(
        "/api/v1/scenarios",
        headers=world.headers("lab", "planner"),
        json=_scenario(name="mine", toml=bad),
    )
    assert answer.status_code == 422
    assert answer.json()["error"] == "ScenarioError"
    assert answer.json()["line"] == line_of(bad, 'deadline_days = "soon"')
    assert answer.json()["field"] == "workload[0].deadline_days"
    assert answer.json()["file"] == "mine"


def test_an_oversize_body_is_refused_even_without_a_content_length(
    client: TestClient, world: World
) -> None:
    def chunks() -> Any:
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    answer = client.post(
        "/api/v1/scenarios", headers=world.headers("lab", "planner"), content=chunks()
    )
    assert answer.status_code == 413 and answer.json()["error"] == "PayloadTooLargeError"
