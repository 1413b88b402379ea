"""Training model: memory formulas, pipeline bubble, parallelism physics, invalid layouts, and the
array core agreeing exactly with the scalar API."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rackwright.catalog import load_catalog
from rackwright.errors import InfeasibleError
from rackwright.perf import train_core
from rackwright.perf.efficiency import load_efficiency
from rackwright.perf.hardware import HardwareView, hardware_view
from rackwright.perf.models import load_models
from rackwright.perf.training import (
    ParallelConfig,
    cfg_arrays,
    hw_arrays,
    model_arrays,
    predict_training,
    stack,
)
from rackwright.precision import Precision

CATALOG = load_catalog()

MODELS = load_models()
EFF = load_efficiency()
A100 = hardware_view("dgx-a100-80gb", CATALOG)
H100 = hardware_view("dgx-h100", CATALOG)


def _core(model_id: str, hw: HardwareView, par: ParallelConfig) -> dict[str, float]:
    m = MODELS[model_id]
    out = train_core.evaluate(
        cfg_arrays(par, m), hw_arrays(hw, EFF, par.precision), model_arrays(m)
    )
    return {k: float(v) for k, v in out.items()}


def test_selective_recompute_activations_are_korthikanti_34sbh_over_t() -> None:
    # GPT-3 175B, tp8 + SP, one micro-batch in flight (pp=1): 34·s·b·h/t per layer, plus logits
    par = ParallelConfig(gpus=8, tp=8, gbs=1, mbs=1, recompute="selective", sp=True)
    out = _core("gpt3-175b", A100, par)
    s, b, h, t, L, V = 2048, 1, 12288, 8, 96, 51200
    expected = 34 * s * b * h / t * L + 4 * s * b * V / t
    assert out["mem_activations_bytes"] == pytest.approx(expected, rel=1e-12)


def test_no_recompute_without_flash_adds_the_5as2b_score_term() -> None:
    par = ParallelConfig(gpus=8, tp=8, gbs=1, recompute="none", sp=True, flash=False)
    out = _core("gpt3-175b", A100, par)
    s, b, h, t, L, V, a = 2048, 1, 12288, 8, 96, 51200, 96
    expected = (34 * s * b * h / t + 5 * a * s * s * b / t) * L + 4 * s * b * V / t
    assert out["mem_activations_bytes"] == pytest.approx(expected, rel=1e-12)


def test_full_recompute_keeps_only_layer_inputs() -> None:
    par = ParallelConfig(gpus=8, tp=8, gbs=1, recompute="full", sp=True)
    out = _core("gpt3-175b", A100, par)
    s, h, t, L, V = 2048, 12288, 8, 96, 51200
    assert out["mem_activations_bytes"] == pytest.approx(2 * s * h / t * L + 4 * s * V / t)


def test_zero_stages_shard_optimizer_then_grads_then_weights() -> None:
    base = {"gpus": 64, "gbs": 64, "precision": "bf16"}
    none = _core("llama2-7b", H100, ParallelConfig(**base, zero="none"))
    z1 = _core("llama2-7b", H100, ParallelConfig(**base, zero="1"))
    z2 = _core("llama2-7b", H100, ParallelConfig(**base, zero="2"))
    z3 = _core("llama2-7b", H100, ParallelConfig(**base, zero="3"))
    params = MODELS["llama2-7b"].total_params()
    # 2 + 2 + 12 bytes per parameter without sharding
    assert none["mem_weights_bytes"] == pytest.approx(2 * params)
    assert none["mem_optimizer_bytes"] == pytest.approx(12 * params)
    assert z1["mem_optimizer_bytes"] == pytest.approx(12 * params / 64)
    assert z1["mem_grads_bytes"] == pytest.approx(2 * params)
    assert z2["mem_grads_bytes"] == pytest.approx(2 * params / 64)
    assert z3["mem_weights_bytes"] == pytest.approx(2 * params / 64)


def test_interleaving_divides_the_bubble_fraction() -> None:
    for vpp in (1, 2, 4):
        par = ParallelConfig(gpus=64, tp=8, pp=8, vpp=vpp, gbs=64, mbs=1)
        out = _core("llama3-70b", H100, par)
        assert out["bubble_fraction"] == pytest.approx((8 - 1) / (64 * vpp))
    one = _core("llama3-70b", H100, ParallelConfig(gpus=64, tp=8, pp=8, vpp=1, gbs=64))
    four = _core("llama3-70b", H100, ParallelConfig(gpus=64, tp=8, pp=8, vpp=4, gbs=64))
    assert four["bubble_s"] < one["bubble_s"] / 3.0


def test_tp16_is_cheap_inside_an_nvl72_domain_and_dear_across_servers() -> None:
    par = ParallelConfig(gpus=64, tp=16, gbs=64, precision="fp8")
    nvl = _core("llama3.1-405b", hardware_view("gb200-nvl72", CATALOG), par)
    hgx = _core("llama3.1-405b", hardware_view("dgx-b200", CATALOG), par)
    assert nvl["tp_comm_s"] * 5 < hgx["tp_comm_s"]
    assert nvl["step_s"] < hgx["step_s"]


def test_fp8_is_faster_than_bf16_on_hopper_and_refused_on_ampere() -> None:
    par = {"gpus": 8, "tp": 1, "gbs": 32, "seq": 4096}
    bf16 = predict_training(MODELS["llama3-8b"], H100, ParallelConfig(**par, precision="bf16"))
    fp8 = predict_training(MODELS["llama3-8b"], H100, ParallelConfig(**par, precision="fp8"))
    assert fp8.step_s is not None and bf16.step_s is not None
    assert fp8.step_s < bf16.step_s
    with pytest.raises(InfeasibleError, match="fp8"):
        predict_training(MODELS["llama3-8b"], A100, ParallelConfig(**par, precision="fp8"))


def test_zero3_throughput_falls_as_dp_grows_at_fixed_batch() -> None:
    # Narayanan 2021 Tab 2: ZeRO-3 without model parallelism loses throughput as GPUs grow
    rates = []
    for gpus, mbs in ((384, 4), (768, 2), (1536, 1)):
        par = ParallelConfig(gpus=gpus, gbs=1536, mbs=mbs, zero="3", recompute="full", sp=False)
        pred = predict_training(MODELS["gpt3-175b"], A100, par, check_memory=False)
        rates.append(pred.hw_tflops_per_gpu)
    assert rates[0] > rates[1] > rates[2]


def test_moe_expert_parallelism_pays_all_to_all() -> None:
    par = ParallelConfig(gpus=64, tp=1, ep=8, gbs=64, precision="fp8")
    out = _core("mixtral-8x22b", H100, par)
    assert out["ep_comm_s"] > 0
    dense = _core("llama3-70b", H100, ParallelConfig(gpus=64, tp=8, gbs=64, precision="fp8"))
    assert dense["ep_comm_s"] == 0


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"gpus": 64, "tp": 3, "dp": 21, "gbs": 63}, "GPU count"),
        ({"gpus": 48, "tp": 48, "gbs": 1}, "heads"),
        ({"gpus": 64, "tp": 8, "pp": 8, "vpp": 3, "gbs": 64}, "pp·vpp"),
        ({"gpus": 64, "tp": 8, "gbs": 12}, "micro-batches"),
        ({"gpus": 64, "tp": 8, "ep": 2, "gbs": 64}, "ep"),
    ],
)
def test_invalid_layouts_raise_not_a_number(kwargs: dict[str, int], needle: str) -> None:
    with pytest.raises(InfeasibleError, match=needle):
        predict_training(MODELS["llama3-70b"], H100, ParallelConfig(**kwargs))


def test_not_fitting_in_memory_gives_a_verdict_and_no_time() -> None:
    par = ParallelConfig(gpus=8, tp=8, gbs=8, zero="none")
    pred = predict_training(MODELS["gpt3-175b"], A100, par)
    assert not pred.fits
    assert pred.step_s is None and pred.tokens_per_s_per_gpu is None
    assert "does not fit" in pred.verdict
    assert pred.memory_bytes["total_bytes"] > A100.hbm_bytes


LAYOUTS = st.tuples(
    st.sampled_from(["llama3-70b", "gpt3-175b", "mixtral-8x22b", "deepseek-v3", "llama3-8b"]),
    st.sampled_from(["dgx-a100-80gb", "dgx-h100", "gb200-nvl72", "dgx-b200"]),
    st.sampled_from([1, 2, 4, 8, 16]),  # tp
    st.sampled_from([1, 2, 4, 8]),  # pp
    st.sampled_from([1, 2, 3]),  # vpp
    st.sampled_from([1, 2]),  # cp
    st.sampled_from([1, 2, 8]),  # ep
    st.sampled_from([1, 2, 4, 16]),  # dp
    st.sampled_from(["none", "1", "2", "3"]),
    st.sampled_from(["none", "selective", "full"]),
    st.sampled_from([Precision.BF16, Precision.FP8, Precision.FP4]),
    st.sampled_from([1, 2, 4]),  # mbs
    st.booleans(),  # sp
)


@settings(max_examples=30, deadline=None)
@given(st.lists(LAYOUTS, min_size=2, max_size=12))
def test_array_core_equals_scalar_calls_exactly(batch: list[tuple]) -> None:  # type: ignore[type-arg]
    cfgs, hws, mods = [], [], []
    for model_id, system, tp, pp, vpp, cp, ep, dp, zero, rec, prec, mbs, sp in batch:
        m = MODELS[model_id]
        par = ParallelConfig(
            gpus=tp * pp * cp * dp, tp=tp, pp=pp, vpp=vpp, cp=cp, ep=ep, dp=dp, zero=zero,
            gbs=dp * mbs * 8, mbs=mbs, recompute=rec, sp=sp, precision=prec,
        )  # fmt: skip
        cfgs.append(cfg_arrays(par, m))
        hws.append(hw_arrays(hardware_view(system, CATALOG), EFF, prec))
        mods.append(model_arrays(m))
    arrays = train_core.evaluate(stack(cfgs), stack(hws), stack(mods))
    for i in range(len(batch)):
        scalar = train_core.evaluate(cfgs[i], hws[i], mods[i])
        for key, value in scalar.items():
            assert np.array_equal(np.asarray(value), arrays[key][i], equal_nan=True), key


def test_capacity_factor_caps_the_busiest_expert() -> None:
    mixtral = MODELS["mixtral-8x22b"]
    skewed = mixtral.model_copy(update={"imbalance_factor": 1.6})
    capped = skewed.model_copy(update={"capacity_factor": 1.25})
    assert model_arrays(skewed)["imbalance"] == 1.6
    assert model_arrays(capped)["imbalance"] == 1.25
    par = ParallelConfig(gpus=64, tp=1, ep=8, gbs=64, precision="fp8")
    slow = predict_training(skewed, H100, par, EFF, check_memory=False)
    fast = predict_training(capped, H100, par, EFF, check_memory=False)
    assert fast.step_s is not None and slow.step_s is not None and fast.step_s < slow.step_s
