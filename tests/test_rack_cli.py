"""`rackwright rack list` and `rackwright rack check` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import RunCli
from rackwright.cli.app import app, main

runner = CliRunner()


def test_check_one_rack_as_json_has_every_rule_with_figures() -> None:
    result = runner.invoke(app, ["rack", "check", "ref-gb200-nvl72", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rack"] == "ref-gb200-nvl72"
    rules = {r["rule"]: r for r in data["results"]}
    assert rules["nvlink_spine"]["computed"] == 5184
    assert rules["power_shelves"]["status"] == "pass"
    assert rules["busbar_current"]["unit"] == "A"
    assert data["analysis"]["power_max_w"] > 120_000


def test_check_prints_a_table_and_summary_line() -> None:
    result = runner.invoke(app, ["rack", "check", "rw-gen1-gb300-nvl72"])
    assert result.exit_code == 0, result.output
    assert "Busbar current" in result.stdout
    assert "rw-gen1-gb300-nvl72: " in result.stdout and " fail" in result.stdout


def test_check_exits_zero_when_a_rule_fails(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(
        """
[[rack]]
id = "broken-nvl72"
name = "Too few shelves"
generation = 9
status = "future"
year_available = 2027
system = "gb200-nvl72"
components = [
  { component = "ct-gb200", qty = 18 },
  { component = "st-nvlink5", qty = 9 },
  { component = "ps-33kw-nvl72", qty = 3 },
  { component = "psu-5.5kw", qty = 18 },
  { component = "bb-nvl72-50v", qty = 1 },
  { component = "mf-nvl72", qty = 1 },
]
cdu = "cdu-inrow-1500kw"
air_cooling_capacity_w = "30 kW"
price_usd = 3_000_000
sources = ["S29"]
confidence = "E"
""",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rack", "check", "broken-nvl72", "-c", str(broken), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    status = {r["rule"]: r["status"] for r in data["results"]}
    assert status["power_shelves"] == "fail"
    assert data["worst"] == "fail"


def test_check_scenario_covers_every_generation_of_the_default() -> None:
    result = runner.invoke(app, ["rack", "check", "--scenario", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["rack"] for r in data["racks"]] == [
        "rw-gen1-gb300-nvl72",
        "rw-gen2-vr-nvl144",
        "rw-gen3-kyber-nvl576",
    ]


def test_list_shows_every_rack() -> None:
    result = runner.invoke(app, ["rack", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["id"] for r in rows} >= {"ref-gb200-nvl72", "rw-gen3-kyber-nvl576"}
    gen3 = next(r for r in rows if r["id"] == "rw-gen3-kyber-nvl576")
    assert gen3["generation"] == 3


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["rack", "check", "no-such-rack"], "unknown rack id 'no-such-rack'"),
        (["rack", "check"], "give a RACK_ID"),
        (["rack", "check", "--scenario", "missing.toml"], "missing.toml"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_part_missing_its_rating_names_the_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parts = tmp_path / "bar.toml"
    parts.write_text(
        """
[[component]]
id = "bb-nvl72-50v"
override = true
name = "busbar without a voltage"
component_kind = "busbar"
current_rating_a = "3000 A"
sources = ["S35"]
confidence = "E"
notes = "test"
""",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as exit_info:
        main(["rack", "check", "ref-gb200-nvl72", "-c", str(parts)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "bar.toml" in err and "voltage_v" in err and "bb-nvl72-50v" in err


def test_rack_list_never_cuts_a_value_short(cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from rackwright.cli import rack_cmd

    for width in (80, 160):
        screen = io.StringIO()
        terminal = Console(file=screen, force_terminal=True, width=width, color_system=None)
        monkeypatch.setattr(rack_cmd, "console", terminal)
        assert cli("rack", "list").code == 0
        shown = screen.getvalue()
        assert "…" not in shown  # no ellipsis anywhere: every figure is whole
        assert "rw-gen3-kyber-nvl576" in shown and "599.9" in shown
        assert ("production" in shown) == (width >= rack_cmd.NARROW_COLUMNS)
