"""``rackwright source`` on the default scenario, through the real CLI."""

from __future__ import annotations

import json

import pytest

from conftest import RunCli


def test_default_scenario_plan_meets_every_domestic_target(cli: RunCli) -> None:
    result = cli("source", "--dual-share", "0", "--time-limit", "10", "--gap", "1e-3", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["status"] in {"optimal", "time_limit"}
    costs = data["costs"]
    parts = ("price_usd", "tariff_usd", "freight_usd", "qualification_usd", "holding_usd")
    assert sum(costs[k] for k in parts) + costs["shortfall_penalty_usd"] == pytest.approx(
        costs["total_usd"]
    )
    assert costs["total_usd"] == pytest.approx(data["objective_usd"], rel=1e-6)
    assert costs["tariff_usd"] > 0  # imports from Taiwan and elsewhere pay duty
    floors = {p["period"]: p["floor"] for p in data["periods"]}
    assert floors["2026Q1"] == 0.20 and floors["2029Q4"] == 0.60  # the scenario's targets
    for period in data["periods"]:
        assert period["domestic_share"] >= period["floor"] - 1e-6


def test_default_dual_sourcing_is_infeasible_and_names_the_second_site(cli: RunCli) -> None:
    result = cli("source", "--domestic-floor", "0", "--time-limit", "10")
    assert result.code == 1
    assert "no sourcing plan: infeasible" in result.out
    # Amkor Peoria opens in 2028: it cannot take 20 % of a Blackwell-era part's units
    assert "Amkor Peoria" in result.out and "as a second source" in result.out
