"""``rackwright bom show`` and ``rackwright bom domestic`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import RunCli
from rackwright.bom import Policy, expand_bom, load_supply_data, rollup
from rackwright.catalog import load_catalog


def test_show_json_matches_the_engine(cli: RunCli) -> None:
    result = cli("bom", "show", "rw-gen1-gb300-nvl72", "--json", "--year", "2027")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    catalog = load_catalog()
    supply = load_supply_data(catalog)
    bom = expand_bom(catalog.rack("rw-gen1-gb300-nvl72"), catalog, supply)
    expected = rollup(bom, supply, year=2027, policy=Policy.CHEAPEST)
    assert data["total_cost_usd"] == pytest.approx(expected.total_cost_usd)
    assert sum(data["cost_by_subsystem_usd"].values()) == pytest.approx(data["total_cost_usd"])
    assert data["tree"]["extended_cost_usd"] == pytest.approx(data["total_cost_usd"])
    gpu = next(x for x in data["lines"] if x["part"] == "gpu-b300")
    assert gpu["qty_per_rack"] == 72 and gpu["country"] == "TW"


def test_show_tree_shows_quantity_cost_and_origin(cli: RunCli) -> None:
    result = cli("bom", "show", "ref-gb200-nvl72", "--tree")
    assert result.code == 0, result.err
    assert "asm-compute-board x2" in result.out
    assert "hbm3e-8h-24gb" in result.out and "KR (skhynix-icheon-kr)" in result.out
    assert "total $3,1" in result.out.replace("\n", " ")


def test_domestic_policy_moves_final_assembly_to_the_us(cli: RunCli) -> None:
    base = json.loads(cli("bom", "domestic", "ref-gb200-nvl72", "--year", "2027", "--json").out)
    best = json.loads(
        cli(
            "bom",
            "domestic",
            "ref-gb200-nvl72",
            "--year",
            "2027",
            "--policy",
            "domestic",
            "--json",
        ).out
    )
    assert base["final_assembly"]["countries"] != ["US"] and not base["passes"]
    assert best["final_assembly"] == {
        "required": True,
        "countries": ["US"],
        "domestic": True,
        "passes": True,
    }
    assert best["threshold"] == 0.65 and best["share"] > base["share"]
    assert best["top_foreign"][0]["part"] == "gpu-b200"  # the biggest loss before 2028


def test_domestic_with_user_rules(cli: RunCli, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[rules]\nname = "services-count"\ninclude_services = true\n'
        "thresholds = [{ from_year = 2020, share = 0.05 }]\n"
        "[rules.final_assembly]\nrequired = true\n",
        encoding="utf-8",
    )
    result = cli(
        "bom",
        "domestic",
        "ref-gb200-nvl72",
        "--rules",
        rules,
        "--year",
        "2027",
        "--policy",
        "domestic",
        "--json",
    )
    data = json.loads(result.out)
    assert data["rules"] == "services-count" and data["threshold"] == 0.05
    integration = next(s for s in data["by_subsystem"] if s["subsystem"] == "integration")
    assert integration["share"] == 1.0  # counted once services count
    text = cli("bom", "domestic", "ref-gb200-nvl72", "--rules", rules, "--year", "2027")
    assert "value test:" in text.out and "final assembly in" in text.out


def test_bad_rules_file_is_one_line(cli: RunCli, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[rules]\nname = "x"\ndomestic_countries = ["USA"]\n'
        "thresholds = [{ from_year = 2020, share = 0.5 }]\n",
        encoding="utf-8",
    )
    result = cli("bom", "domestic", "ref-gb200-nvl72", "--rules", rules)
    assert result.code == 2 and len(result.err_lines) == 1
    assert f"{rules}:3" in result.err_lines[0] and "'USA'" in result.err_lines[0]


def test_domestic_for_every_generation(cli: RunCli) -> None:
    result = cli("bom", "domestic", "--year", "2028", "--policy", "domestic", "--json")
    assert result.code == 0, result.err
    rows = {row["rack"]: row for row in json.loads(result.out)}
    assert set(rows) == {r.id for r in load_catalog().racks()}
    single = json.loads(
        cli(
            "bom",
            "domestic",
            "rw-gen2-vr-nvl144",
            "--year",
            "2028",
            "--policy",
            "domestic",
            "--json",
        ).out
    )
    assert rows["rw-gen2-vr-nvl144"]["share"] == pytest.approx(single["share"])
    text = cli("bom", "domestic", "--year", "2027").out
    assert "rw-gen3-kyber-nvl576" in text and "FAIL" in text


def test_offers_lists_every_origin_in_usd(cli: RunCli) -> None:
    data = json.loads(cli("bom", "offers", "psu-5.5kw", "--json").out)
    assert {o["country"] for o in data} == {"TW", "TH", "MX", "US"}
    us = next(o for o in data if o["country"] == "US")
    assert us["planned_site"] and us["first_year"] == 2027
    delta = next(o for o in data if o["site"] == "delta-tw")
    assert delta["quoted_currency"] == "TWD"
    assert delta["price_breaks"][0]["unit_cost_usd"] == pytest.approx(1650, rel=1e-4)
    result = cli("bom", "offers", "no-such-part")
    assert result.code == 2 and "'no-such-part'" in result.err_lines[0]
