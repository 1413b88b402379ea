"""Records one organization creates through the API, for the service tests: one of every kind,
each holding a unique canary string, plus a finished plan run."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

import plan_fakes
from conftest import BASE_SCENARIO, FIXTURE_CATALOG, edit
from platform_support import World
from rackwright.store import run_queue
from rackwright.store.database import Database
from rackwright.store.worker import PlanFunction


@dataclass
class Seeded:
    """What one organization created: ids by kind, the canary, every id to look for in leaks."""

    canary: str
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def secrets(self) -> set[str]:
        """Strings that must never reach the other organization."""
        return {self.canary, *self.ids.values()}


def tariff_text(canary: str) -> str:
    return (
        f'[[scenario]]\nname = "{canary}"\ndescription = "{canary}"\n'
        'sources = ["T-A11"]\nconfidence = "U"\n'
    )


def scenario_text(canary: str) -> str:
    text = edit(BASE_SCENARIO, 'name = "test-scenario"', f'name = "{canary}"')
    text = edit(text, 'catalog_files = ["catalog.toml"]', f'catalog_files = ["{canary}.toml"]')
    return edit(text, 'id = "pretrain"', f'id = "{canary}"')


def post(
    client: TestClient, headers: dict[str, str], path: str, body: dict[str, Any]
) -> dict[str, Any]:
    response = client.post(path, headers=headers, json=body)
    assert response.status_code in (201, 202), response.text
    data: dict[str, Any] = response.json()
    return data


def seed(client: TestClient, world: World, kind: str, classification: str) -> Seeded:
    """Create a scenario, catalog, BOM and tariff file, an evaluation and a finished run."""
    canary = f"canary-{kind[:3]}-{secrets.token_hex(6)}"
    seeded = Seeded(canary)
    headers = world.headers(kind, "planner")
    texts = {
        "scenarios": scenario_text(canary),
        "catalog-overrides": f"# {canary}\n" + FIXTURE_CATALOG,
        "bom-files": f"# {canary}\n",
        "tariff-files": tariff_text(canary),
    }
    for segment, text in texts.items():
        name = f"{canary}.toml" if segment == "catalog-overrides" else f"{canary}-{segment}"
        saved = post(
            client,
            headers,
            f"/api/v1/{segment}",
            {"name": name, "toml": text, "classification": classification},
        )
        seeded.ids[segment] = saved["document"]["id"]
        seeded.ids[f"{segment}-revision"] = saved["revision"]["id"]
    evaluation = post(
        client,
        headers,
        "/api/v1/evaluations",
        {
            "name": canary,
            "classification": classification,
            "rack": "test-rack",
            "delivered_units": 8,
            "metric": "tokens-per-s",
            "unit": "tok/s",
            "predicted": 100.0,
            "measured": 93.0,
            "notes": canary,
        },
    )
    seeded.ids["evaluations"] = evaluation["id"]
    run = post(
        client,
        headers,
        "/api/v1/runs",
        {
            "scenario_revision_id": seeded.ids["scenarios-revision"],
            "input_revision_ids": [seeded.ids["catalog-overrides-revision"]],
            "classification": classification,
        },
    )
    seeded.ids["runs"] = run["id"]
    finish_queued_runs(world.url)
    users = client.get("/api/v1/users", headers=world.headers(kind, "admin")).json()
    for user in users:
        seeded.ids[f"user-{user['name']}"] = user["id"]
    return seeded


def finish_queued_runs(url: str, plan: PlanFunction = plan_fakes.quick_plan) -> None:
    """Run every queued run in this process with ``plan`` (no background worker)."""
    db = Database(url)
    try:
        while True:
            with db.write() as session:
                run_id = run_queue.claim_next(session)
            if run_id is None:
                return
            with db.read() as session:
                inputs = run_queue.load_inputs(session, run_id)
            outcome = plan(inputs, None)
            with db.write() as session:
                run_queue.finish(session, run_id, outcome)
    finally:
        db.dispose()
