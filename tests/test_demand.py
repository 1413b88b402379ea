"""Demand -> racks -> MW: round trips, monotone in demand, mix rule, and bad input."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import RunCli, edit
from rackwright.catalog import load_catalog
from rackwright.demand import (
    DemandInputs,
    GenerationProfile,
    GrowthCase,
    MixRule,
    WorkloadStart,
    mix_shares,
    project,
)
from rackwright.errors import InputError
from rackwright.rack import analyze
from rackwright.scenario import default_scenario_text

PERIODS = tuple(f"{y}Q{q}" for y in range(2026, 2030) for q in range(1, 5))


def _gen(
    rack: str, year: int, rate: float, gpus: int = 72, power: float = 130e3
) -> GenerationProfile:
    return GenerationProfile(rack, year, gpus, power, (("train", rate), ("serve", rate * 8)))


def _inputs(
    gens: tuple[GenerationProfile, ...],
    start: float = 1e6,
    growth: float = 2.0,
    mix: MixRule = MixRule.RAMP,
    life: int = 24,
) -> DemandInputs:
    return DemandInputs(
        periods=PERIODS,
        workloads=(WorkloadStart("train", "train", start), WorkloadStart("serve", "infer", start)),
        generations=gens,
        cases=(GrowthCase("case", growth, growth),),
        mix=mix,
        ramp_quarters=4,
        service_life_quarters=life,
        pue_ratio=1.2,
    )


generations = st.lists(
    st.tuples(st.integers(2026, 2029), st.floats(100.0, 20_000.0), st.sampled_from([72, 144])),
    min_size=1,
    max_size=3,
).map(lambda xs: tuple(_gen(f"g{i}", y, r, n) for i, (y, r, n) in enumerate(xs)))


@settings(max_examples=60, deadline=None)
@given(
    gens=generations,
    start=st.floats(1e4, 1e8),
    growth=st.floats(-1.0, 5.0),
    mix=st.sampled_from(list(MixRule)),
    life=st.integers(2, 24),
)
def test_doubling_demand_never_lowers_the_racks_needed(
    gens: tuple[GenerationProfile, ...], start: float, growth: float, mix: MixRule, life: int
) -> None:
    base = project(_inputs(gens, start, growth, mix, life)).cases[0]
    double = project(_inputs(gens, 2 * start, growth, mix, life)).cases[0]
    for period in PERIODS:
        assert double.total(period, "racks_installed") >= base.total(period, "racks_installed")
    assert sum(n for *_, n in double.builds()) >= sum(n for *_, n in base.builds())


@settings(max_examples=40, deadline=None)
@given(gens=generations, start=st.floats(1e4, 1e8), growth=st.floats(-1.0, 5.0))
def test_installed_racks_meet_demand_once_a_generation_exists(
    gens: tuple[GenerationProfile, ...], start: float, growth: float
) -> None:
    case = project(_inputs(gens, start, growth)).cases[0]
    first = min(g.first_year for g in gens)
    for row in case.workloads:
        if int(row.period[:4]) >= first:
            assert row.unmet_tokens_per_s == 0
            assert row.capacity_tokens_per_s >= row.demand_tokens_per_s * (1 - 1e-12)


def test_megawatts_are_racks_times_rack_power_times_pue() -> None:
    gens = (_gen("a", 2026, 1000.0, power=126_362.0), _gen("b", 2027, 5000.0, 144, 527_568.0))
    case = project(_inputs(gens)).cases[0]
    power = {g.rack: g.power_typical_w for g in gens}
    per_rack = {g.rack: g.gpus_per_rack for g in gens}
    for row in case.generations:
        assert row.power_mw == pytest.approx(row.racks_installed * power[row.rack] * 1.2 / 1e6)
        assert row.gpus == row.racks_installed * per_rack[row.rack]


def test_newest_rule_builds_only_the_newest_generation() -> None:
    gens = (_gen("old", 2026, 1000.0), _gen("new", 2027, 3000.0))
    case = project(_inputs(gens, mix=MixRule.NEWEST)).cases[0]
    assert all(rack == "new" for rack, period, _ in case.builds() if period >= "2027Q1")


def test_ramp_rule_shares_new_racks_while_two_generations_overlap() -> None:
    old, new = _gen("old", 2026, 1000.0), _gen("new", 2027, 3000.0)
    first = {"old": 0, "new": 4}
    shares = [
        dict((g.rack, s) for g, s in mix_shares([old, new], q, first, MixRule.RAMP, 4))
        for q in range(4, 9)
    ]
    assert [s["new"] for s in shares] == [0.25, 0.5, 0.75, 1.0, 1.0]
    assert [s.get("old", 0.0) for s in shares] == [0.75, 0.5, 0.25, 0.0, 0.0]


def test_racks_retire_at_the_end_of_their_service_life() -> None:
    case = project(_inputs((_gen("a", 2026, 1000.0),), growth=0.0, life=4)).cases[0]
    built_first = next(g.racks_built for g in case.generations if g.period == "2026Q1")
    retired = next(g.racks_retired for g in case.generations if g.period == "2027Q1")
    assert retired == built_first > 0
    rebuilt = next(g.racks_built for g in case.generations if g.period == "2027Q1")
    assert rebuilt == built_first  # flat demand: the retired racks are replaced


def test_growth_below_minus_100_percent_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        GrowthCase("bad", -1.5, 0.0)
    assert caught.value.field == "bad.training_compute_growth_per_year"


def test_demand_cli_round_trips_racks_to_mw(cli: RunCli) -> None:
    result = cli("demand", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    catalog = load_catalog()
    pue = catalog.facility("us-tx").pue_ratio
    power = {
        r: analyze(catalog.rack(r), catalog).power_typical_w
        for r in ("rw-gen1-gb300-nvl72", "rw-gen2-vr-nvl144", "rw-gen3-kyber-nvl576")
    }
    assert {c["case"]["name"] for c in data["cases"]} == {"low", "base", "high"}
    for case in data["cases"]:
        for row in case["generations"]:
            assert row["power_mw"] == pytest.approx(
                row["racks_installed"] * power[row["rack"]] * pue / 1e6
            )
            if row["racks_built"]:
                assert (
                    int(row["period"][:4])
                    >= {
                        "rw-gen1-gb300-nvl72": 2026,
                        "rw-gen2-vr-nvl144": 2027,
                        "rw-gen3-kyber-nvl576": 2028,
                    }[row["rack"]]
                )
    last = {c["case"]["name"]: c["totals"][-1]["racks_installed"] for c in data["cases"]}
    assert last["low"] <= last["base"] <= last["high"]
    explicit = sum(g["explicit_racks"] for g in data["gap"])
    assert explicit == 17_400  # the default scenario's [[build]] plan
    assert data["build_case"] == "base"


@pytest.mark.parametrize(
    ("old", "new", "field", "value"),
    [
        (
            'training_compute_growth_per_year = "100 %"',
            'training_compute_growth_per_year = "-150 %"',
            "demand.case[0].training_compute_growth_per_year",
            "-150 %",
        ),
        (
            'inference_tokens_growth_per_year = "300 %"',
            "inference_tokens_growth_per_year = -2.0",
            "demand.case[1].inference_tokens_growth_per_year",
            "-2.0",
        ),
        ('build_case = "base"', 'build_case = "middle"', "demand.build_case", "middle"),
        ('build = "explicit"', 'build = "sometimes"', "scenario.build", "sometimes"),
    ],
)
def test_bad_demand_input_is_one_line_exit_2(
    cli: RunCli, tmp_path: Path, old: str, new: str, field: str, value: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(edit(default_scenario_text(), old, new))
    result = cli("scenario", "validate", path)
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert field in result.err and value in result.err


def test_from_demand_needs_a_demand_block(cli: RunCli, tmp_path: Path) -> None:
    text = default_scenario_text()
    start, end = text.index("\n[demand]\n"), text.index("\n[purchase_option]\n")
    text = edit(text[:start] + text[end:], 'build = "explicit"', 'build = "from-demand"')
    path = tmp_path / "nodemand.toml"
    path.write_text(text)
    result = cli("scenario", "validate", path)
    assert result.code == 2 and "scenario.build" in result.err and "[demand]" in result.err


def test_a_scenario_without_demand_has_no_demand_to_show(cli: RunCli, tmp_path: Path) -> None:
    text = default_scenario_text()
    start, end = text.index("\n[demand]\n"), text.index("\n[purchase_option]\n")
    path = tmp_path / "nodemand.toml"
    path.write_text(text[:start] + text[end:])
    assert cli("scenario", "validate", path).code == 0
    result = cli("demand", path)
    assert result.code == 2 and len(result.err_lines) == 1 and "[demand]" in result.err


def test_unused_inputs_keep_the_fields_frozen() -> None:
    inputs = _inputs((_gen("a", 2026, 1000.0),))
    assert replace(inputs, pue_ratio=1.5).pue_ratio == 1.5 and inputs.pue_ratio == 1.2


def test_from_demand_builds_are_the_build_cases_lots(cli: RunCli, tmp_path: Path) -> None:
    from rackwright.cli.engine_inputs import demand_result, upstream
    from rackwright.demand import plan_builds
    from rackwright.plan import InputRequest, prepare

    path = tmp_path / "from_demand.toml"
    path.write_text(edit(default_scenario_text(), 'build = "explicit"', 'build = "from-demand"'))
    inputs = prepare(InputRequest(scenario=path))
    result = demand_result(inputs, upstream(inputs))
    lots = plan_builds(inputs.scenario, result)
    assert [(lot.rack, lot.period, lot.racks) for lot in lots] == list(result.case("base").builds())
    explicit = prepare(InputRequest()).scenario
    assert plan_builds(explicit, result) == tuple(explicit.builds)
