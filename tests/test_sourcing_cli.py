"""``rackwright source`` on the default scenario, through the real CLI."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import RunCli


def test_default_scenario_has_a_proven_plan_meeting_every_domestic_target(cli: RunCli) -> None:
    result = cli("source", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["status"] == "optimal" and data["stopped_by"] == "gap reached"
    costs = data["costs"]
    parts = ("price_usd", "tariff_usd", "freight_usd", "qualification_usd", "holding_usd")
    assert sum(costs[k] for k in parts) + costs["shortfall_penalty_usd"] == pytest.approx(
        costs["total_usd"]
    )
    assert costs["total_usd"] == pytest.approx(data["objective_usd"], rel=1e-6)
    assert costs["tariff_usd"] > 0  # imports from Taiwan and elsewhere pay duty
    # the plan states how far from the cheapest it may be, and that is within the target
    assert data["bound_usd"] <= data["objective_usd"]
    assert data["gap_usd"] == pytest.approx(data["objective_usd"] - data["bound_usd"])
    assert data["mip_gap"] <= data["target_gap"] == 1e-4
    floors = {p["period"]: p["floor"] for p in data["periods"]}
    assert floors["2026Q1"] == 0.20 and floors["2029Q4"] == 0.60  # the scenario's targets
    for period in data["periods"]:
        assert period["domestic_share"] >= period["floor"] - 1e-6


def test_dual_source_rule_waits_for_the_second_site_and_says_so(cli: RunCli) -> None:
    data = json.loads(cli("source", "--json").out)
    rule = {d["part_id"]: d for d in data["dual_source"]}
    # Amkor Peoria opens in 2028; Blackwell-era GPUs are built only in 2026-2027
    assert not rule["gpu-b300"]["applies"]
    assert "open only from 2028Q1" in rule["gpu-b300"]["reason"]
    rubin = rule["gpu-rubin"]
    assert rubin["applies"] and rubin["quarters"][0] == "2028Q1"
    assert len(rubin["shares"]) >= 2 and all(s["share"] >= 0.2 - 1e-6 for s in rubin["shares"])
    assert any("Dual-source rule" in note for note in data["policy_notes"])


def test_whole_horizon_rule_is_infeasible_and_names_what_relaxes_it(
    cli: RunCli, tmp_path: Path
) -> None:
    rules = tmp_path / "policy.toml"
    rules.write_text('[dual_source]\nmin_sites = 2\nmin_share = 0.2\napplies = "whole-horizon"\n')
    result = cli("source", "--sourcing-rules", rules, "--domestic-floor", "0")
    assert result.code == 1
    assert "no sourcing plan: infeasible" in result.out
    assert "Amkor Peoria" in result.out and "as a second source" in result.out
    assert "relax: lower --dual-share" in result.out


def test_unreachable_floor_names_its_options_and_soft_floor_prices_the_shortfall(
    cli: RunCli,
) -> None:
    hard = cli("source", "--domestic-floor", "0.95")
    assert hard.code == 1
    assert "domestic floor 95%" in hard.out
    assert "--soft-floor" in hard.out and "[[domestic_target]]" in hard.out
    soft = cli("source", "--domestic-floor", "0.95", "--soft-floor", "--json")
    assert soft.code == 0, soft.err
    data = json.loads(soft.out)
    assert data["costs"]["shortfall_penalty_usd"] > 0
    assert any(p["shortfall_share"] > 0 for p in data["periods"])


def test_same_inputs_give_the_same_plan(cli: RunCli) -> None:
    first = json.loads(cli("source", "--json").out)
    second = json.loads(cli("source", "--json").out)
    for key in ("objective_usd", "bound_usd", "mip_gap", "orders", "proof_steps"):
        assert first[key] == second[key]


def test_a_tariff_policy_scenario_is_sourced_under_its_own_duties(cli: RunCli) -> None:
    """``semis-232-phase2`` puts 25 % on chips and computers from 2027-07-01 (Taiwan 15 %): the
    plan sourced under it pays more duty and costs more than the one under today's rules, and
    says which policy it was sourced under."""
    today = json.loads(cli("source", "--json").out)
    result = cli("source", "--policy", "semis-232-phase2", "--json")
    assert result.code == 0, result.err
    phase2 = json.loads(result.out)
    assert (today["policy"], phase2["policy"]) == ("current", "semis-232-phase2")
    assert phase2["costs"]["tariff_usd"] > today["costs"]["tariff_usd"] + 1e9
    assert phase2["bound_usd"] > today["objective_usd"]  # provably dearer, not just this plan


@pytest.mark.parametrize(
    ("option", "value"),
    [("--gap", "2"), ("--dual-sites", "0"), ("--max-nodes", "0"), ("--time-limit", "-1")],
)
def test_bad_solver_options_name_the_option(cli: RunCli, option: str, value: str) -> None:
    result = cli("source", option, value)
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert option.lstrip("-") in result.err and value in result.err


def test_ctrl_c_during_the_search_stops_at_once_with_nothing_written() -> None:
    # --gap 0 sends the search on to a long branch and bound; Ctrl-C must end it promptly
    script = (
        "import sys; from rackwright.cli.app import main; "
        "main(['source', '--gap', '0', '--max-nodes', '1000000', '--json'])"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    time.sleep(8.0)
    assert proc.poll() is None, "the search ended before it could be interrupted"
    sent = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert time.perf_counter() - sent < 3.0
    assert out == b""
