"""The pages without a browser: the editor keeps what a person typed when a save is refused,
conflicting saves keep both revisions, a run's pages show its report (tables and charts from its
own report files), the BOM explorer follows the real BOM stage's tree, sourcing explains an
infeasible plan, and topic pages light up only for runs that have the stage."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import web_plans
from api_seed import finish_queued_runs, post
from conftest import BASE_SCENARIO, FIXTURE_CATALOG, edit, line_of
from platform_support import World
from rackwright.api.app import Settings, create_app
from rackwright.scenario import default_scenario_text
from rackwright.store.database import Database
from rackwright.store.models import Revision
from rackwright.store.worker import PlanFunction
from web_support import sign_in

SCENARIO = edit(BASE_SCENARIO, 'catalog_files = ["catalog.toml"]', 'catalog_files = ["c.toml"]')


@pytest.fixture
def pages(world: World) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=world.url, run_plans=False))
    with TestClient(app) as client:
        yield client


def revisions(url: str) -> list[tuple[int, int | None, str]]:
    db = Database(url)
    with db.read() as session:
        rows = session.execute(select(Revision.number, Revision.based_on, Revision.content)).all()
    db.dispose()
    return sorted((n, b, c) for n, b, c in rows)


def create(pages: TestClient, csrf: str, name: str, text: str, **extra: object) -> object:
    data = {"csrf_token": csrf, "name": name, "classification": "lab-confidential", "toml": text}
    return pages.post("/web/scenarios/new", data={**data, **extra})


def textarea(page: str) -> str:
    found = re.search(r'<textarea id="toml" name="toml"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "no editor on the page"
    return html.unescape(found.group(1))


@pytest.mark.parametrize(
    ("broken", "needle", "words"),
    [
        (edit(SCENARIO, "racks = 100", 'racks = "many"'), 'racks = "many"', "valid integer"),
        (edit(SCENARIO, "isl = 1024", "isl = = 1024"), "isl = = 1024", "malformed TOML"),
    ],
    ids=["invalid value", "toml that does not parse"],
)
def test_a_refused_save_shows_the_error_at_its_line_and_keeps_the_text(
    pages: TestClient, world: World, broken: str, needle: str, words: str
) -> None:
    csrf = sign_in(pages, world.tokens[("lab", "planner")])
    answer = create(pages, csrf, "plan-a", broken)
    line = line_of(broken, needle)
    assert answer.status_code == 422
    assert f"Line {line}" in answer.text and words in answer.text
    marked = re.search(
        r'<span class="bad" data-line="(\d+)"><span class="n">\d+</span>(.*?)</span>\n', answer.text
    )
    assert marked and int(marked.group(1)) == line and html.unescape(marked.group(2)) == needle
    assert f'data-error-line="{line}"' in answer.text
    assert textarea(answer.text) == broken  # nothing the person typed is lost
    assert revisions(world.url) == []  # and nothing was saved


def test_oversized_uploads_are_refused_with_a_message_and_nothing_saved(
    pages: TestClient, world: World
) -> None:
    csrf = sign_in(pages, world.tokens[("lab", "planner")])
    big = b"# padding\n" * 100_001  # just over the 1,000,000-byte document limit
    answer = pages.post(
        "/web/scenarios/new",
        data={"csrf_token": csrf, "name": "big", "classification": "shared", "toml": SCENARIO},
        files={"upload": ("big.toml", big, "application/toml")},
    )
    assert answer.status_code == 413 and "larger than 1,000,000 bytes" in answer.text
    assert textarea(answer.text) == SCENARIO
    huge = b"x" * (3 * 1024 * 1024)  # over the 2 MiB a request may hold
    answer = pages.post(
        "/web/scenarios/new",
        data={"csrf_token": csrf, "name": "huge", "classification": "shared", "toml": SCENARIO},
        files={"upload": ("huge.toml", huge, "application/toml")},
    )
    assert answer.status_code == 413 and "text/html" in answer.headers["content-type"]
    assert "Nothing was saved" in answer.text and "the editor still holds your text" in answer.text
    assert revisions(world.url) == []


def test_a_stale_save_keeps_both_revisions_and_says_so(pages: TestClient, world: World) -> None:
    csrf = sign_in(pages, world.tokens[("lab", "planner")])
    first = create(pages, csrf, "shared-plan", SCENARIO)
    document_id = str(first.url).rsplit("/", 1)[-1].split("?")[0]  # type: ignore[attr-defined]
    form = pages.get(f"/web/scenarios/{document_id}/edit").text
    assert 'name="based_on" value="1"' in form
    theirs = edit(SCENARIO, "racks = 250", "racks = 260")
    mine = edit(SCENARIO, "racks = 100", "racks = 120")
    base = {"csrf_token": csrf, "based_on": "1"}
    pages.post(f"/web/scenarios/{document_id}/revisions", data={**base, "toml": theirs})
    answer = pages.post(f"/web/scenarios/{document_id}/revisions", data={**base, "toml": mine})
    assert answer.status_code == 200 and "saved=3" in str(answer.url)
    assert (
        "Saved as r3, beside a newer revision" in answer.text
        and "r2 (lab-planner@acme-lab" in answer.text
    )
    assert "nothing was overwritten" in answer.text
    assert revisions(world.url) == [(1, None, SCENARIO), (2, 1, theirs), (3, 1, mine)]
    diff = pages.get(f"/web/scenarios/{document_id}/diff?from=2&to=3").text
    assert "build[period=2026Q3].racks" in diff and "build[period=2027Q1].racks" in diff


def _run(pages: TestClient, world: World, csrf: str, text: str, name: str = "s") -> str:
    catalog = post(
        pages,
        world.headers("lab", "planner"),
        "/api/v1/catalog-overrides",
        {"name": "c.toml", "toml": FIXTURE_CATALOG, "classification": "shared"},
    )
    created = create(pages, csrf, name, text)
    document_id = str(created.url).rsplit("/", 1)[-1].split("?")[0]  # type: ignore[attr-defined]
    started = pages.post(
        f"/web/scenarios/{document_id}/runs",
        data={
            "csrf_token": csrf,
            "revision": "1",
            "classification": "lab-confidential",
            "inputs": catalog["revision"]["id"],
        },
    )
    assert "/web/runs/" in str(started.url), started.text[:500]
    finish_queued_runs(world.url, web_plans.quick_plan)
    return str(started.url).rsplit("/", 1)[-1]


def test_a_run_page_shows_its_report_sections_charts_timings_and_files(
    pages: TestClient, world: World
) -> None:
    csrf = sign_in(pages, world.tokens[("lab", "planner")])
    run_id = _run(pages, world, csrf, SCENARIO)
    page = pages.get(f"/web/runs/{run_id}").text
    report = json.loads(pages.get(f"/web/runs/{run_id}/files/report.json").content)
    assert list(report["sections"]) == ["workloads", "rack", "bom", "sourcing", "risk"]
    for key, section in report["sections"].items():
        assert f'id="section-{key}"' in page
        for table in section["tables"]:
            assert html.escape(table["title"]) in page
    charts = re.findall(r'data-chart-for="(section-[a-z]+-fig-\d+)">(.*?)</script>', page)
    assert {c[0] for c in charts} == {
        "section-bom-fig-0",
        "section-sourcing-fig-0",
        "section-risk-fig-0",
    }
    risk = json.loads(
        next(c[1] for c in charts if c[0] == "section-risk-fig-0").replace("<\\/", "</")
    )
    assert risk["data"][0]["y"] == [
        r["index"] for r in report["sections"]["risk"]["data"]["exposure"]
    ]
    assert 'id="stage-timings"' in page and "plotly.js" in page
    download = pages.get(f"/web/runs/{run_id}/files/report.html")
    assert "attachment" in download.headers["content-disposition"] and b"<html" in download.content


def test_topic_pages_light_up_only_for_stages_the_run_has(pages: TestClient, world: World) -> None:
    csrf = sign_in(pages, world.tokens[("lab", "planner")])
    run_id = _run(pages, world, csrf, SCENARIO)
    risk = pages.get(f"/web/runs/{run_id}/risk").text
    assert (
        "Exposure by country and subsystem" in risk
        and 'data-chart-for="section-risk-fig-0"' in risk
    )
    factory = pages.get(f"/web/runs/{run_id}/factory").text
    assert "The factory stage is not in this run" in factory
    assert "weekly throughput against plan" in factory
    evaluation = pages.get(f"/web/runs/{run_id}/evaluation").text
    assert "The decision or tco stage is not in this run" in evaluation
    assert (
        pages.get("/web/risk", follow_redirects=False)
        .headers["location"]
        .endswith(f"/{run_id}/risk")
    )


def test_sourcing_explains_a_plan_that_cannot_be_met(pages: TestClient, world: World) -> None:
    csrf = sign_in(pages, world.tokens[("lab", "planner")])
    strict = edit(SCENARIO, "share = 0.4", "share = 0.9")
    run_id = _run(pages, world, csrf, strict)
    page = pages.get(f"/web/runs/{run_id}/sourcing").text
    assert "No plan meets the scenario as specified (infeasible)" in page
    assert "Why the plan as specified is infeasible" in page
    assert "the target asks 90%" in page


def _default_run(
    pages: TestClient, world: World, classification: str, plan: PlanFunction, view: str
) -> str:
    """The lab planner's run of the default scenario under ``plan``; the id of its ``view``."""
    csrf = sign_in(pages, world.tokens[("lab", "planner")])
    created = create(pages, csrf, "default", default_scenario_text())
    document_id = str(created.url).rsplit("/", 1)[-1].split("?")[0]  # type: ignore[attr-defined]
    pages.post(
        f"/web/scenarios/{document_id}/runs",
        data={"csrf_token": csrf, "revision": "1", "classification": classification},
    )
    finish_queued_runs(world.url, plan)
    return str(pages.get(f"/web/{view}", follow_redirects=False).headers["location"].split("/")[-2])


