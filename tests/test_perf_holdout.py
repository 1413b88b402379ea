"""Generalisation: published runs outside calibration.csv (tests/data/perf_holdout.csv).

Calibration (the shipped efficiency.toml) saw calibration.csv plus the Megatron-Bridge 26.02
training rows copied into perf/data/calibration_extra.csv; the Megatron-Bridge 25.11, MosaicML
llm-foundry (MPT) and MLPerf Inference v5.0 rows never took part in any fit. The bounds below sit
a little above what the model reaches today, so a regression fails; they are NOT the project
targets (mean 5 %, worst 15 % for training), which the held-out rows do not meet yet.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from rackwright.catalog import load_catalog
from rackwright.perf.calibrate import calibrate
from rackwright.perf.efficiency import load_efficiency, load_priors
from rackwright.perf.hardware import hardware_view
from rackwright.perf.models import load_models
from rackwright.perf.reference import ReferenceRow, read_reference
from rackwright.perf.training import ParallelConfig, predict_training
from rackwright.perf.validate import (
    RowResult,
    resolved_parallel,
    resolved_precision,
    validate_rows,
)
from rackwright.precision import Precision
from shared_data import SHARED_DATA

CATALOG = load_catalog()

HOLDOUT = Path(__file__).parent / "data" / "perf_holdout.csv"
EXTRA = Path(__file__).parents[1] / "src" / "rackwright" / "perf" / "data" / "calibration_extra.csv"
CALIBRATION = SHARED_DATA / "perf" / "calibration.csv"
TEST_ONLY = ("MB2511", "MPT", "MLPI50")


@pytest.fixture(scope="module")
def results() -> dict[str, RowResult]:
    rows = read_reference(HOLDOUT)
    return {r.id: r for r in validate_rows(rows, load_efficiency(), CATALOG)}


def _errors(results: dict[str, RowResult], prefixes: tuple[str, ...]) -> list[float]:
    return [
        abs(r.error_pct)
        for r in results.values()
        if r.kind == "train" and r.id.startswith(prefixes) and r.error_pct is not None
    ]


def test_extra_calibration_rows_are_only_megatron_bridge_26_02() -> None:
    extra = {row["id"] for row in csv.DictReader(EXTRA.read_text().splitlines())}
    holdout = {row["id"] for row in csv.DictReader(HOLDOUT.read_text().splitlines())}
    assert extra and all(i.startswith("MB2602-") for i in extra)
    assert extra <= holdout
    assert not any(i.startswith(TEST_ONLY) for i in extra)
    calibrated = {row["id"] for row in csv.DictReader(CALIBRATION.read_text().splitlines())}
    assert not calibrated & holdout


def test_every_holdout_training_row_is_predicted(results: dict[str, RowResult]) -> None:
    train = [r for r in results.values() if r.kind == "train"]
    assert len(train) == 33 and all(r.status == "ok" for r in train)


@pytest.mark.parametrize(
    ("prefixes", "n", "mean_limit", "max_limit"),
    [
        # measured 2026-11-23 (mean / worst): 9.1 / 70.1 (GB200 gpt-oss), 13.2 / 25.2,
        # 14.5 / 37.6 (H100 MPT), 11.1 / 70.1
        (("MB2602",), 19, 10.0, 72.0),  # fitted on: Blackwell/Hopper, dense and MoE
        (("MB2511",), 6, 14.5, 27.0),  # never fitted: Llama3 8B/405B, BF16 MoE
        (("MPT",), 8, 16.0, 40.0),  # never fitted: PyTorch FSDP, another framework
        (("MB2602", "MB2511", "MPT"), 33, 12.0, 72.0),  # everything (was 32 % / 182 %)
    ],
)
def test_holdout_training_error_stays_within_what_was_reached(
    results: dict[str, RowResult],
    prefixes: tuple[str, ...],
    n: int,
    mean_limit: float,
    max_limit: float,
) -> None:
    errs = _errors(results, prefixes)
    assert len(errs) == n
    assert float(np.mean(errs)) <= mean_limit
    assert float(np.max(errs)) <= max_limit


def test_blackwell_ultra_runs_are_no_longer_under_predicted(
    results: dict[str, RowResult],
) -> None:
    # before: GB300 dense rows -11..-23 % (Blackwell Ultra inherited Hopper's efficiencies)
    ids = [i for i in results if i.startswith("MB2602-GB300-") and ("L3" in i or "405B" in i)]
    errs = [results[i].error_pct for i in ids]
    assert len(errs) == 4
    assert all(e is not None and e > -20.0 for e in errs)
    assert float(np.mean([abs(e) for e in errs if e is not None])) <= 10.0


def test_small_moe_is_no_longer_over_predicted(results: dict[str, RowResult]) -> None:
    # before: H100 Qwen3-30B-A3B +182 %, gpt-oss-120b +75..+107 %
    for row_id in ("MB2602-H100-Q30B-fp8", "MB2602-GB300-Q30B-mxfp8", "MB2602-H100-GPTOSS-bf16"):
        err = results[row_id].error_pct
        assert err is not None and abs(err) <= 15.0, row_id


def test_mlperf_rows_without_a_layout_get_the_best_one(results: dict[str, RowResult]) -> None:
    row = results["MLPI50-B200x8-L2-off"]
    assert row.status == "ok" and "instances" in row.layout
    tp = int(row.layout.split("tp=")[1].split()[0])
    assert 8 % tp == 0
    # no precision in the row: B200 has fp4 tensor cores, so fp4 (as NVIDIA ran it), said so.
    # Measured 2026-11-23: -8.5 % offline, -12.7 % server (was -76 % when read as bf16)
    for row_id in ("MLPI50-B200x8-L2-off", "MLPI50-B200x8-L2-srv"):
        r = results[row_id]
        assert "fp4 (chosen" in r.layout, row_id
        assert r.error_pct is not None and abs(r.error_pct) <= 14.0, row_id
    # 405B rows state no request lengths (the Orca means are Llama-2-70B's): unsupported, said so
    assert results["MLPI50-B200x8-405-off"].status == "unsupported"
    assert "isl" in results["MLPI50-B200x8-405-off"].reason


def test_missing_inference_precision_is_the_fastest_the_gpu_has() -> None:
    row = _row("MLPI50-B200x8-L2-off")
    assert not row.precision_given
    cat = load_catalog()
    assert resolved_precision(row, hardware_view("dgx-b200", cat)) == ("fp4", True)
    assert resolved_precision(row, hardware_view("dgx-h100", cat)) == ("fp8", True)  # no fp4
    assert resolved_precision(row, hardware_view("dgx-a100-80gb", cat)) == ("bf16", True)
    stated = _row("MLPI50-B200x8-405-off")  # the 405B B200 row states fp4
    assert stated.precision_given and resolved_precision(
        stated, hardware_view("dgx-h100", cat)
    ) == (
        "fp4",
        False,
    )


def _row(row_id: str) -> ReferenceRow:
    return next(r for r in read_reference(HOLDOUT) if r.id == row_id)


def test_sliding_window_layers_cut_attention_flops_as_worked_by_hand() -> None:
    row = _row("MB2602-H100-GPTOSS-bf16")
    model = row.model
    assert (model.attn_window, model.window_layers) == (128, 18)  # from models.toml gpt-oss-120b
    full = model.model_copy(update={"attn_window": 0, "window_layers": 0})
    assert row.parallel is not None
    view = hardware_view("dgx-h100", load_catalog())
    # on H100 this run sits on the host-bound MoE floor, so compare with the floor off
    eff = load_efficiency()
    eff = eff.with_values(
        {eff.key_for("moe_floor_s", "hopper", Precision.BF16): 0.0}, ("test",), ""
    )
    windowed = predict_training(model, view, row.parallel, eff, check_memory=False)
    plain = predict_training(full, view, row.parallel, eff, check_memory=False)
    assert windowed.step_s is not None and plain.step_s is not None
    assert windowed.step_s < plain.step_s
    # attention FLOPs/token (fwd+bwd, full-attention accounting) 6·L·s·a·(dqk+dv); half the layers
    # see 2·128/4096 of it: saving = 0.5·(1 − 256/4096) of the attention share
    seq, layers, heads, dqk = 4096, 36, 64, 64
    attn_per_token = 6.0 * layers * seq * heads * 2 * dqk
    saved = attn_per_token * 0.5 * (1.0 - 2 * 128 / seq)
    tokens = row.parallel.gbs * seq
    per_gpu = tokens / row.parallel.gpus
    assert windowed.model_tflops_per_gpu is not None and plain.model_tflops_per_gpu is not None
    model_flops_windowed = windowed.model_tflops_per_gpu * 1e12 * windowed.step_s
    model_flops_plain = plain.model_tflops_per_gpu * 1e12 * plain.step_s
    assert model_flops_plain - model_flops_windowed == pytest.approx(saved * per_gpu, rel=1e-9)


def test_gpt_oss_in_models_toml_declares_its_window() -> None:
    gpt_oss = load_models()["gpt-oss-120b"]
    assert gpt_oss.attn_window == 128 and gpt_oss.window_layers == gpt_oss.layers // 2


def test_unfused_attention_only_for_the_2021_22_megatron_papers() -> None:
    calib = read_reference(CALIBRATION)
    for r in calib:
        if r.parallel is not None:
            expect = not r.source.lower().startswith(("korthikanti", "narayanan"))
            assert r.parallel.flash is expect, r.id
    mpt = _row("MPT-A100r-7B-8g")  # llm-foundry on A100 runs a fused attention kernel
    assert mpt.parallel is not None and mpt.parallel.flash


def test_moe_floor_binds_only_when_a_layer_is_short() -> None:
    # the host-bound floor must not change a big MoE layer (DeepSeek-V3 on H100, 25 s steps) but
    # must slow a tiny one (Qwen3-30B-A3B): compare against a copy with the floor at 0
    eff = load_efficiency()
    key = eff.key_for("moe_floor_s", "hopper", Precision.FP8)
    no_floor = eff.with_values({key: 0.0}, ("test",), "no floor")
    h100 = hardware_view("dgx-h100", load_catalog())
    small = _row("MB2602-H100-Q30B-fp8")
    assert small.parallel is not None
    with_floor = predict_training(small.model, h100, small.parallel, eff, check_memory=False)
    without = predict_training(small.model, h100, small.parallel, no_floor, check_memory=False)
    assert with_floor.step_s is not None and without.step_s is not None
    assert with_floor.step_s > 1.2 * without.step_s
    big = ParallelConfig(
        gpus=1024, tp=2, pp=8, vpp=4, ep=64, gbs=8192, seq=4096, precision="fp8",
        uneven_pipeline=True,
    )  # fmt: skip
    dsv3 = load_models()["deepseek-v3"]
    a = predict_training(dsv3, h100, big, eff, check_memory=False).step_s
    b = predict_training(dsv3, h100, big, no_floor, check_memory=False).step_s
    assert a == b


def test_silent_recompute_is_only_as_much_as_it_takes_to_fit() -> None:
    # Llama3-70B, FSDP on 64 GB300s, mbs 2, seq 8192: selective recompute would need ~360 GB
    row = _row("MB2602-GB300-L3-70B-fp8")
    view = hardware_view(row.system, load_catalog())
    eff = load_efficiency()
    par = resolved_parallel(row, view, eff)
    assert par.recompute == "full" and 0.0 < par.recompute_fraction < 1.0
    assert (par.recompute_fraction * 80) == pytest.approx(round(par.recompute_fraction * 80))
    partial = predict_training(row.model, view, par, eff, check_memory=False)
    assert partial.memory_bytes["total_bytes"] <= view.hbm_bytes
    whole = par.model_copy(update={"recompute_fraction": 1.0})
    everything = predict_training(row.model, view, whole, eff, check_memory=False)
    assert partial.step_s is not None and everything.step_s is not None
    assert partial.step_s < everything.step_s
    # one layer fewer recomputed would no longer fit
    fewer = par.model_copy(update={"recompute_fraction": par.recompute_fraction - 1 / 80})
    over = predict_training(row.model, view, fewer, eff, check_memory=False)
    assert over.memory_bytes["total_bytes"] > view.hbm_bytes


def test_leave_blackwell_ultra_out_fit_predicts_the_gb300_and_b300_runs() -> None:
    # fit on calibration.csv + the 26.02 rows of every other system; Blackwell Ultra then inherits
    # Blackwell's fitted figures (LINEAGE). Measured 2026-11-23: mean 14.8 %, worst 25.9 %.
    calibration = [r for r in read_reference(CALIBRATION) if r.kind == "train"]
    extra = read_reference(EXTRA)
    ultra = [r for r in extra if r.system in {"gb300-nvl72", "dgx-b300"}]
    rest = [r for r in extra if r not in ultra]
    eff = calibrate(calibration + rest, load_priors(), "leave Blackwell Ultra out", CATALOG)
    assert not any(k.startswith("blackwell-ultra.") for k in eff.params)
    errs = [abs(r.error_pct) for r in validate_rows(ultra, eff, CATALOG) if r.error_pct is not None]
    assert len(errs) == len(ultra) == 7
    assert float(np.mean(errs)) <= 17.0
    assert float(np.max(errs)) <= 28.0


def test_leave_deepseek_out_fit_predicts_the_deepseek_v3_runs() -> None:
    # leave-one-MoE-model-out: fit without any DeepSeek-V3 row (calibration.csv's H100 run and the
    # 26.02 runs), then predict its 26.02 and 25.11 runs (five systems, fp8-mx and bf16). The MoE
    # parameters (moe_floor_s, moe_elem_passes, ep_overlap) then come from Qwen3 and gpt-oss only.
    # Measured 2026-11-23: mean 12.0 %, worst 18.5 % (GB200 -18 %). Over all four MoE models
    # (deepseek 12.0/18.5, gpt-oss 40.1/74.4, qwen3-235b 19.4/23.6, qwen3-30b 11.4/18.0) the
    # mean is 20.0 % and the worst 74 % (gpt-oss on GB200), see validate's docstring.
    def is_dsv3(r: ReferenceRow) -> bool:
        return "deepseek" in r.model.name.lower()

    calibration = [r for r in read_reference(CALIBRATION) if r.kind == "train"]
    extra = read_reference(EXTRA)
    held = [r for r in read_reference(HOLDOUT) if r.kind == "train" and is_dsv3(r)]
    assert any(is_dsv3(r) for r in calibration)
    fit = [r for r in calibration + extra if not is_dsv3(r)]
    eff = calibrate(fit, load_priors(), "leave DeepSeek-V3 out", CATALOG)
    dsv3_ids = {r.id for r in calibration + extra if is_dsv3(r)}
    assert len(dsv3_ids) == 5 and not any(dsv3_ids & set(p.sources) for p in eff.params.values())
    errs = [abs(r.error_pct) for r in validate_rows(held, eff, CATALOG) if r.error_pct is not None]
    assert len(errs) == len(held) == 5
    assert float(np.mean(errs)) <= 13.5
    assert float(np.max(errs)) <= 20.0
