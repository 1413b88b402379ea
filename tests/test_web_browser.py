"""The web pages in a real headless Chromium, against the service started here on loopback
(SQLite in a temporary folder, plans run by the quick stages of ``web_plans``).

- a lab planner signs in, writes a scenario, sees the validation error at its line, fixes it,
  runs the plan, watches it finish, and sees the sourcing chart drawn with the numbers of the
  run's report.json;
- a manufacturer viewer is refused the lab's scenario and has no form to submit (and one sent
  anyway is refused);
- a form sent without its CSRF token is refused;
- bad input (an oversized upload, TOML that does not parse, a stale save) loses nothing;
- every page passes axe-core (vendored in tests/data/axe-core) with no critical (nor serious)
  violation, and
  is saved as a screenshot under ``$RACKWRIGHT_WEB_ARTIFACTS`` (or a pytest temporary folder).

Chromium is Debian's ``chromium`` package, driven by Playwright (no browser download); every
request to anything but the test server is refused and recorded, so the pages work offline.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright

from conftest import BASE_SCENARIO, FIXTURE_CATALOG, edit, line_of
from platform_support import World, make_world
from rackwright.report.terminal import format_cell
from rackwright.store.database import Database
from rackwright.store.migrate import upgrade
from test_report_browser import CHROMIUM, CHROMIUM_ARGS
from web_support import LiveServer

AXE = Path(__file__).parent / "data" / "axe-core" / "axe.min.js"
SCENARIO = edit(BASE_SCENARIO, 'catalog_files = ["catalog.toml"]', 'catalog_files = ["c.toml"]')
BROKEN = edit(SCENARIO, "racks = 100", 'racks = "many"')
RUN_TIMEOUT_MS = 90_000
# a function, not an expression: the pages' Content-Security-Policy forbids eval
_CHARTS_SETTLED = """
() => Array.from(document.querySelectorAll('.chart')).every(gd =>
  gd.classList.contains('chart-error') ||
  (gd._fullLayout !== undefined && Math.abs(gd._fullLayout.width - gd.clientWidth) <= 1))
