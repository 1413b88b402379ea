"""Logistics terms, and the sourcing command's tariff options: package data and one-line errors.

The duty rules themselves are tested in tests/test_tariffs_*.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import RunCli
from rackwright.sourcing.tariffs import load_logistics


def test_freight_weights_destination_sites() -> None:
    logistics = load_logistics()
    # 10 kg from TW at 5.5 USD/kg; Houston factor 1.0, Lordstown 1.1, equal volume -> 1.05
    per_unit = logistics.freight_usd_per_unit(
        "TW", 10.0, {"foxconn-houston-tx": 1.0, "foxconn-lordstown-oh": 1.0}
    )
    assert per_unit == pytest.approx(5.5 * 10 * 1.05)
    assert logistics.qualification_usd("compute") > logistics.qualification_usd("mechanical")


RETIRED = """
[classes]
psu = "8504"

[policy.mine]
default_rate = 0.1
"""


def test_source_cli_refuses_the_retired_tariff_table_on_one_line(
    cli: RunCli, tmp_path: Path
) -> None:
    path = tmp_path / "tariffs.toml"
    path.write_text(RETIRED, encoding="utf-8")
    result = cli("source", "--tariffs", path, "--policy", "mine")
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "retired per-country tariff table" in result.err and f"{path}:2" in result.err


def test_source_cli_names_an_unknown_tariff_scenario(cli: RunCli) -> None:
    result = cli("source", "--policy", "nope")
    assert result.code == 2
    assert "unknown tariff scenario" in result.err and "'nope'" in result.err


def test_source_cli_rejects_floor_out_of_range(cli: RunCli) -> None:
    result = cli("source", "--domestic-floor", "1.5")
    assert result.code == 2
    assert "--domestic-floor must be a share between 0 and 1" in result.err
