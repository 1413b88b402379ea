"""Tariff tables and logistics: package data lookups and one-line errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunCli
from rackwright.errors import InputError
from rackwright.sourcing.tariffs import load_logistics, load_tariffs


def test_package_table_stacks_rates_by_country_and_heading() -> None:
    table = load_tariffs()
    current = table.policy("current")
    # Section 301 semiconductors (50 %) + fentanyl (10 %) from China; reciprocal excluded
    assert current.rate("CN", table.heading("gpu")) == pytest.approx(0.60)
    # Taiwan power supplies pay the 20 % reciprocal rate; Taiwan semiconductors are excluded
    assert current.rate("TW", table.heading("psu")) == pytest.approx(0.20)
    assert current.rate("TW", table.heading("gpu")) == 0.0
    assert current.rate("US", table.heading("psu")) == 0.0
    # a country the policy does not list pays its default rate
    assert current.rate("IN", "8504") == pytest.approx(current.default_rate)
    assert table.policy("pre-2025").rate("TW", "8504") == 0.0


def test_unknown_policy_lists_known_ones() -> None:
    with pytest.raises(InputError, match="unknown tariff policy 'nope'; known: current"):
        load_tariffs().policy("nope")


def test_freight_weights_destination_sites() -> None:
    logistics = load_logistics()
    # 10 kg from TW at 5.5 USD/kg; Houston factor 1.0, Lordstown 1.1, equal volume -> 1.05
    per_unit = logistics.freight_usd_per_unit(
        "TW", 10.0, {"foxconn-houston-tx": 1.0, "foxconn-lordstown-oh": 1.0}
    )
    assert per_unit == pytest.approx(5.5 * 10 * 1.05)
    assert logistics.qualification_usd("compute") > logistics.qualification_usd("mechanical")


POLICY = """
[classes]
psu = "8504"

[policy.mine]
default_rate = 0.1
[policy.mine.countries.TW]
default = 0.2
"""


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (POLICY.replace("countries.TW]", "countries.XX]"), 7, "unknown country code"),
        (POLICY.replace("default = 0.2", "default = -0.2"), 8, "must not be negative"),
        (POLICY.replace("default = 0.2", "default = 25"), 8, "write 25% as 0.25"),
        (POLICY.replace("default_rate = 0.1", "default_rate = 'x'"), 6, "must be a number"),
        (POLICY.replace("default_rate = 0.1", "rate = 0.1"), 6, "unknown key"),
    ],
)
def test_bad_tariff_files_name_line_and_value(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "tariffs.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        load_tariffs(path)
    assert caught.value.line == line
    assert caught.value.one_line().startswith(f"{path}:{line}")


def test_source_cli_bad_tariff_file_exits_2_on_one_line(cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "tariffs.toml"
    path.write_text(POLICY.replace("countries.TW]", "countries.XX]"), encoding="utf-8")
    result = cli("source", "--tariffs", path, "--policy", "mine")
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "unknown country code" in result.err and "XX" in result.err


def test_source_cli_rejects_floor_out_of_range(cli: RunCli) -> None:
    result = cli("source", "--domestic-floor", "1.5")
    assert result.code == 2
    assert "--domestic-floor must be a share between 0 and 1" in result.err
