"""The workloads section of the plan: each workload sized on each scenario generation."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BASE_SCENARIO, RunCli, default_inputs, edit, plan_section
from rackwright.chain import PlanInputs, Upstream
from rackwright.explore.economics import Economics
from rackwright.explore.serving import ServingDemand, best_serving, serving_layouts
from rackwright.explore.stage import rack_offers
from rackwright.explore.workloads import RackOffer, train_outcome
from rackwright.perf.hardware import hardware_view
from rackwright.perf.inference import InferenceConfig, predict_inference
from rackwright.perf.models import load_models
from rackwright.perf.training import ParallelConfig, predict_training
from rackwright.plan import run_plan
from rackwright.precision import Precision
from rackwright.rack import analyze
from rackwright.report.section import Section
from rackwright.report.sections import workloads
from rackwright.scenario import TrainingWorkload
from test_bad_input import assert_one_line_error


def default_context() -> PlanInputs:
    return default_inputs()


@functools.cache
def default_section() -> Section:
    return plan_section(default_context(), "workloads")


@functools.cache
def default_offers() -> tuple[RackOffer, ...]:
    """Each generation as the workloads stage prices it (BOM cost, engineered power)."""
    ctx = default_context()
    run = run_plan(ctx, only=["bom", "rack"]).run
    return tuple(rack_offers(ctx, Upstream("test", run.results)))


def test_every_training_workload_gets_a_checked_configuration_per_generation() -> None:
    ctx = default_context()
    section = default_section()
    assert section.key == "workloads"
    training = section.data["training"]
    pairs = {(t["workload"], t["rack"]) for t in training}
    assert pairs == {
        (w.id, g.rack) for w in ctx.scenario.training() for g in ctx.scenario.generations
    }
    facility = ctx.catalog.facility(ctx.scenario.facility)
    for entry in training:
        workload = next(w for w in ctx.scenario.training() if w.id == entry["workload"])
        choice = entry["choice"]
        assert choice is not None, entry["reason"]
        rack = ctx.catalog.rack(entry["rack"])
        system = ctx.catalog.system(rack.system)
        assert choice["gpus"] <= workload.max_gpus
        assert entry["racks"] == math.ceil(
            choice["gpus"] / (rack.systems_count * system.gpus_count)
        )
        # MW from rack engineering: whole systems x their share of the rack's typical power
        # (summed from its components) x the facility's PUE
        systems = math.ceil(choice["gpus"] / system.gpus_count)
        analysis = analyze(rack, ctx.catalog)
        per_system_w = analysis.power_typical_w / rack.systems_count
        assert choice["power_w"] == pytest.approx(systems * per_system_w * facility.pue_ratio)
        # the scalar perf model confirms the step time; days follow from the token budget
        par = ParallelConfig(
            gpus=choice["gpus"], tp=choice["tp"], pp=choice["pp"], vpp=choice["vpp"],
            cp=choice["cp"], ep=choice["ep"], dp=choice["dp"],
            zero=["none", "1", "2", "3"][choice["zero"]], gbs=choice["gbs"], mbs=choice["mbs"],
            seq=workload.seq_len, recompute=choice["recompute"], precision=workload.precision,
        )  # fmt: skip
        model = load_models()[workload.model]
        scalar = predict_training(model, hardware_view(system.id, ctx.catalog), par)
        assert scalar.fits and scalar.step_s == choice["step_s"]
        steps = workload.tokens / (choice["gbs"] * workload.seq_len)
        assert choice["days"] == pytest.approx(steps * choice["step_s"] / 86400, rel=1e-12)
        assert entry["meets_deadline"] == (choice["days"] <= workload.deadline_days)
        if entry["meets_deadline"]:  # cheapest on the front among those meeting the deadline
            meeting = [p for p in entry["pareto"] if p["days"] <= workload.deadline_days]
            assert choice["cost_usd"] == min(p["cost_usd"] for p in meeting)
    json.dumps(section.data)  # report.json must be able to hold it
    json.dumps([f.plotly for f in section.figures])


def test_inference_fleet_covers_the_daily_volume() -> None:
    ctx = default_context()
    for entry in default_section().data["inference"]:
        workload = next(w for w in ctx.scenario.inference() if w.id == entry["workload"])
        plan = entry["plan"]
        assert plan is not None, entry["reason"]
        fleet_rate = plan["instance_tokens_per_s"] * plan["instances"]
        assert fleet_rate >= workload.daily_output_tokens / 86400
        # one instance fewer would not do
        assert fleet_rate - plan["instance_tokens_per_s"] < workload.daily_output_tokens / 86400
        assert plan["gpus"] == plan["instances"] * plan["gpus_per_instance"]


def test_an_impossible_deadline_is_reported_as_missed_with_the_fastest_configuration() -> None:
    ctx = default_context()
    original = ctx.scenario.training()[0]
    rushed = TrainingWorkload.model_validate(
        {**original.model_dump(), "deadline_days": 0.5, "max_gpus": 4096}
    )
    offer = default_offers()[0]
    model = ctx.model(rushed.model)
    outcome = train_outcome(
        rushed, model, offer, ctx.catalog, ctx.scenario.facility, ctx.efficiency
    )
    assert outcome.choice is not None
    assert not outcome.meets_deadline
    assert outcome.choice.time_s == min(c.time_s for c in outcome.front)
    assert outcome.choice.gpus <= 4096
    assert "misses the 0.5-day deadline" in workloads._train_line(outcome)


def test_serving_layout_is_the_best_per_gpu_of_those_tried() -> None:
    ctx = default_context()
    workload = ctx.scenario.inference()[0]
    model = load_models()[workload.model]
    rack = ctx.catalog.rack(ctx.scenario.generations[0].rack)
    hw = hardware_view(rack.system, ctx.catalog)
    econ = Economics.of(ctx.catalog.system(rack.system), ctx.catalog.facility("us-tx"))
    demand = ServingDemand(1e12, 2048, 1024, 2.0, 0.04, Precision.FP8)
    plan = best_serving(model, hw, econ, demand)
    rates = []
    for tp, ep, attn_dp in serving_layouts(model, hw):
        cfg = InferenceConfig(gpus=max(tp, ep), tp=tp, ep=ep, attn_dp=attn_dp, precision="fp8",
                              isl=2048, osl=1024, ttft_limit_s=2.0, tpot_limit_s=0.04)  # fmt: skip
        rates.append(predict_inference(model, hw, cfg).server_tokens_per_s / max(tp, ep))
    assert len(rates) > 1
    assert plan.tokens_per_s_per_gpu == max(rates)
    assert plan.systems == math.ceil(plan.gpus / econ.gpus_per_system)


def test_a_workload_with_an_unknown_model_names_the_workload(
    cli: RunCli, write_scenario: Callable[[str], Path]
) -> None:
    text = edit(BASE_SCENARIO, 'model = "gpt-oss-120b"', 'model = "no-such-model"')
    path = write_scenario(text)
    where = f"{path}, field 'workload[1].model': unknown model"
    assert_one_line_error(cli("scenario", "validate", path), where, "no-such-model")
    out = path.parent / "out"
    assert_one_line_error(cli("plan", path, "--out", out), where, "no-such-model")
    assert not out.exists()  # checked before any output folder is made


def test_workload_cost_is_priced_from_the_bom_not_the_list_price() -> None:
    ctx = default_context()
    offer = default_offers()[0]
    rack = ctx.catalog.rack(offer.rack)
    run = run_plan(ctx, only=["bom"]).run
    bom_cost = run.results["bom"].price(offer.rack).usd  # type: ignore[attr-defined]
    assert bom_cost != pytest.approx(rack.price_usd)  # the two used to disagree
    assert offer.economics.price_usd * rack.systems_count == pytest.approx(bom_cost)
