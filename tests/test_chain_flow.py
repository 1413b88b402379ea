"""One source of truth per figure: a change in a user file flows to every figure downstream.

A planner overrides one BOM offer's price and one catalog component's power; the workloads'
cost, the generation comparison and the rack checks must all move, from one plan run.
"""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import tomlkit

from conftest import RunCli, default_inputs
from rackwright.bom.stage import BOM
from rackwright.chain import PlanInputs
from rackwright.explore.stage import WORKLOADS
from rackwright.finance import capital_recovery_factor
from rackwright.finance.stage import TCO
from rackwright.plan import InputRequest, prepare, run_only, run_plan
from rackwright.rack.generations import GENERATIONS
from rackwright.rack.stage import RACK
from rackwright.scenario import default_scenario_text

GEN1 = "rw-gen1-gb300-nvl72"
GPU_OFFER = "of-gpu-b300-tsmc-taiwan-cowos"
TRAY = "ct-gb300"


def _table(package: str, name: str, kind: str, entry_id: str) -> dict[str, Any]:
    text = resources.files(package).joinpath(name).read_text("utf-8")
    return next(t for t in tomllib.loads(text)[kind] if t["id"] == entry_id)


def _gpu_price() -> float:
    """The packaged GPU offer's single-unit price (USD)."""
    offer = _table("rackwright.bom.data", "compute.toml", "offer", GPU_OFFER)
    return float(offer["price_breaks"][0]["unit_price"])


def _override_files(tmp_path: Path) -> tuple[Path, Path]:
    offer = _table("rackwright.bom.data", "compute.toml", "offer", GPU_OFFER)
    offer["price_breaks"] = [{"min_qty": 1, "unit_price": 2 * _gpu_price()}]  # twice the price
    offer["override"] = True
    tray = _table("rackwright.catalog.data", "components.toml", "component", TRAY)
    tray["power_typical_w"] = "7.4 kW"  # +1.2 kW per tray: 18 trays, +21.6 kW per rack
    tray["power_max_w"] = "8.05 kW"
    tray["override"] = True
    bom_file, catalog_file = tmp_path / "bom.toml", tmp_path / "catalog.toml"
    bom_file.write_text(tomlkit.dumps({"offer": [offer]}), encoding="utf-8")
    catalog_file.write_text(tomlkit.dumps({"component": [tray]}), encoding="utf-8")
    return bom_file, catalog_file


def _figures(inputs: PlanInputs) -> dict[str, float]:
    run = run_plan(inputs, only=["workloads", "generations", "rack"]).run
    training = run.result(WORKLOADS).training
    gen1_train = next(o for o in training if o.rack == GEN1)
    assert gen1_train.choice is not None
    generation = next(f for f in run.result(GENERATIONS).figures if f.rack == GEN1)
    rack = run.result(RACK).report(GEN1)
    return {
        "bom_cost": run.result(BOM).price(GEN1).usd,
        "cost_per_gpu_hour": gen1_train.choice.cost_usd
        / (gen1_train.choice.gpus * gen1_train.choice.time_s / 3600),
        "generation_cost": generation.cost_usd,
        "usd_per_pflops": generation.usd_per_fp8_pflops or 0.0,
        "rack_power_max": rack.analysis.power_max_w,
        "busbar_use": rack.result("busbar_current").computed,
        "generation_power": generation.power_max_w,
    }


def test_a_part_price_and_a_component_power_move_every_figure(tmp_path: Path) -> None:
    before = _figures(default_inputs())
    bom_file, catalog_file = _override_files(tmp_path)
    changed = prepare(InputRequest(catalog=(catalog_file,), bom=(bom_file,)))
    after = _figures(changed)
    for name, value in before.items():
        assert after[name] > value, name  # dearer GPUs and hungrier trays raise all of them
    # 72 GPUs at twice the price: the BOM cost rises by about 72 x one GPU's price
    assert after["bom_cost"] - before["bom_cost"] == pytest.approx(72 * _gpu_price(), rel=0.1)
    assert after["rack_power_max"] - before["rack_power_max"] == pytest.approx(18 * 1_200)
    # one figure, one source: the comparison shows exactly what the rack and BOM stages found
    assert after["generation_cost"] == after["bom_cost"]
    assert after["generation_power"] == after["rack_power_max"]
    assert changed.digest.content_hash != default_inputs().digest.content_hash


def _tco(inputs: PlanInputs) -> tuple[float, float, float, float]:
    """(BOM price, TCO's rack capex, TCO per rack-year, USD per M served tokens) of gen 1."""
    run = run_only(inputs, TCO.key)
    tco = run.result(TCO).study
    serving = next(w for w in tco.workloads if w.rack == GEN1 and w.kind == "infer")
    rack = tco.rack(GEN1)
    return (
        run.result(BOM).price(GEN1).usd,
        rack.rack_capex_usd,
        rack.tco_usd_per_rack_year,
        serving.usd_per_million_tokens,
    )