def test_the_bom_explorer_shows_the_real_bom_tree_and_filters_by_country(
    pages: TestClient, world: World
) -> None:
    run_id = _default_run(pages, world, "lab-confidential", web_plans.real_bom_plan, "bom")
    report = json.loads(pages.get(f"/web/runs/{run_id}/files/report.json").content)
    generations = report["sections"]["bom"]["data"]["generations"]
    page = pages.get(f"/web/runs/{run_id}/bom").text
    tree = generations[0]["tree"]
    assert f'aria-label="BOM tree of {generations[0]["rack"]}"' in page
    first = tree["children"][0]
    assert f"<code>{first['id']}</code>" in page
    assert f"<strong>{format_usd(first['extended_cost_usd'])} USD</strong>" in page

    def leaves(node: dict[str, object]) -> list[dict[str, object]]:
        kids = node.get("children")
        return [x for c in kids for x in leaves(c)] if isinstance(kids, list) else [node]  # type: ignore[arg-type]

    taiwan = [p for p in leaves(tree) if "TW" in p["countries"]]  # type: ignore[operator]
    filtered = pages.get(f"/web/runs/{run_id}/bom?country=TW").text
    first_rack = filtered.split('class="report-section rack-bom"')[1]
    assert f"{len(taiwan)} parts with a source in TW" in first_rack
    shown = re.findall(
        r'<div class="node part"><span class="name">.*?</span> <code>(.*?)</code>', first_rack
    )
    assert sorted(shown) == sorted(str(p["id"]) for p in taiwan)


