"""Every kind of bad input gives one line naming file, line, field and value; exit 2; no files.

Each case runs the real CLI (``rackwright.cli.app.main``) the way a user would.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BASE_SCENARIO, FIXTURE_CATALOG, CliResult, RunCli, edit, line_of
from rackwright.catalog import load_catalog

WriteScenario = Callable[[str], Path]


def assert_one_line_error(result: CliResult, *parts: str) -> str:
    """Exit 2, exactly one stderr line, no traceback, and every part in that line."""
    assert result.code == 2, (result.code, result.err)
    assert "Traceback" not in result.err
    assert len(result.err_lines) == 1, result.err
    line = result.err_lines[0]
    assert line.startswith("error: ")
    for part in parts:
        assert part in line, f"{part!r} not in {line!r}"
    return line


def validate(cli: RunCli, path: Path, *extra: str | Path) -> CliResult:
    return cli("scenario", "validate", path, *extra)


def test_the_base_scenario_is_valid(cli: RunCli, write_scenario: WriteScenario) -> None:
    # Guards every case below: each breaks exactly one thing in this otherwise valid file.
    result = validate(cli, write_scenario(BASE_SCENARIO))
    assert result.code == 0, result.err
    assert result.err == ""


def test_malformed_toml_names_the_line(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, 'model = "gpt-oss-120b"', 'model = "gpt-oss-120b')
    path = write_scenario(text)
    line = line_of(text, 'model = "gpt-oss-120b')
    assert_one_line_error(validate(cli, path), f"{path}:{line}", "malformed TOML")


def test_unknown_key(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, "deadline_days = 60", "deadline_days = 60\ndeadlne = 30")
    path = write_scenario(text)
    assert_one_line_error(
        validate(cli, path),
        f"{path}:{line_of(text, 'deadlne')}",
        "field 'workload[0].deadlne'",
        "unknown key",
        "30",
    )


def test_unknown_section(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = BASE_SCENARIO + '\n[[workloads]]\nid = "x"\n'
    path = write_scenario(text)
    assert_one_line_error(
        validate(cli, path), f"{path}:{line_of(text, '[[workloads]]')}", "unknown section"
    )


def test_missing_field(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, 'model = "deepseek-v3"\n', "")
    path = write_scenario(text)
    line = assert_one_line_error(
        validate(cli, path), str(path), "field 'workload[0].model'", "missing required field"
    )
    # the line points at the [[workload]] table that lacks it
    assert f"{path}:{line_of(text, '[[workload]]')}" in line


def test_wrong_type(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, "isl = 1024", 'isl = "long"')
    path = write_scenario(text)
    assert_one_line_error(
        validate(cli, path),
        f"{path}:{line_of(text, 'isl =')}",
        "field 'workload[1].isl'",
        "integer",
        "'long'",
    )


def test_negative_where_positive_is_required(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, "racks_per_week = 20", "racks_per_week = -20")
    path = write_scenario(text)
    assert_one_line_error(
        validate(cli, path),
        f"{path}:{line_of(text, 'racks_per_week = -20')}",
        "field 'site[1].racks_per_week'",
        "greater than 0",
        "-20",
    )


def test_zero_where_positive_is_required(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, "racks = 250", "racks = 0")
    path = write_scenario(text)
    assert_one_line_error(
        validate(cli, path),
        f"{path}:{line_of(text, 'racks = 0')}",
        "field 'build[1].racks'",
        "greater than 0",
        "(got 0)",
    )


def test_negative_quantity_with_a_unit(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, 'tokens = "10 Ttok"', 'tokens = "-10 Ttok"')
    path = write_scenario(text)
    assert_one_line_error(
        validate(cli, path),
        f"{path}:{line_of(text, '-10 Ttok')}",
        "field 'workload[0].tokens'",
        "greater than 0",
    )


def test_unknown_unit(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, 'ttft_limit_s = "2 s"', 'ttft_limit_s = "12 furlongs"')
    path = write_scenario(text)
    line = assert_one_line_error(
        validate(cli, path),
        f"{path}:{line_of(text, 'furlongs')}",
        "field 'workload[1].ttft_limit_s'",
        "unknown unit 'furlongs'",
        "'12 furlongs'",
    )
    assert "ms" in line  # the message lists the units that would work


def test_quantity_of_the_wrong_dimension(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, 'tpot_limit_s = "50 ms"', 'tpot_limit_s = "50 kW"')
    path = write_scenario(text)
    assert_one_line_error(
        validate(cli, path),
        f"{path}:{line_of(text, '50 kW')}",
        "field 'workload[1].tpot_limit_s'",
        "unknown unit 'kW'",
    )


def test_unknown_facility_id(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, 'facility = "test-fac"', 'facility = "us-atlantis"')
    path = write_scenario(text)
    assert_one_line_error(
        validate(cli, path),
        f"{path}:{line_of(text, 'us-atlantis')}",
        "field 'scenario.facility'",
        "unknown facility id 'us-atlantis'",
    )


def test_unknown_site_id(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, 'site = "test-site-b"', 'site = "test-site-z"')
    path = write_scenario(text)
    line = assert_one_line_error(
        validate(cli, path),
        f"{path}:{line_of(text, 'test-site-z')}",
        "field 'site[1].site'",
        "unknown site id 'test-site-z'",
    )
    assert "test-site-a" in line  # the known ids are listed


def test_unknown_rack_id(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = BASE_SCENARIO.replace("test-rack", "rw-gen9-warp")
    path = write_scenario(text)
    assert_one_line_error(
        validate(cli, path),
        f"{path}:{line_of(text, 'rw-gen9-warp')}",
        "field 'generation[0].rack'",
        "unknown rack id 'rw-gen9-warp'",
    )


def test_build_of_a_rack_that_is_not_a_generation(
    cli: RunCli, write_scenario: WriteScenario
) -> None:
    text = edit(
        BASE_SCENARIO, 'rack = "test-rack"\nperiod = "2027Q1"', 'rack = "other"\nperiod = "2027Q1"'
    )
    path = write_scenario(text)
    other = line_of(text, 'rack = "other"')
    assert_one_line_error(
        validate(cli, path),
        f"{path}:{other}",
        "field 'build[1].rack'",
        "not a scenario [[generation]]",
    )


def test_duplicate_workload_id(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, 'id = "serve"', 'id = "pretrain"')
    path = write_scenario(text)
    # the second occurrence is the one reported
    second = [n for n, s in enumerate(text.splitlines(), 1) if s == 'id = "pretrain"'][1]
    assert_one_line_error(
        validate(cli, path),
        f"{path}:{second}",
        "field 'workload[1].id'",
        "duplicate workload id 'pretrain'",
    )


def test_duplicate_id_in_a_user_catalog_file(
    cli: RunCli, write_scenario: WriteScenario, scenario_dir: Path
) -> None:
    extra = scenario_dir / "mine.toml"
    block = FIXTURE_CATALOG.split("[[site]]")[0]  # the facility entry
    extra.write_text(block.replace("test-fac", "my-fac") * 2, encoding="utf-8")
    path = write_scenario(BASE_SCENARIO)
    second = [n for n, s in enumerate(extra.read_text().splitlines(), 1) if "my-fac" in s][1]
    assert_one_line_error(validate(cli, path, "--catalog", extra), f"{extra}:{second}", "'my-fac'")


def test_clashing_catalog_override_names_both_files(
    cli: RunCli, write_scenario: WriteScenario, scenario_dir: Path
) -> None:
    block = FIXTURE_CATALOG.split("[[site]]")[0].replace("test-fac", "my-fac")
    first, second = scenario_dir / "first.toml", scenario_dir / "second.toml"
    first.write_text(block, encoding="utf-8")
    second.write_text(block.replace("pue_ratio = 1.2", "pue_ratio = 1.4"), encoding="utf-8")
    path = write_scenario(BASE_SCENARIO)
    assert_one_line_error(
        validate(cli, path, "--catalog", first, "--catalog", second),
        str(first),
        str(second),
        "'my-fac'",
        "override = true",
    )
    # with override = true on the second entry it replaces the first
    second.write_text(
        block.replace("pue_ratio = 1.2", "pue_ratio = 1.4\noverride = true"), encoding="utf-8"
    )
    catalog = load_catalog([first, second])
    assert catalog.facility("my-fac").pue_ratio == pytest.approx(1.4)


def test_empty_scenario(cli: RunCli, write_scenario: WriteScenario) -> None:
    path = write_scenario("# nothing here yet\n")
    assert_one_line_error(validate(cli, path), str(path), "scenario is empty")


def test_missing_file(cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    assert_one_line_error(validate(cli, path), str(path), "file not found")
    assert_one_line_error(cli("plan", path, "--out", tmp_path / "out"), "file not found")
    assert not (tmp_path / "out").exists()


def test_directory_instead_of_a_file(cli: RunCli, tmp_path: Path) -> None:
    assert_one_line_error(validate(cli, tmp_path), str(tmp_path), "cannot read file")


def test_file_that_is_not_utf8(cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[scenario]\nname = "Fábrica"\n'.encode("latin-1"))
    assert_one_line_error(validate(cli, path), str(path), "not UTF-8")


def test_bad_period(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, 'period = "2027Q1"', 'period = "2027Q5"')
    path = write_scenario(text)
    assert_one_line_error(
        validate(cli, path),
        f"{path}:{line_of(text, '2027Q5')}",
        "field 'build[1].period'",
        "'2027Q5'",
        "quarter",
    )


def test_build_outside_the_horizon(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, 'period = "2027Q1"', 'period = "2031Q1"')
    path = write_scenario(text)
    assert_one_line_error(
        validate(cli, path),
        f"{path}:{line_of(text, '2031Q1')}",
        "field 'build[1].period'",
        "outside the horizon 2026-2028",
    )


def test_horizon_end_before_start(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, "end_year = 2028", "end_year = 2025")
    path = write_scenario(text)
    assert_one_line_error(
        validate(cli, path),
        f"{path}:{line_of(text, 'end_year = 2025')}",
        "field 'scenario.horizon.end_year'",
        "before start_year 2026",
        "2025",
    )


def test_refuses_to_overwrite_without_force(cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text("# my edits\n", encoding="utf-8")
    assert_one_line_error(cli("scenario", "init", path), str(path), "--force")
    assert path.read_text(encoding="utf-8") == "# my edits\n"


def test_output_path_that_is_a_file(
    cli: RunCli, write_scenario: WriteScenario, tmp_path: Path
) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a directory\n", encoding="utf-8")
    result = cli("plan", write_scenario(BASE_SCENARIO), "--out", blocker)
    assert_one_line_error(result, str(blocker), "not a directory")
    assert blocker.read_text(encoding="utf-8") == "not a directory\n"
    result = cli("plan", write_scenario(BASE_SCENARIO), "--out", blocker / "sub")
    assert_one_line_error(result, str(blocker / "sub"), "cannot create output directory")


def test_output_blocked_for_one_report_leaves_no_partial_report(
    cli: RunCli, write_scenario: WriteScenario, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / "report.html").mkdir(parents=True)
    result = cli("plan", write_scenario(BASE_SCENARIO), "--out", out)
    assert_one_line_error(result, str(out / "report.html"), "in the way")
    assert [p.name for p in out.iterdir()] == ["report.html"]  # still just the directory
    assert list((out / "report.html").iterdir()) == []


def test_unknown_workload_kind(cli: RunCli, write_scenario: WriteScenario) -> None:
    text = edit(BASE_SCENARIO, 'kind = "infer"', 'kind = "serve"')
    path = write_scenario(text)
    bad_line = line_of(text, 'kind = "serve"')
    assert_one_line_error(
        validate(cli, path),
        f"{path}:{bad_line}",
        "field 'workload[1].kind'",
        "'train' or 'infer'",
        "(got 'serve')",
    )


def test_scenario_without_workloads(cli: RunCli, write_scenario: WriteScenario) -> None:
    start = BASE_SCENARIO.index("[[workload]]")
    end = BASE_SCENARIO.index("[[generation]]")
    path = write_scenario(BASE_SCENARIO[:start] + BASE_SCENARIO[end:])
    assert_one_line_error(
        validate(cli, path), str(path), "field 'workload'", "at least one [[workload]]"
    )


def test_user_catalog_file_problems(
    cli: RunCli, write_scenario: WriteScenario, scenario_dir: Path
) -> None:
    path = write_scenario(BASE_SCENARIO)
    missing = scenario_dir / "absent.toml"
    assert_one_line_error(validate(cli, path, "--catalog", missing), str(missing), "not found")
    facility = FIXTURE_CATALOG.split("[[site]]")[0].replace("test-fac", "my-fac")
    mine = scenario_dir / "mine.toml"
    broken = edit(facility, 'region = "US-TX"', 'region = "US-TX')
    mine.write_text(broken, encoding="utf-8")
    assert_one_line_error(
        validate(cli, path, "--catalog", mine), f"{mine}:{line_of(broken, 'region')}", "TOML"
    )
    bad_unit = edit(facility, '"11.7 USD/W"', '"11.7 furlongs"')
    mine.write_text(bad_unit, encoding="utf-8")
    assert_one_line_error(
        validate(cli, path, "--catalog", mine),
        f"{mine}:{line_of(bad_unit, 'furlongs')}",
        "build_cost_usd_per_w",
        "unknown unit 'furlongs'",
    )
