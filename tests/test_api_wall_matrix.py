"""The wall, route by route: generated from the app's route table (its OpenAPI document, which
FastAPI builds from every registered route), so a new route is covered without anyone remembering
to add it.

Every route x every role of one organization x a confidential record of the other: the answer is
a denial that is byte-for-byte the answer for an id that never existed (so not even existence
leaks), and no body or header of any answer (listings, errors, the audit log) holds the other
side's ids or canary text. A route whose path parameter or body this file cannot fill fails the
test until a filler is added here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api_seed import Seeded, scenario_text, seed
from platform_support import ROLES, World

MISSING = "f" * 32
KINDS = ("lab", "manufacturer")
OWN = {"lab": "lab-confidential", "manufacturer": "manufacturer-confidential"}


def _segment(path: str) -> str:
    parts = path.split("/")
    return parts[3] if len(parts) > 3 else ""


@dataclass(frozen=True)
class Route:
    """One operation of the route table."""

    path: str
    method: str
    body: str | None  # the request body's schema name


def path_value(route: Route, name: str, other: Seeded | None) -> str:
    """The value of path parameter ``name``: the other side's record, or a missing id."""
    segment = _segment(route.path)
    fillers: dict[str, Callable[[], str]] = {
        "document_id": lambda: other.ids[segment] if other else MISSING,
        "run_id": lambda: other.ids["runs"] if other else MISSING,
        "other_id": lambda: other.ids["runs"] if other else MISSING,
        "evaluation_id": lambda: other.ids["evaluations"] if other else MISSING,
        "user_id": lambda: (
            other.ids["user-" + next(k[5:] for k in other.ids if k.startswith("user-"))]
            if other
            else MISSING
        ),
        "number": lambda: "1",
        "key": lambda: "workloads",
        "name": lambda: "report.html",
    }
    assert name in fillers, f"route {route.path}: no filler for path parameter {name!r}"
    return fillers[name]()


def body_for(route: Route, kind: str, other: Seeded | None) -> dict[str, Any] | None:
    """A valid request body for ``route`` that points at the other side's records."""
    if route.body is None:
        return None
    own = OWN[kind]
    name = route.body
    revision = other.ids["scenarios-revision"] if other else MISSING
    bodies: dict[str, dict[str, Any]] = {
        "DocumentCreate": {"name": "plain", "toml": _document_text(route), "classification": own},
        "RevisionCreate": {"toml": _document_text(route)},
        "RunCreate": {"scenario_revision_id": revision, "classification": own},
        "EvaluationCreate": {
            "name": "e",
            "classification": own,
            "rack": "r",
            "delivered_units": 1,
            "metric": "m",
            "unit": "u",
            "predicted": 1.0,
            "measured": 1.0,
        },
        "UserCreate": {"name": "newcomer", "role": "viewer"},
    }
    assert name in bodies, f"route {route.path}: no body filler for {name}"
    return bodies[name]


def _document_text(route: Route) -> str:
    segment = _segment(route.path)
    if segment == "tariff-files":
        return '[policy.p]\ndescription = "d"\ndefault_rate = 0.1\n'
    if segment == "scenarios":
        return scenario_text("plain")
    return "# plain\n"


def walled_routes(client: TestClient) -> list[Route]:
    """Every operation of the app under /api/v1."""
    out = []
    for path, operations in client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        for method, operation in operations.items():
            ref = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
                .get("$ref")
            )
            out.append(Route(path, method.upper(), ref.rsplit("/", 1)[-1] if ref else None))
    out = [r for r in out if r.path.startswith("/api/v1/")]
    assert len(out) >= 40  # the whole service, not a filtered subset
    return out


def request(
    client: TestClient,
    world: World,
    kind: str,
    role: str,
    route: Route,
    other: Seeded | None,
) -> Any:
    names = re.findall(r"{(\w+)}", route.path)
    path = route.path
    for name in names:
        path = path.replace("{" + name + "}", path_value(route, name, other))
    params = {"from": 1, "to": 1} if path.endswith("/diff") else None
    return client.request(
        route.method,
        path,
        headers=world.headers(kind, role),
        params=params,
        json=body_for(route, kind, other),
    )


def _comparable(response: Any, other: Seeded) -> tuple[int, str, dict[str, str]]:
    text = response.text
    for secret in other.ids.values():
        text = text.replace(secret, MISSING)
    headers = {k: v for k, v in response.headers.items() if k not in ("date", "content-length")}
    return response.status_code, text, headers


@pytest.fixture
def both_sides(client: TestClient, world: World) -> dict[str, Seeded]:
    return {kind: seed(client, world, kind, OWN[kind]) for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_no_route_reveals_the_other_sides_confidential_records(
    client: TestClient, world: World, both_sides: dict[str, Seeded], kind: str
) -> None:
    other = both_sides["manufacturer" if kind == "lab" else "lab"]
    checked = 0
    for route in walled_routes(client):
        has_record = bool(
            re.search(r"{(document_id|run_id|other_id|evaluation_id|user_id)}", route.path)
        )
        for role in ROLES:
            answer = request(client, world, kind, role, route, other)
            where = f"{route.method} {route.path} as {kind} {role}"
            leaked = [
                s
                for s in other.secrets
                if s in answer.text or any(s in v for v in answer.headers.values())
            ]
            assert not leaked, f"{where} leaked {leaked}: {answer.text[:300]}"
            assert answer.status_code < 500, f"{where}: {answer.status_code} {answer.text}"
            if has_record:
                assert answer.status_code in (403, 404), f"{where}: {answer.status_code}"
                missing = request(client, world, kind, role, route, None)
                assert _comparable(answer, other) == _comparable(missing, other), where
                assert set(json.loads(answer.text)) == {"error", "message", "file", "line", "field"}
            checked += 1
    assert checked >= 40 * len(ROLES)


def test_shared_records_cross_the_wall_and_confidential_ones_do_not(
    client: TestClient, world: World, both_sides: dict[str, Seeded]
) -> None:
    shared = seed(client, world, "lab", "shared")
    lab_secret = both_sides["lab"]
    maker = world.headers("manufacturer", "viewer")
    for segment in (
        "scenarios",
        "catalog-overrides",
        "bom-files",
        "tariff-files",
        "runs",
        "evaluations",
    ):
        listed = {item["id"] for item in client.get(f"/api/v1/{segment}", headers=maker).json()}
        assert shared.ids[segment] in listed
        assert lab_secret.ids[segment] not in listed
    run = client.get(f"/api/v1/runs/{shared.ids['runs']}", headers=maker).json()
    assert run["files"] == [] and run["status"] == "succeeded"
    assert run["demand"] == {"test-rack": {"2026Q3": 100, "2027Q1": 250}}
    stages = {
        s["key"]: s
        for s in client.get(f"/api/v1/runs/{shared.ids['runs']}/stages", headers=maker).json()
    }
    assert stages["workloads"]["access"] == "aggregate"
    assert shared.canary not in json.dumps(stages)  # the workload ids stay with the lab
