"""The wall on the web pages, route by route: generated from the pages' route table, so a new
page is covered without anyone remembering to add it.

Every page route x a viewer and a planner of one organization x a confidential record of the
other: the page is byte for byte the page for an id that never existed, and no page (listings,
errors, reports) holds the other side's ids or canary text. Across the wall a shared run shows
only its aggregate: the lab never sees supplier prices or capacities on the sourcing or BOM
pages, the manufacturer never the lab's workload definitions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

import plan_fakes
from api_seed import Seeded, post, scenario_text, seed
from platform_support import World, make_world
from rackwright.api.app import Settings, create_app
from rackwright.store.database import Database
from rackwright.store.migrate import upgrade
from test_web_sessions import page_routes
from web_support import sign_in

MISSING = "f" * 32
OTHER = {"lab": "manufacturer", "manufacturer": "lab"}
LISTINGS = ("/web/", "/web/scenarios", "/web/runs", "/web/evaluations", "/web/runs/compare")
SKIPPED = ("/static/", "/login", "/logout", "/go")  # no record behind them


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Both organizations, once for the module (seeding them takes seconds)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web-wall') / 'service.db'}"
    db = Database(url)
    upgrade(db)
    db.dispose()
    return make_world(url)


@pytest.fixture(scope="module")
def seeded(world: World) -> Iterator[tuple[TestClient, dict[str, Seeded]]]:
    app = create_app(Settings(database_url=world.url, run_plans=False))
    with TestClient(app) as client:
        records = {
            "lab": seed(client, world, "lab", "lab-confidential"),
            "manufacturer": seed(client, world, "manufacturer", "manufacturer-confidential"),
        }
        yield client, records


def _fill(path: str, ids: dict[str, str] | None) -> str:
    values = {
        "document_id": ids["scenarios"] if ids else MISSING,
        "run_id": ids["runs"] if ids else MISSING,
        "number": "1",
        "name": "report.html",
    }
    filled = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
    assert "{" not in filled, f"no filler for a parameter of {path}"
    return "/web" + filled


def _record_pages(client: TestClient) -> list[str]:
    paths = sorted(
        {
            r.path
            for r in page_routes(client)
            if "GET" in r.methods and "{" in r.path and not r.path.startswith(SKIPPED)
        }
    )
    assert len(paths) >= 10  # scenario, revision, diff, edit, run, status, files, five topics
    return paths


def _query(path: str) -> str:
    return "?from=1&to=1" if path.endswith("/diff") else ""


def leaks(text: str, other: Seeded) -> list[str]:
    """The other side's secrets found in a page."""
    return [s for s in other.secrets if s in text]


@pytest.mark.parametrize("kind", ["lab", "manufacturer"])
@pytest.mark.parametrize("role", ["viewer", "planner"])
def test_every_page_of_a_walled_record_reads_as_one_that_never_existed(
    seeded: tuple[TestClient, dict[str, Seeded]], world: World, kind: str, role: str
) -> None:
    client, records = seeded
    other = records[OTHER[kind]]
    sign_in(client, world.tokens[(kind, role)])
    for path in _record_pages(client):
        walled = client.get(_fill(path, other.ids) + _query(path), follow_redirects=False)
        missing = client.get(_fill(path, None) + _query(path), follow_redirects=False)
        where = f"{kind} {role} GET {path}"
        if path.endswith("/edit") and role == "viewer":
            assert walled.status_code == missing.status_code == 403, where
        else:
            assert walled.status_code == missing.status_code == 404, where
        assert walled.text == missing.text, where
        assert leaks(walled.text, other) == [], where
    compare = f"/web/runs/compare?a={records[kind].ids['runs']}&b={other.ids['runs']}"
    assert client.get(compare).status_code == 404
    for path in LISTINGS:
        page = client.get(path)
        assert page.status_code == 200 and leaks(page.text, other) == [], path
        assert records[kind].canary in client.get("/web/scenarios").text  # its own are there


def _shared_run(client: TestClient, world: World, kind: str, canary: str) -> str:
    """A run classified shared, of a scenario its owner keeps confidential."""
    own = {"lab": "lab-confidential", "manufacturer": "manufacturer-confidential"}[kind]
    headers = world.headers(kind, "planner")
    catalog = post(
        client,
        headers,
        "/api/v1/catalog-overrides",
        {"name": f"{canary}.toml", "toml": plan_fakes_catalog(), "classification": own},
    )
    scenario = post(
        client,
        headers,
        "/api/v1/scenarios",
        {"name": canary, "toml": scenario_text(canary), "classification": own},
    )
    run = post(
        client,
        headers,
        "/api/v1/runs",
        {
            "scenario_revision_id": scenario["revision"]["id"],
            "input_revision_ids": [catalog["revision"]["id"]],
            "classification": "shared",
        },
    )
    from api_seed import finish_queued_runs

    finish_queued_runs(world.url)
    return str(run["id"])


def plan_fakes_catalog() -> str:
    from conftest import FIXTURE_CATALOG

    return FIXTURE_CATALOG


PRICE = re.compile(r"(?<![0-9a-f])123,?45[67](?![0-9a-f])")  # SUPPLIER_PRICE, however written
CAPACITY = re.compile(r"(?<![0-9a-f])4,?321(?![0-9a-f])")  # SITE_CAPACITY
assert PRICE.search(f"{plan_fakes.SUPPLIER_PRICE:,.0f}") and CAPACITY.search("4,321")


def test_the_lab_sees_a_shared_manufacturer_run_only_as_its_aggregate(
    seeded: tuple[TestClient, dict[str, Seeded]], world: World
) -> None:
    client, _ = seeded
    run_id = _shared_run(client, world, "manufacturer", "mfg-shared-plan")
    sign_in(client, world.tokens[("lab", "viewer")])
    sourcing = client.get(f"/web/runs/{run_id}/sourcing").text
    assert "Cost per rack at each hard domestic floor" in sourcing  # the curve crosses
    assert "3,600,000" in sourcing  # its cost per rack, as the API's aggregate gives it
    assert "aggregate that crosses the wall" in sourcing
    report = client.get(f"/web/runs/{run_id}").text
    for page in (sourcing, client.get(f"/web/runs/{run_id}/bom").text, report):
        assert not PRICE.search(page) and not CAPACITY.search(page)
    assert "Scenario: not shared with you" in report  # its scenario stays with the manufacturer
    assert "report.json" not in report  # and so do the report files
    assert client.get(f"/web/runs/{run_id}/files/report.json").status_code == 404


def test_the_manufacturer_never_sees_the_labs_workload_definitions(
    seeded: tuple[TestClient, dict[str, Seeded]], world: World
) -> None:
    client, _ = seeded
    run_id = _shared_run(client, world, "lab", "lab-shared-plan")
    sign_in(client, world.tokens[("manufacturer", "planner")])
    page = client.get(f"/web/runs/{run_id}").text
    assert "lab-shared-plan" not in page  # the workload id is the canary (api_seed)
    assert "stay with the organization that ran the plan" in page
    assert "2026Q3" in page  # but the demand in racks per quarter crosses
