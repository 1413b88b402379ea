"""A user's finance file (``--finance``, scenario ``finance_file``) over the packaged defaults.

Each row replaces the keys it gives in the packaged row of its name and must cite its sources;
the TCO follows the value, the report shows the user's sources, and the file is a hashed input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import RunCli, default_inputs
from rackwright.finance.stage import TCO
from rackwright.plan import InputRequest, prepare, run_only
from rackwright.scenario import default_scenario_text
from test_bad_input import assert_one_line_error

OWN_SOURCE = '[[source]]\nid = "Q90"\nkind = "assumption"\ntitle = "Our treasury\'s hurdle rate"\n'
HURDLE = '[[assumption]]\nname = "cost_of_capital"\nvalue = 0.12\nsources = ["Q90"]\n'


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _tco_per_rack_year(request: InputRequest) -> dict[str, float]:
    study = run_only(prepare(request), TCO.key).result(TCO).study
    return {r.rack: r.tco_usd_per_rack_year for r in study.racks}


def test_a_higher_cost_of_capital_raises_every_racks_tco_and_cites_the_users_source(
    tmp_path: Path,
) -> None:
    catalog = _write(tmp_path, "sources.toml", OWN_SOURCE)
    finance = _write(tmp_path, "finance.toml", HURDLE)
    request = InputRequest(catalog=(catalog,), finance=finance)
    inputs = prepare(request)
    terms = inputs.finance.assumptions
    assert terms.cost_of_capital == pytest.approx(0.12)
    assert terms.sources_of("cost_of_capital") == ("Q90",)
    # rows the file does not name keep the packaged value, sources and sweep range
    packaged = default_inputs().finance
    assert terms.rack_life_years == packaged.assumptions.rack_life_years
    assert terms.sources_of("rack_life_years") == packaged.assumptions.sources_of("rack_life_years")
    assert inputs.finance.range_of("cost_of_capital") == packaged.range_of("cost_of_capital")
    before = _tco_per_rack_year(InputRequest(catalog=(catalog,)))
    after = _tco_per_rack_year(request)
    assert before.keys() == after.keys() and before
    assert all(after[rack] > before[rack] for rack in before)
    assert any(f.role == "finance" for f in inputs.digest.files)
    unchanged = prepare(InputRequest(catalog=(catalog,)))
    assert inputs.digest.content_hash != unchanged.digest.content_hash


def test_a_sweep_range_can_be_narrowed_without_touching_the_value(tmp_path: Path) -> None:
    text = '[[assumption]]\nname = "utilisation"\nlow = 0.8\nhigh = 0.9\nsources = ["A75"]\n'
    finance = prepare(InputRequest(finance=_write(tmp_path, "f.toml", text))).finance
    swept = finance.range_of("utilisation")
    assert swept is not None and (swept.low, swept.high) == (0.8, 0.9)
    assert finance.assumptions.utilisation == default_inputs().finance.assumptions.utilisation


def test_the_scenarios_finance_file_reaches_the_plan_and_the_command_line_wins(
    cli: RunCli, tmp_path: Path
) -> None:
    _write(tmp_path, "sources.toml", OWN_SOURCE)
    _write(tmp_path, "finance.toml", HURDLE)
    text = default_scenario_text().replace(
        "\ncatalog_files = []\n",
        '\ncatalog_files = ["sources.toml"]\nfinance_file = "finance.toml"\n',
        1,
    )
    assert 'finance_file = "finance.toml"' in text
    scenario = _write(tmp_path, "scenario.toml", text)
    low = _write(tmp_path, "low.toml", HURDLE.replace("0.12", "0.05"))

    def cost_of_capital(*extra: str | Path) -> Any:
        result = cli("tco", scenario, *extra, "--json")
        assert result.code == 0, result.err
        return json.loads(result.out)["assumptions"]["cost_of_capital"]

    assert cost_of_capital() == {"value": 0.12, "sources": ["Q90"]}
    assert cost_of_capital("--finance", low)["value"] == 0.05


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[[assumption]]\nname = "discount"\nvalue = 0.1\nsources = ["A70"]\n', "'discount'"),
        ('[[assumption]]\nname = "cost_of_capital"\nvalue = 0.1\n', "needs the sources"),
        ('[[assumption]]\nname = "cost_of_capital"\nvalue = 0.1\nsources = ["Z9"]\n', "'Z9'"),
        ('[[assumption]]\nname = "cost_of_capital"\nvalue = "high"\nsources = ["A70"]\n', "'high'"),
        ('[[assumption]]\nname = "utilisation"\nvalue = 1.5\nsources = ["A75"]\n', "1.5"),
        (
            '[[assumption]]\nname = "utilisation"\nlow = 0.9\nhigh = 0.8\nsources = ["A75"]\n',
            "low above high",
        ),
        ('[[assumption]]\nname = "utilisation"\nvalu = 0.9\nsources = ["A75"]\n', "'valu'"),
        ('[assumptions]\nname = "utilisation"\n', "'assumptions'"),
    ],
)
def test_a_bad_finance_file_is_one_line_naming_the_file(
    cli: RunCli, tmp_path: Path, text: str, words: str
) -> None:
    path = _write(tmp_path, "finance.toml", text)
    assert_one_line_error(cli("tco", "--finance", path), str(path), words)
    out = tmp_path / "out"
    assert_one_line_error(cli("plan", "--finance", path, "--out", out), str(path), words)
    assert not out.exists()
