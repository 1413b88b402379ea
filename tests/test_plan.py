"""`rackwright plan`: the engine chain, the catalog merge order, and the files it writes."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from conftest import BASE_SCENARIO, FIXTURE_CATALOG, RunCli, edit
from rackwright import plan as plan_module
from rackwright.cli import plan_cmd
from rackwright.errors import InfeasibleError
from rackwright.plan import prepare, run_plan
from rackwright.report import HTML_NAME, JSON_NAME
from rackwright.report.charts import bar
from rackwright.report.section import PlanContext, Section, SectionBuilder, Table

WriteScenario = Callable[[str], Path]


def racks_section(ctx: PlanContext) -> Section:
    """A builder that reads the scenario, as an engine would."""
    per_year: dict[int, int] = {}
    for lot in ctx.scenario.builds:
        per_year[lot.year] = per_year.get(lot.year, 0) + lot.racks
    years = sorted(per_year)
    return Section(
        key="racks",
        title="Racks built",
        summary=[f"{sum(per_year.values()):,} racks over {len(years)} years"],
        data={"racks_by_year": {str(y): n for y, n in per_year.items()}},
        tables=[Table("Racks per year", ["year", "racks"], [[y, per_year[y]] for y in years])],
        figures=[
            bar("Racks per year", [str(y) for y in years], {"racks": list(per_year.values())})
        ],
    )


def sites_section(ctx: PlanContext) -> Section:
    weekly = sum(s.racks_per_week for s in ctx.scenario.sites)
    return Section(
        key="sites",
        title="Site capacity",
        summary=[f"{weekly:,.0f} racks/week across {len(ctx.scenario.sites)} sites"],
        data={"racks_per_week": weekly},
    )


@pytest.fixture
def fake_builders(monkeypatch: pytest.MonkeyPatch) -> list[SectionBuilder]:
    """Replace the engine registry the CLI uses with two quick builders."""
    builders: list[SectionBuilder] = [racks_section, sites_section]
    monkeypatch.setattr(plan_cmd, "section_builders", lambda: builders)
    return builders


def test_run_plan_runs_builders_in_order_and_reports_progress(
    write_scenario: WriteScenario,
) -> None:
    context = prepare(write_scenario(BASE_SCENARIO))
    started: list[str] = []
    finished: list[str] = []
    sections = run_plan(
        context,
        started.append,
        on_done=lambda s: finished.append(s.key),
        builders=[sites_section, racks_section],
    )
    assert [s.key for s in sections] == ["sites", "racks"]
    assert started == ["test_plan", "test_plan"]  # builder module names
    assert finished == ["sites", "racks"]
    assert sections[1].data["racks_by_year"] == {"2026": 100, "2027": 250}


def test_run_plan_refuses_two_sections_with_one_key(write_scenario: WriteScenario) -> None:
    context = prepare(write_scenario(BASE_SCENARIO))
    with pytest.raises(ValueError, match="share the key 'sites'"):
        run_plan(context, builders=[sites_section, sites_section])


def test_command_line_catalog_overrides_the_scenario_catalog(
    write_scenario: WriteScenario, scenario_dir: Path
) -> None:
    facility = FIXTURE_CATALOG.split("[[site]]")[0]
    mine = scenario_dir / "mine.toml"
    mine.write_text(
        edit(facility, "pue_ratio = 1.2", "pue_ratio = 1.35\noverride = true"), encoding="utf-8"
    )
    path = write_scenario(BASE_SCENARIO)
    assert prepare(path).catalog.facility("test-fac").pue_ratio == pytest.approx(1.2)
    context = prepare(path, [mine])
    assert context.catalog.facility("test-fac").pue_ratio == pytest.approx(1.35)
    assert context.catalog.origins[("facility", "test-fac")].startswith(str(mine))


def test_plan_writes_both_reports_and_a_summary(
    cli: RunCli, write_scenario: WriteScenario, tmp_path: Path, fake_builders: object
) -> None:
    out = tmp_path / "reports"
    result = cli("plan", write_scenario(BASE_SCENARIO), "--out", out)
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == [HTML_NAME, JSON_NAME]
    report = json.loads((out / JSON_NAME).read_text(encoding="utf-8"))
    assert list(report["sections"]) == ["racks", "sites"]
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
    cli: RunCli, write_scenario: WriteScenario, tmp_path: Path, fake_builders: object
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

    def spy(ctx: PlanContext) -> Section:
        ran.append("engine")
        return sites_section(ctx)

    monkeypatch.setattr(plan_cmd, "section_builders", lambda: [spy])
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
    def infeasible(ctx: PlanContext) -> Section:
        raise InfeasibleError("model does not fit in HBM", field="workload[0]", value="tp=1")

    monkeypatch.setattr(plan_cmd, "section_builders", lambda: [sites_section, infeasible])
    out = tmp_path / "out"
    result = cli("plan", write_scenario(BASE_SCENARIO), "--out", out)
    assert result.code == 2
    assert result.err_lines == [
        "error: field 'workload[0]': model does not fit in HBM (got 'tp=1')"
    ]
    assert list(out.iterdir()) == []


def test_the_registry_lists_every_engine_in_report_order() -> None:
    names = [plan_module.builder_name(b) for b in plan_module.section_builders()]
    assert len(names) == len(set(names))
    # DESIGN.md's chain: perf/explore -> rack -> bom -> sourcing; generations before their checks
    chain = ["workloads", "generations", "rack", "bom", "sourcing"]
    assert [n for n in names if n in chain] == chain


def test_plan_on_the_default_scenario(cli: RunCli, tmp_path: Path) -> None:
    # `make run`: the embedded scenario through every registered engine
    out = tmp_path / "out"
    result = cli("plan", "--out", out)
    assert result.code == 0, result.err
    report = json.loads((out / JSON_NAME).read_text(encoding="utf-8"))
    assert report["scenario"]["name"] == "partnership-program-1"
    assert report["scenario"]["file"] == "<default scenario>"
    expected = [plan_module.builder_name(b) for b in plan_module.section_builders()]
    assert len(report["sections"]) == len(expected)
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
    fake_builders: list[SectionBuilder],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100, color_system=None)
    monkeypatch.setattr(plan_cmd, "console_err", terminal)
    result = cli("plan", write_scenario(BASE_SCENARIO), "--out", tmp_path / "out")
    assert result.code == 0, result.err
    shown = screen.getvalue()
    assert f"{len(fake_builders)}/{len(fake_builders)}" in shown  # the bar reached its end
    assert "test_plan" in shown  # the running builder's name