def test_a_part_price_moves_the_tco_and_the_cost_of_work(tmp_path: Path) -> None:
    bom_before, capex_before, tco_before, token_before = _tco(default_inputs())
    bom_file, _ = _override_files(tmp_path)
    bom_after, capex_after, tco_after, token_after = _tco(prepare(InputRequest(bom=(bom_file,))))
    assert capex_before == bom_before and capex_after == bom_after  # the BOM's price, as is
    assert capex_after - capex_before == pytest.approx(72 * _gpu_price(), rel=0.1)
    assert tco_after > tco_before and token_after > token_before
    # the rack-year grows by the yearly charge on the dearer rack, its spares and maintenance
    a = default_inputs().finance.assumptions
    crf = capital_recovery_factor(a.cost_of_capital, a.rack_life_years)
    extra = capex_after - capex_before
    per_year = extra * (1 + a.spares_fraction) * crf + extra * a.maintenance_fraction_per_year
    assert tco_after - tco_before == pytest.approx(per_year, rel=1e-9)


def _scenario_file(tmp_path: Path, *, extra: str = "", replace: tuple[str, str] = ("", "")) -> Path:
    text = default_scenario_text()
    if replace[0]:
        assert text.count(replace[0]) == 1
        text = text.replace(*replace)
    text = text.replace("[scenario]\n", f"[scenario]\n{extra}", 1)
    path = tmp_path / f"s{len(list(tmp_path.iterdir()))}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_inputs_hash_follows_values_not_layout(tmp_path: Path) -> None:
    def digest(path: Path, seed: int | None = None) -> str:
        return prepare(InputRequest(scenario=path, seed=seed)).digest.content_hash

    base = digest(_scenario_file(tmp_path))
    assert digest(_scenario_file(tmp_path)) == base  # same inputs, same hash
    assert digest(_scenario_file(tmp_path, extra="# a note of mine\n")) == base
    faster = ("deadline_days = 90", "deadline_days = 80")
    assert digest(_scenario_file(tmp_path, replace=faster)) != base
    assert digest(_scenario_file(tmp_path), seed=7) != base
    assert base == default_inputs().digest.content_hash  # the embedded default is the same plan


def test_files_named_in_the_scenario_reach_the_plan_and_the_command_line_wins(
    tmp_path: Path,
) -> None:
    preset = resources.files("rackwright.bom.data").joinpath("rules_baa.toml").read_text("utf-8")
    mine = tmp_path / "my-rules.toml"
    mine.write_text(preset.replace('name = "buy-american-far-25.101"', 'name = "mine"'), "utf-8")
    theirs = tmp_path / "their-rules.toml"
    theirs.write_text(
        preset.replace('name = "buy-american-far-25.101"', 'name = "theirs"'), "utf-8"
    )
    path = _scenario_file(tmp_path, extra='rules_file = "my-rules.toml"\nseed = 11\n')
    inputs = prepare(InputRequest(scenario=path))
    assert inputs.rules.name == "mine"
    assert inputs.settings.seed == 11
    assert [f.name for f in inputs.digest.files if f.role == "rules"] == [str(mine)]
    assert run_plan(inputs, only=["bom"]).run.result(BOM).rules.name == "mine"
    overridden = prepare(InputRequest(scenario=path, rules=theirs, seed=3))
    assert overridden.rules.name == "theirs" and overridden.settings.seed == 3


def test_bom_domestic_with_the_plans_sites_reports_the_plans_figure(cli: RunCli) -> None:
    inputs = default_inputs()
    generation = run_plan(inputs, only=["bom"]).run.result(BOM).generation(GEN1)
    assert generation is not None
    sites = [arg for s in inputs.scenario.sites for arg in ("--site", s.site)]
    rate = str(generation.racks_per_quarter)
    result = cli(
        "bom", "domestic", GEN1, "--year", str(generation.year), "--racks-per-quarter", rate,
        *sites, "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    shown = json.loads(result.out)
    plan = generation.baseline_domestic
    assert shown["share"] == pytest.approx(plan.share)
    assert shown["final_assembly"]["countries"] == list(plan.final_assembly_countries) == ["US"]
    # without the plan's sites the cheapest integration offer anywhere decides, and it says so
    alone = cli("bom", "domestic", GEN1, "--year", str(generation.year))
    assert "integrates at the scenario's own sites" in alone.out


def test_sourcing_rules_named_in_the_scenario_reach_the_plan_and_a_bad_one_stops_it(
    tmp_path: Path, cli: RunCli
) -> None:
    preset = resources.files("rackwright.sourcing.data").joinpath("policy.toml").read_text("utf-8")
    (tmp_path / "policy.toml").write_text(preset.replace("min_share = 0.2", "min_share = 0.3"))
    path = _scenario_file(tmp_path, extra='sourcing_rules_file = "policy.toml"\n')
    inputs = prepare(InputRequest(scenario=path))
    assert inputs.sourcing_rules.dual_source_min_share == 0.3
    assert "sourcing_rules" in [f.role for f in inputs.digest.files]
    plain = prepare(InputRequest(scenario=_scenario_file(tmp_path)))
    assert inputs.digest.content_hash != plain.digest.content_hash
    bad = tmp_path / "bad.toml"
    bad.write_text(preset.replace("min_share = 0.2", "min_share = 2"))
    result = cli("plan", "--sourcing-rules", bad, "--out", tmp_path / "out")
    assert result.code == 2
    assert "bad.toml" in result.err and len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
