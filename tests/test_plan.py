"""`rackwright plan`: the stage chain, the catalog merge order, and the files it writes."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from conftest import BASE_SCENARIO, FIXTURE_CATALOG, RunCli, edit
from rackwright import plan as plan_module
from rackwright.chain import PlanInputs, Stage, StageWiringError, Upstream, run_chain
from rackwright.chain.runner import ChainRun
from rackwright.cli import plan_cmd
from rackwright.errors import InfeasibleError, InputError
from rackwright.plan import InputRequest, PlanPart, prepare, run_plan
from rackwright.report import HTML_NAME, JSON_NAME
from rackwright.report.charts import bar
from rackwright.report.section import Section, Table

WriteScenario = Callable[[str], Path]


@dataclass(frozen=True)
class RacksBuilt:
    """A toy stage result: racks built per year."""

    by_year: dict[int, int]

    def to_json(self) -> dict[str, Any]:
        return {"racks_by_year": {str(y): n for y, n in self.by_year.items()}}


@dataclass(frozen=True)
class SiteLoad:
    """A toy downstream result: weekly capacity and the racks it must carry."""

    racks_per_week: float
    racks: int

    def to_json(self) -> dict[str, Any]:
        return {"racks_per_week": self.racks_per_week, "racks": self.racks}


def count_racks(inputs: PlanInputs, upstream: Upstream) -> RacksBuilt:
    per_year: dict[int, int] = {}
    for lot in inputs.scenario.builds:
        per_year[lot.year] = per_year.get(lot.year, 0) + lot.racks
    return RacksBuilt(per_year)


RACKS = Stage("racks", "Racks built", (), count_racks, RacksBuilt)


def load_sites(inputs: PlanInputs, upstream: Upstream) -> SiteLoad:
    weekly = sum(s.racks_per_week for s in inputs.scenario.sites)
    return SiteLoad(weekly, sum(upstream.of(RACKS).by_year.values()))


SITES = Stage("sites", "Site capacity", ("racks",), load_sites, SiteLoad)


def present_racks(inputs: PlanInputs, run: ChainRun) -> Section:
    result: RacksBuilt = run.result(RACKS)
    years = sorted(result.by_year)
    counts = [result.by_year[y] for y in years]
    rows = [(y, result.by_year[y]) for y in years]
    return Section(
        key="racks",
        title="Racks built",
        summary=[f"{sum(result.by_year.values()):,} racks over {len(years)} years"],
        data=result.to_json(),
        tables=[Table("Racks per year", ["year", "racks"], [list(row) for row in rows])],
        figures=[
            bar("Racks per year", [str(y) for y in years], {"racks": counts},
                x_title="year", y_title="racks built")
        ],
    )  # fmt: skip


def present_sites(inputs: PlanInputs, run: ChainRun) -> Section:
    result: SiteLoad = run.result(SITES)
    sites = len(inputs.scenario.sites)
    return Section(
        key="sites",
        title="Site capacity",
        summary=[f"{result.racks_per_week:,.0f} racks/week across {sites} sites"],
        data=result.to_json(),
    )  # fmt: skip


FAKE_PARTS = [PlanPart(SITES, present_sites), PlanPart(RACKS, present_racks)]


@pytest.fixture
def fake_parts(monkeypatch: pytest.MonkeyPatch) -> list[PlanPart]:
    """Replace the stage registry the CLI uses with two quick stages (sites needs racks)."""
    monkeypatch.setattr(plan_cmd, "plan_parts", lambda: FAKE_PARTS)
    return FAKE_PARTS


def _inputs(write_scenario: WriteScenario) -> PlanInputs:
    return prepare(InputRequest(scenario=write_scenario(BASE_SCENARIO)))


def test_stages_run_once_each_after_what_they_need(write_scenario: WriteScenario) -> None:
    started: list[str] = []
    done: list[str] = []
    outcome = run_plan(
        _inputs(write_scenario),
        parts=FAKE_PARTS,
        on_start=lambda s: started.append(s.key),
        on_done=lambda s, seconds: done.append(s.key),
    )
    assert outcome.run.order == ("racks", "sites")  # sites is listed first but needs racks
    assert started == done == ["racks", "sites"]
    assert [s.key for s in outcome.view.sections] == ["sites", "racks"]  # report order
    assert outcome.run.result(SITES).racks == 350  # read from upstream, not recomputed
    assert set(outcome.view.timings) == {"racks", "sites"}


def test_only_runs_a_stage_and_what_it_needs(write_scenario: WriteScenario) -> None:
    inputs = _inputs(write_scenario)
    assert run_plan(inputs, parts=FAKE_PARTS, only=["racks"]).run.order == ("racks",)
    assert run_plan(inputs, parts=FAKE_PARTS, only=["sites"]).run.order == ("racks", "sites")
    with pytest.raises(InputError, match="unknown stage") as caught:
        run_plan(inputs, parts=FAKE_PARTS, only=["nope"])
    assert "--only" in caught.value.one_line() and "'nope'" in caught.value.one_line()


def test_the_runner_refuses_bad_wiring(write_scenario: WriteScenario) -> None:
    inputs = _inputs(write_scenario)
    with pytest.raises(ValueError, match="share a key"):
        run_chain(inputs, [RACKS, RACKS])
    with pytest.raises(ValueError, match="unknown stage 'racks'"):
        run_chain(inputs, [SITES])
    loop_a = dataclasses.replace(RACKS, needs=("sites",))
    with pytest.raises(ValueError, match="cycle"):
        run_chain(inputs, [loop_a, SITES])
    sneaky = dataclasses.replace(SITES, needs=())  # reads racks without declaring it
    with pytest.raises(StageWiringError, match="does not list it in needs"):
        run_chain(inputs, [RACKS, sneaky])


def test_command_line_catalog_overrides_the_scenario_catalog(
    write_scenario: WriteScenario, scenario_dir: Path
) -> None:
    facility = FIXTURE_CATALOG.split("[[site]]")[0]
    mine = scenario_dir / "mine.toml"
    mine.write_text(
        edit(facility, "pue_ratio = 1.2", "pue_ratio = 1.35\noverride = true"), encoding="utf-8"
    )
    path = write_scenario(BASE_SCENARIO)
    context = prepare(InputRequest(scenario=path))
    assert context.catalog.facility("test-fac").pue_ratio == pytest.approx(1.2)
    context = prepare(InputRequest(scenario=path, catalog=(mine,)))
    assert context.catalog.facility("test-fac").pue_ratio == pytest.approx(1.35)
    assert context.catalog.origins[("facility", "test-fac")].startswith(str(mine))


def test_plan_writes_both_reports_and_a_summary(
    cli: RunCli, write_scenario: WriteScenario, tmp_path: Path, fake_parts: object
) -> None:
    out = tmp_path / "reports"
    result = cli("plan", write_scenario(BASE_SCENARIO), "--out", out)
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == [HTML_NAME, JSON_NAME]
    report = json.loads((out / JSON_NAME).read_text(encoding="utf-8"))
    assert list(report["sections"]) == ["sites", "racks"]  # report order, not run order
    assert report["sections"]["racks"]["summary"] == ["350 racks over 2 years"]
    assert report["scenario"]["file"].endswith("scenario.toml")
    html = (out / HTML_NAME).read_text(encoding="utf-8")
    assert "Racks built" in html and "Plotly.newPlot(" in html
    # the terminal summary: sections, their lines and the files written
    for expected in (
        "Racks built",
        "350 racks over 2 years",
        "60 racks/week",
        str(out / JSON_NAME),
    ):
        assert expected in result.out
    assert "Traceback" not in result.err


def test_plan_json_prints_the_report(
    cli: RunCli, write_scenario: WriteScenario, tmp_path: Path, fake_parts: object
) -> None:
    out = tmp_path / "o"
    result = cli("plan", write_scenario(BASE_SCENARIO), "--out", out, "--json")
    assert result.code == 0, result.err
    printed = json.loads(result.out)
    assert printed == json.loads((out / JSON_NAME).read_text(encoding="utf-8"))


def test_unwritable_output_stops_before_the_engines_and_writes_nothing(
    cli: RunCli, write_scenario: WriteScenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []

    def spy(inputs: PlanInputs, upstream: Upstream) -> RacksBuilt:
        ran.append("engine")
        return count_racks(inputs, upstream)

    spy_part = PlanPart(dataclasses.replace(RACKS, run=spy), present_racks)
    monkeypatch.setattr(plan_cmd, "plan_parts", lambda: [spy_part])
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    result = cli("plan", write_scenario(BASE_SCENARIO), "--out", blocker)
    assert result.code == 2
    assert result.err_lines == [f"error: {blocker}: output path exists and is not a directory"]
    assert ran == []
    # a report.json directory in the way: no report.html is left behind either
    out = tmp_path / "out"
    (out / JSON_NAME).mkdir(parents=True)
    result = cli("plan", write_scenario(BASE_SCENARIO), "--out", out)
    assert result.code == 2 and len(result.err_lines) == 1
    assert str(out / JSON_NAME) in result.err
    assert sorted(p.name for p in out.iterdir()) == [JSON_NAME]


def test_an_engine_error_is_one_line_and_leaves_no_report(
    cli: RunCli, write_scenario: WriteScenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def infeasible(inputs: PlanInputs, upstream: Upstream) -> SiteLoad:
        raise InfeasibleError("model does not fit in HBM", field="workload[0]", value="tp=1")

    broken = PlanPart(dataclasses.replace(SITES, run=infeasible), present_sites)
    monkeypatch.setattr(plan_cmd, "plan_parts", lambda: [FAKE_PARTS[1], broken])
    out = tmp_path / "out"
    result = cli("plan", write_scenario(BASE_SCENARIO), "--out", out)
    assert result.code == 2
    assert result.err_lines == [
        "error: field 'workload[0]': model does not fit in HBM (got 'tp=1')"
    ]
    assert not out.exists()  # not even an empty folder


def test_the_registry_lists_every_stage_in_report_order() -> None:
    keys = [p.stage.key for p in plan_module.plan_parts()]
    assert len(keys) == len(set(keys))
    # DESIGN.md's chain: perf/explore -> rack -> bom -> sourcing -> risk; generations first
    chain = ["workloads", "generations", "rack", "bom", "sourcing", "risk"]
    assert [k for k in keys if k in chain] == chain


def test_plan_on_the_default_scenario(cli: RunCli, tmp_path: Path) -> None:
    # `make run`: the embedded scenario through every registered engine
    out = tmp_path / "out"
    result = cli("plan", "--out", out)
    assert result.code == 0, result.err
    report = json.loads((out / JSON_NAME).read_text(encoding="utf-8"))
    assert report["scenario"]["name"] == "partnership-program-1"
    assert report["scenario"]["file"] == "<default scenario>"
    expected = [p.stage.key for p in plan_module.plan_parts()]
    assert list(report["sections"]) == expected
    ran = list(report["timings"])  # every stage ran once, each after what it needs
    assert sorted(ran) == sorted(expected)
    for part in plan_module.plan_parts():
        assert all(ran.index(need) < ran.index(part.stage.key) for need in part.stage.needs)
    assert len(report["inputs"]["content_hash"]) == 64
    for section in report["sections"].values():
        assert section["title"] and section["summary"]
        assert section["title"] in result.out
    html = (out / HTML_NAME).read_text(encoding="utf-8")
    assert all(f'id="section-{key}"' in html for key in report["sections"])
    cited = report["provenance"]["sources"]
    assert "S31" in cited or "S29" in cited  # the NVL72 reference architecture behind gen 1


def test_progress_bar_steps_once_per_section(
    cli: RunCli,
    write_scenario: WriteScenario,
    tmp_path: Path,
    fake_parts: list[PlanPart],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100, color_system=None)
    monkeypatch.setattr(plan_cmd, "console_err", terminal)
    result = cli("plan", write_scenario(BASE_SCENARIO), "--out", tmp_path / "out")
    assert result.code == 0, result.err
    shown = screen.getvalue()
    assert f"{len(fake_parts)}/{len(fake_parts)}" in shown  # the bar reached its end
    assert "sites" in shown  # the running stage's key