def test_the_evaluation_page_shows_the_real_decision_to_the_lab_and_nothing_to_the_manufacturer(
    pages: TestClient, world: World
) -> None:
    run_id = _default_run(pages, world, "shared", web_plans.real_finance_plan, "evaluation")
    report = json.loads(pages.get(f"/web/runs/{run_id}/files/report.json").content)
    decision = report["sections"]["decision"]
    tco_rack = report["sections"]["tco"]["data"]["racks"][0]
    page = html.unescape(pages.get(f"/web/runs/{run_id}/evaluation").text)
    assert 'id="section-decision"' in page and 'id="section-tco"' in page
    assert "not in this run" not in page
    assert decision["summary"] and decision["data"]["decision"]["verdict"]
    for line in decision["summary"]:  # the memo as the report writes it
        assert line in page
    rack_year = format_usd(tco_rack["tco_usd_per_rack_year"])
    assert rack_year in page
    # across the wall: the lab's TCO and decision are withheld whole from the manufacturer
    sign_in(pages, world.tokens[("manufacturer", "planner")])
    walled = html.unescape(pages.get(f"/web/runs/{run_id}/evaluation").text)
    assert "stay with the organization that ran the plan" in walled
    assert rack_year not in walled
    assert not any(line in walled for line in decision["summary"])


def format_usd(value: float) -> str:
    from rackwright.report.terminal import format_cell

    return format_cell(value)


def test_an_evaluation_is_recorded_and_a_bad_number_keeps_the_form(
    pages: TestClient, world: World
) -> None:
    csrf = sign_in(pages, world.tokens[("lab", "planner")])
    fields = {
        "csrf_token": csrf,
        "name": "ea-1",
        "rack": "test-rack",
        "delivered_units": "8",
        "metric": "tokens-per-s",
        "unit": "tok/s",
        "predicted": "100",
        "measured": "lots",
        "status": "accepted",
        "classification": "lab-confidential",
    }
    refused = pages.post("/web/evaluations", data=fields)
    assert refused.status_code == 422 and "measured must be a number" in refused.text
    assert 'value="ea-1"' in refused.text  # what was typed is still there
    fields["measured"] = "93"
    listed = pages.post("/web/evaluations", data=fields).text
    assert "ea-1" in listed and "-7.0%" in listed and "8 delivered units" in listed
    db = Database(world.url)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Revision)) == 0
    db.dispose()
