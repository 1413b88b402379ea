"""Plan runs through the service: they run in the background with pollable progress, store their
stages and report files, compare, and a run whose process dies is marked failed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api_seed import post, scenario_text
from conftest import FIXTURE_CATALOG, edit
from platform_support import World
from rackwright.api.app import Settings, create_app


def _client(world: World, plan_function: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=world.url, plan_function=plan_function))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def runner(world: World) -> Iterator[TestClient]:
    yield from _client(world, "plan_fakes:quick_plan")


def _inputs(client: TestClient, world: World, scenario: str) -> tuple[str, str]:
    headers = world.headers("lab", "planner")
    catalog = post(
        client,
        headers,
        "/api/v1/catalog-overrides",
        {"name": "c.toml", "toml": FIXTURE_CATALOG, "classification": "shared"},
    )
    saved = post(
        client,
        headers,
        "/api/v1/scenarios",
        {"name": "s", "toml": scenario, "classification": "lab-confidential"},
    )
    return saved["revision"]["id"], catalog["revision"]["id"]


def _start(client: TestClient, world: World, scenario_rev: str, catalog_rev: str) -> dict[str, Any]:
    return post(
        client,
        world.headers("lab", "planner"),
        "/api/v1/runs",
        {
            "scenario_revision_id": scenario_rev,
            "input_revision_ids": [catalog_rev],
            "classification": "lab-confidential",
        },
    )


def _wait(
    client: TestClient, world: World, run_id: str, timeout_s: float = 60.0
) -> tuple[dict[str, Any], list[str]]:
    """Poll until the run is done; returns it and every status seen on the way."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        run = client.get(f"/api/v1/runs/{run_id}", headers=world.headers("lab", "viewer")).json()
        seen.append(run["status"])
        if run["status"] in ("succeeded", "failed"):
            return run, seen
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} still {seen[-1]} after {timeout_s} s")


SCENARIO = edit(
    scenario_text("runs"), 'catalog_files = ["runs.toml"]', 'catalog_files = ["c.toml"]'
)


def test_a_run_goes_from_queued_to_succeeded_with_its_stages_and_reports(
    runner: TestClient, world: World
) -> None:
    scenario_rev, catalog_rev = _inputs(runner, world, SCENARIO)
    started = _start(runner, world, scenario_rev, catalog_rev)
    assert started["status"] == "queued" and len(started["inputs_hash"]) == 64
    run, seen = _wait(runner, world, started["id"])
    assert run["status"] == "succeeded", run["error"]
    assert seen[-1] == "succeeded" and set(seen) <= {"queued", "running", "succeeded"}
    assert run["progress"] == {"stages_done": 4, "stages_total": 4, "current_stage": None}
    assert run["scenario_revision"]["revision_id"] == scenario_rev
    assert [i["name"] for i in run["inputs"]] == ["c.toml"]
    assert sorted(run["files"]) == ["report.html", "report.json"]
    headers = world.headers("lab", "viewer")
    stages = runner.get(f"/api/v1/runs/{run['id']}/stages", headers=headers).json()
    assert [s["key"] for s in stages] == ["workloads", "rack", "bom", "sourcing"]
    report = runner.get(f"/api/v1/runs/{run['id']}/files/report.json", headers=headers)
    assert report.headers["content-type"].startswith("application/json")
    sections = json.loads(report.content)["sections"]
    assert sections["bom"]["data"] == next(s for s in stages if s["key"] == "bom")["data"]
    html = runner.get(f"/api/v1/runs/{run['id']}/files/report.html", headers=headers)
    assert html.headers["content-type"].startswith("text/html") and b"<html" in html.content
    sourcing = runner.get(f"/api/v1/runs/{run['id']}/sourcing", headers=headers).json()
    assert sourcing["data"]["plan"]["has_plan"] is True
    again = _start(runner, world, scenario_rev, catalog_rev)
    assert again["inputs_hash"] == started["inputs_hash"]
    _wait(runner, world, again["id"])
    compared = runner.get(f"/api/v1/runs/{run['id']}/compare/{again['id']}", headers=headers).json()
    assert compared["stages"]["bom"] == []  # same inputs, same results


def test_a_run_with_a_bad_input_fails_with_the_error_naming_the_document(
    runner: TestClient, world: World
) -> None:
    broken = edit(SCENARIO, 'rack = "test-rack"\nfirst_year', 'rack = "no-such-rack"\nfirst_year')
    broken = broken.replace('rack = "test-rack"\nperiod', 'rack = "no-such-rack"\nperiod')
    scenario_rev, catalog_rev = _inputs(runner, world, broken)
    run, _ = _wait(runner, world, _start(runner, world, scenario_rev, catalog_rev)["id"])
    assert run["status"] == "failed"
    assert run["error"]["error"] == "UnknownIdError"
    assert run["error"]["file"] == "s" and "/tmp" not in run["error"]["message"]


def test_a_run_whose_process_dies_is_marked_failed(world: World) -> None:
    for client in _client(world, "plan_fakes:crashing_plan"):
        scenario_rev, catalog_rev = _inputs(client, world, SCENARIO)
        run, _ = _wait(client, world, _start(client, world, scenario_rev, catalog_rev)["id"])
        assert run["status"] == "failed"
        assert run["error"]["error"] == "RunCrashed" and "code 9" in run["error"]["message"]