"""


@dataclass
class Site:
    """The running service, its organizations, and one finished lab run made through the API."""

    server: LiveServer
    world: World
    scenario_id: str = ""
    run_id: str = ""
    other_scenario_id: str = ""

    def api(self, kind: str, role: str) -> httpx.Client:
        return httpx.Client(base_url=self.server.base, headers=self.world.headers(kind, role))


def _wait_run(api: httpx.Client, run_id: str) -> dict[str, Any]:
    for _ in range(600):
        run: dict[str, Any] = api.get(f"/api/v1/runs/{run_id}").json()
        if run["status"] in ("succeeded", "failed"):
            return run
        import time

        time.sleep(0.1)
    raise AssertionError(f"run {run_id} did not finish")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path_factory.mktemp('web-browser') / 'service.db'}"
    db = Database(url)
    upgrade(db)
    db.dispose()
    world = make_world(url)
    with LiveServer(url, "web_plans:quick_plan") as server:
        found = Site(server, world)
        with found.api("lab", "planner") as api:  # scripts keep using Bearer tokens
            catalog = api.post(
                "/api/v1/catalog-overrides",
                json={"name": "c.toml", "toml": FIXTURE_CATALOG, "classification": "shared"},
            ).json()
            scenario = api.post(
                "/api/v1/scenarios",
                json={"name": "lab-plan", "toml": SCENARIO, "classification": "lab-confidential"},
            ).json()
            found.scenario_id = scenario["document"]["id"]
            api.post(
                f"/api/v1/scenarios/{found.scenario_id}/revisions",
                json={"toml": edit(SCENARIO, "racks = 250", "racks = 300")},
            )
            run = api.post(
                "/api/v1/runs",
                json={
                    "scenario_revision_id": scenario["revision"]["id"],
                    "input_revision_ids": [catalog["revision"]["id"]],
                    "classification": "lab-confidential",
                },
            ).json()
            found.run_id = run["id"]
            assert _wait_run(api, run["id"])["status"] == "succeeded"
        yield found


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    named = os.environ.get("RACKWRIGHT_WEB_ARTIFACTS")
    if named:
        path = Path(named)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("web-screenshots")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium", pytrace=False)
    with sync_playwright() as driver:
        launched = _launch(driver)
        yield launched
        launched.close()


def _launch(driver: Playwright) -> Browser:
    return driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


@dataclass
class Visit:
    """A browser context of one person, with what went wrong and what it asked from elsewhere."""

    context: BrowserContext
    page: Page
    errors: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)


# Refused forms answer with a 4xx page on purpose; Chromium logs each as a console error.
_REFUSED_PAGE = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d")


def _is_error(text: str, kind: str) -> bool:
    return kind == "error" and not _REFUSED_PAGE.match(text)


def visit(browser: Browser, site: Site, width: int = 1280) -> Visit:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    found = Visit(context, page)
    page.on("console", lambda m: found.errors.append(m.text) if _is_error(m.text, m.type) else None)
    page.on("pageerror", lambda exc: found.errors.append(str(exc)))

    def refuse(route: Route) -> None:
        found.elsewhere.append(route.request.url)
        route.abort()

    context.route(re.compile(rf"^(?!{re.escape(site.server.base)}/).*"), refuse)
    return found


def sign_in(v: Visit, site: Site, kind: str, role: str, start: str = "/web/") -> None:
    v.page.goto(site.server.base + start)
    assert "/web/login" in v.page.url  # signed out: sent to sign in, then back
    v.page.get_by_label("Your API token").fill(site.world.tokens[(kind, role)])
    v.page.get_by_role("button", name="Sign in").click()
    v.page.wait_for_url(re.compile(re.escape(site.server.base + start.split("?")[0])))


def shoot(v: Visit, artifacts: Path, name: str) -> None:
    v.page.wait_for_function(_CHARTS_SETTLED)
    path = artifacts / f"web-{name}.png"
    v.page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def report_json(v: Visit, site: Site, run_id: str) -> dict[str, Any]:
    answer = v.context.request.get(f"{site.server.base}/web/runs/{run_id}/files/report.json")
    assert answer.ok
    data: dict[str, Any] = json.loads(answer.body())
    return data


_TABLE_ROWS = """
(table) => Array.from(table.tBodies).flatMap(body => {
  let group = [];
  return Array.from(body.rows).map((tr, i) => {
    const heads = Array.from(tr.querySelectorAll('th[scope=rowgroup]')).map(c => c.textContent);
    if (i === 0) group = heads;
    return [...group, ...Array.from(tr.querySelectorAll('td')).map(c => c.textContent)];
  });
})
"""


def test_a_lab_planner_writes_a_scenario_fixes_it_runs_it_and_sees_the_sourcing_chart(
    browser: Browser, site: Site, artifacts: Path
) -> None:
    v = visit(browser, site)
    page = v.page
    sign_in(v, site, "lab", "planner", "/web/scenarios")
    page.get_by_role("link", name="New scenario").click()
    page.get_by_label("Name").fill("browser-plan")
    page.get_by_label("Scenario TOML").fill(BROKEN)
    page.get_by_role("button", name="Create the scenario").click()
    bad = line_of(BROKEN, 'racks = "many"')
    problem = page.locator("#editor-problem")
    assert f"Line {bad}, field build[0].racks" in problem.inner_text()
    assert page.locator(".gutter .bad").inner_text() == str(bad)  # the editor marks the line
    selected = page.locator("#toml").evaluate(
        "a => a.value.substring(a.selectionStart, a.selectionEnd)"
    )
    assert selected == 'racks = "many"'  # and the cursor is on it
    assert page.locator("#toml").input_value() == BROKEN  # nothing typed was lost
    shoot(v, artifacts, "editor-error")
    page.get_by_label("Scenario TOML").fill(SCENARIO)
    page.get_by_role("button", name="Create the scenario").click()
    page.get_by_text("Saved as r1.").wait_for()
    assert page.get_by_label("catalog c.toml r1 (acme-lab)").is_checked()  # the scenario names it
    shoot(v, artifacts, "scenario")
    page.get_by_role("button", name="Start the run").click()
    page.wait_for_url(re.compile(r"/web/runs/[0-9a-f]{32}$"))
    run_id = page.url.rsplit("/", 1)[-1]
    page.locator(".status-succeeded").wait_for(timeout=RUN_TIMEOUT_MS)  # the page follows the run
    assert "Done: 5 stages" in page.locator("#progress-text").inner_text()
    shoot(v, artifacts, "run")
    page.locator(".run-nav").get_by_role("link", name="Sourcing").click()
    page.wait_for_function(_CHARTS_SETTLED)
    curve = report_json(v, site, run_id)["sections"]["sourcing"]["data"]["cost_curve"]
    priced = [p for c in curve for p in c["points"] if p["cost_per_rack_usd"] is not None]
    chart = page.locator("#sourcing-fig-0")
    assert chart.get_attribute("aria-label") == "Landed cost per rack vs domestic-content floor"
    assert chart.locator("svg .point").count() == len(priced) > 0  # one drawn point per solve
    rows = page.locator("#cost-curve table").evaluate(_TABLE_ROWS)
    expected = [
        [c["rack"], f"{p['floor']:.0%}", p["status"], format_cell(p["cost_per_rack_usd"])]
        for c in curve
        for p in c["points"]
    ]
    assert rows == expected  # the table shows report.json's numbers
    shoot(v, artifacts, "sourcing")
    assert v.errors == [] and v.elsewhere == []
    v.context.close()


def post_forms(page: Page) -> int:
    """Forms on the page that would change something (sign-out aside)."""
    return int(page.locator("form[method=post]:not([action$='/logout'])").count())


def test_a_manufacturer_viewer_is_refused_the_labs_scenario_and_cannot_submit_a_form(
    browser: Browser, site: Site, artifacts: Path
) -> None:
    v = visit(browser, site)
    page = v.page
    sign_in(v, site, "manufacturer", "viewer", "/web/scenarios")
    assert page.get_by_role("link", name="New scenario").count() == 0
    assert "lab-plan" not in page.content() and post_forms(page) == 0
    walled = page.goto(f"{site.server.base}/web/scenarios/{site.scenario_id}")
    assert walled is not None and walled.status == 404
    refused_text = page.locator("main").inner_text()
    assert "No scenario with this id." in refused_text
    shoot(v, artifacts, "manufacturer-refused")
    missing = page.goto(f"{site.server.base}/web/scenarios/{'f' * 32}")
    assert missing is not None and page.locator("main").inner_text() == refused_text
    for path in ("/web/runs", "/web/evaluations", f"/web/runs/{site.run_id}"):
        page.goto(site.server.base + path)
        assert post_forms(page) == 0, path
    new = page.goto(f"{site.server.base}/web/scenarios/new")
    assert new is not None and new.status == 403 and "needs the planner role" in page.content()
    sent = page.evaluate(
        """async () => {
          const form = new FormData();
          form.append('csrf_token', document.body.dataset.csrf);
          form.append('name', 'sneaky'); form.append('classification', 'shared');
          form.append('toml', '[scenario]');
          const r = await fetch('/web/scenarios/new', {method: 'POST', body: form});
          return [r.status, await r.text()];
        }"""
    )
    assert sent[0] == 403 and "needs the planner role" in sent[1]
    with site.api("manufacturer", "admin") as api:
        assert [d["name"] for d in api.get("/api/v1/scenarios").json()] == []
    v.context.close()


def test_a_form_posted_without_its_csrf_token_is_refused(
    browser: Browser, site: Site, artifacts: Path
) -> None:
    v = visit(browser, site)
    page = v.page
    sign_in(v, site, "lab", "planner", f"/web/scenarios/{site.scenario_id}")
    with site.api("lab", "viewer") as api:
        before = len(api.get("/api/v1/runs").json())
    page.locator("#run-form input[name=csrf_token]").evaluate("input => input.remove()")
    page.get_by_role("button", name="Start the run").click()
    page.get_by_role("heading", name="Form refused").wait_for()
    assert "Nothing was changed" in page.locator("main").inner_text()
    shoot(v, artifacts, "csrf-refused")
    with site.api("lab", "viewer") as api:
        assert len(api.get("/api/v1/runs").json()) == before
    v.context.close()


def test_bad_input_through_the_pages_gets_a_message_and_loses_nothing(
    browser: Browser, site: Site, artifacts: Path
) -> None:
    first, second = visit(browser, site), visit(browser, site)
    sign_in(first, site, "lab", "planner", f"/web/scenarios/{site.scenario_id}/edit")
    sign_in(second, site, "lab", "admin", f"/web/scenarios/{site.scenario_id}/edit")
    page = first.page
    text = page.locator("#toml").input_value()
    page.locator("#upload").set_input_files(
        {"name": "huge.toml", "mimeType": "application/toml", "buffer": b"#" * 3_000_000}
    )
    message = page.locator("#upload-problem")
    message.wait_for()
    assert "3,000,000 bytes" in message.inner_text() and "nothing was saved" in message.inner_text()
    assert page.locator("#toml").input_value() == text
    unparsable = text.replace("isl = 1024", "isl = = 1024")
    page.get_by_label("Scenario TOML").fill(unparsable)
    page.get_by_role("button", name="Save as a new revision").click()
    assert "malformed TOML" in page.locator("#editor-problem").inner_text()
    assert page.locator("#toml").input_value() == unparsable
    shoot(first, artifacts, "editor-toml-error")
    page.get_by_label("Scenario TOML").fill(text.replace("racks = 100", "racks = 110"))
    theirs = second.page
    theirs.get_by_label("Scenario TOML").fill(text.replace("racks = 300", "racks = 320"))
    theirs.get_by_role("button", name="Save as a new revision").click()
    theirs.get_by_text("Saved as r3.").wait_for()
    page.get_by_role("button", name="Save as a new revision").click()  # based on r2: stale
    notice = page.locator(".notice.conflict")
    assert "Saved as r4, beside a newer revision" in notice.inner_text()
    assert "nothing was overwritten" in notice.inner_text()
    shoot(first, artifacts, "conflict")
    with site.api("lab", "viewer") as api:
        saved = api.get(f"/api/v1/scenarios/{site.scenario_id}/revisions").json()
        assert [(r["number"], r["based_on"], r["stale"]) for r in saved[-2:]] == [
            (3, 2, False),
            (4, 2, True),
        ]
    page.goto(f"{site.server.base}/web/scenarios/{site.scenario_id}/edit")  # a draft, kept
    page.get_by_label("Scenario TOML").fill("# typed, then the tab was closed\n")
    page.goto(f"{site.server.base}/web/scenarios/{site.scenario_id}/edit")
    page.get_by_role("button", name="Restore it").click()
    assert page.locator("#toml").input_value() == "# typed, then the tab was closed\n"
    for v in (first, second):
        assert v.errors == [] and v.elsewhere == []
        v.context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations in the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
    )
    return found


def test_every_page_passes_an_accessibility_check_and_is_saved_as_a_screenshot(
    browser: Browser, site: Site, artifacts: Path
) -> None:
    v = visit(browser, site)
    page = v.page
    base, run, doc = site.server.base, site.run_id, site.scenario_id
    page.goto(base + "/web/login")
    pages = {"login": None}
    results: dict[str, list[dict[str, Any]]] = {"login": axe_violations(page)}
    shoot(v, artifacts, "login")
    sign_in(v, site, "lab", "planner")
    pages.update(
        {
            "home": "/web/",
            "scenarios": "/web/scenarios",
            "scenario-page": f"/web/scenarios/{doc}",
            "editor": f"/web/scenarios/{doc}/edit",
            "revision": f"/web/scenarios/{doc}/revisions/1",
            "diff": f"/web/scenarios/{doc}/diff?from=1&to=2",
            "runs": "/web/runs",
            "report": f"/web/runs/{run}",
            "compare": f"/web/runs/compare?a={run}&b={run}",
            "bom": f"/web/runs/{run}/bom",
            "bom-country": f"/web/runs/{run}/bom?country=TW",
            "sourcing-page": f"/web/runs/{run}/sourcing",
            "risk": f"/web/runs/{run}/risk",
            "factory": f"/web/runs/{run}/factory",
            "evaluation-stage": f"/web/runs/{run}/evaluation",
            "evaluations": "/web/evaluations",
        }
    )
    for name, path in pages.items():
        if path is None:
            continue
        answer = page.goto(base + path)
        assert answer is not None and answer.status == 200, name
        page.wait_for_function(_CHARTS_SETTLED)
        assert page.locator(".chart-error").count() == 0, name
        results[name] = axe_violations(page)
        shoot(v, artifacts, name)
    (artifacts / "web-axe.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    grave = {  # critical, and serious too: the pages have none
        name: [x for x in found if x["impact"] in ("critical", "serious")]
        for name, found in results.items()
    }
    assert {k: x for k, x in grave.items() if x} == {}
    assert v.errors == [] and v.elsewhere == []
    v.context.close()
