"""Inference model: KV-cache sizing, batch limits, latency limits and server throughput."""

from __future__ import annotations

import math

import pytest

from rackwright.catalog import load_catalog
from rackwright.errors import InfeasibleError
from rackwright.perf.efficiency import load_efficiency
from rackwright.perf.hardware import HardwareView, hardware_view
from rackwright.perf.inference import InferenceConfig, predict_inference
from rackwright.perf.models import ModelArch, load_models
from rackwright.precision import Precision

CATALOG = load_catalog()

MODELS = load_models()
EFF = load_efficiency()
H200 = hardware_view("hgx-h200", CATALOG)
H100 = hardware_view("dgx-h100", CATALOG)


def test_kv_bytes_per_token_gqa_fp8_and_tp_split() -> None:
    tp1 = predict_inference(MODELS["llama2-70b"], H200, InferenceConfig(precision="fp8"), EFF)
    # 80 layers × (K + V) × 8 KV heads × 128 × 1 byte
    assert tp1.kv_bytes_per_token_per_gpu == 80 * 2 * 8 * 128
    tp2 = predict_inference(
        MODELS["llama2-70b"], H100, InferenceConfig(gpus=2, tp=2, precision="fp8"), EFF
    )
    assert tp2.kv_bytes_per_token_per_gpu == 80 * 2 * 8 * 128 / 2


def test_max_batch_is_what_the_free_memory_holds() -> None:
    cfg = InferenceConfig(precision="fp8", isl=1000, osl=1000)
    pred = predict_inference(MODELS["llama2-70b"], H200, cfg, EFF)
    frag = EFF.get("mem_frag", "hopper", Precision.FP8)
    reserve = EFF.get("mem_reserve_bytes", "hopper", Precision.FP8)
    free = H200.hbm_bytes / (1 + frag) - reserve - MODELS["llama2-70b"].total_params() * 1.0
    assert pred.max_batch == int(free // (80 * 2 * 8 * 128 * 2000))


def test_mla_cache_lets_deepseek_batch_far_more_per_byte() -> None:
    dsv3 = MODELS["deepseek-v3"]
    cfg = InferenceConfig(gpus=8, tp=8, ep=8, precision="fp8", isl=2000, osl=500)
    pred = predict_inference(dsv3, hardware_view("dgx-b200", CATALOG), cfg, EFF)
    # latent (512 + 64) per layer, replicated on each TP rank, 1 byte
    assert pred.kv_bytes_per_token_per_gpu == 61 * (512 + 64)


def test_server_throughput_respects_limits_and_never_beats_offline() -> None:
    m = MODELS["llama2-70b"]
    loose = predict_inference(m, H200, InferenceConfig(precision="fp8", tpot_limit_s=0.5), EFF)
    tight = predict_inference(m, H200, InferenceConfig(precision="fp8", tpot_limit_s=0.06), EFF)
    assert loose.server_tokens_per_s <= loose.max_throughput_tokens_per_s
    assert tight.server_tokens_per_s < loose.server_tokens_per_s
    at = predict_inference(
        m,
        H200,
        InferenceConfig(
            precision="fp8", tpot_limit_s=0.06, rate_req_per_s=tight.max_rate_req_per_s * 0.99
        ),
        EFF,
    )
    assert at.meets_limits
    assert at.tpot_s is not None and at.tpot_s * 1.15 <= 0.06 + 1e-9


def test_latency_grows_with_load() -> None:
    m = MODELS["llama3-8b"]
    low = predict_inference(m, H100, InferenceConfig(precision="fp8", rate_req_per_s=1.0), EFF)
    high = predict_inference(m, H100, InferenceConfig(precision="fp8", rate_req_per_s=30.0), EFF)
    assert low.ttft_s is not None and high.ttft_s is not None
    assert low.tpot_s is not None and high.tpot_s is not None
    assert high.tpot_s > low.tpot_s and high.ttft_s >= low.ttft_s


def test_fp4_needs_blackwell_and_weights_must_fit() -> None:
    with pytest.raises(InfeasibleError, match="fp4"):
        predict_inference(MODELS["llama2-70b"], H100, InferenceConfig(precision="fp4"), EFF)
    with pytest.raises(InfeasibleError, match="weights need"):
        predict_inference(MODELS["llama3.1-405b"], H100, InferenceConfig(precision="bf16"), EFF)
    with pytest.raises(InfeasibleError, match="tp"):
        predict_inference(MODELS["llama2-70b"], H100, InferenceConfig(gpus=3, tp=3), EFF)


def test_attention_data_parallel_spreads_the_latent_cache_over_the_instance() -> None:
    dsv3 = MODELS["deepseek-v3"]
    hw = hardware_view("dgx-b200", CATALOG)
    base = {"gpus": 8, "ep": 8, "precision": "fp8", "isl": 2000, "osl": 500}
    tp8 = predict_inference(dsv3, hw, InferenceConfig(tp=8, **base), EFF)
    adp = predict_inference(dsv3, hw, InferenceConfig(tp=1, attn_dp=True, **base), EFF)
    # TP8 replicates the MLA latent on every rank; attention DP keeps each request's latent on
    # one rank only, so the same per-GPU bytes per token serve 8 independent batches
    assert adp.kv_bytes_per_token_per_gpu == tp8.kv_bytes_per_token_per_gpu == 61 * 576
    assert (tp8.attn_ranks, adp.attn_ranks) == (1, 8)
    # attention weights are replicated under attention-DP, so each GPU holds more weights
    assert adp.weights_bytes_per_gpu > tp8.weights_bytes_per_gpu
    assert adp.attn_ranks * adp.max_batch > 4 * tp8.max_batch


def gpt_oss_mxfp4_on_b200() -> tuple[HardwareView, ModelArch, InferenceConfig]:
    """gpt-oss-120b on one B200 with MXFP4 experts (W4A8), 1024/1024, up to 128 requests."""
    cfg = InferenceConfig(
        precision=Precision.BF16, expert_weight_bytes=Precision.MXFP4.weight_bytes,
        kv_bytes=1.0, isl=1024, osl=1024, max_batch=128,
    )  # fmt: skip
    return hardware_view("dgx-b200", CATALOG), MODELS["gpt-oss-120b"], cfg


def test_grouped_expert_gemms_pay_the_weight_floor_only_for_the_experts_tokens_reach() -> None:
    # gpt-oss-120b (128 experts, top-4) on one B200, MXFP4 experts (W4A8): one request decoding
    # reaches 4 experts a layer; charging all 128 the curve's weight-streaming floor made a lone
    # token take 28.7 ms (InferenceMAX measures 3.8 ms TPOT at 4 requests on one B200)
    b200, model, cfg = gpt_oss_mxfp4_on_b200()
    pred = predict_inference(model, b200, cfg, EFF, server=False)
    # every expert's 4-bit weights, read once, at the full HBM rate: a lower bound on a step
    # that touches all of them, and more than 3x a lone token's step, which touches 4 of 128
    all_experts = model.moe_layers * model.experts * model.expert_params() * 0.5
    assert pred.idle_tpot_s < all_experts / b200.hbm_bw_bytes_per_s / 3.0
    assert pred.idle_tpot_s < 0.006
    # and 128 requests cost far less than 128 lone tokens (the experts' weights are shared)
    assert pred.decode_step_s < 0.25 * 128 * pred.idle_tpot_s


def test_expert_gemm_ridge_comes_from_the_hardware_not_the_training_fit() -> None:
    from rackwright.perf.inference import _Instance, expert_ridge_tokens

    # the roofline ridge in tokens: math at peak·eff and the weight stream take equally long
    assert expert_ridge_tokens(4.5e15, 0.4, 0.5, 5.6e12) == pytest.approx(
        4.5e15 * 0.4 * 0.5 / (2 * 5.6e12)
    )
    # 4-bit weights halve the ridge of 8-bit ones on the same kernel
    assert expert_ridge_tokens(1e15, 0.5, 0.5, 4e12) == pytest.approx(
        expert_ridge_tokens(1e15, 0.5, 1.0, 4e12) / 2
    )
    # gpt-oss-120b decoding 128 requests on one B200 (8 tokens per expert): the training GEMMs'
    # half point (fitted between 100 and 566 tokens on Blackwell fp8, depending on the rows)
    # no longer moves the expert GEMMs, which cost about the stream of their MXFP4 weights
    b200, model, cfg = gpt_oss_mxfp4_on_b200()
    steps = []
    for half in (100.0, 566.0):
        eff = EFF.with_values({"blackwell.fp8.gemm_dim_half": half}, ("test",), "test")
        inst = _Instance(model, b200, cfg, eff)
        steps.append(inst._moe_s(128.0))
    assert steps[0] == pytest.approx(steps[1], rel=1e-12)
    inst = _Instance(model, b200, cfg, EFF)
    layer_w = model.experts * model.expert_params() * Precision.MXFP4.weight_bytes
    stream = layer_w * (1.0 - math.exp(-128 * model.topk / model.experts)) / inst.r.bw
    assert stream <= steps[0] < 1.25 * stream


def test_a_closed_run_waits_for_its_tail_of_left_over_requests() -> None:
    from rackwright.perf.inference import _Instance, closed_run_tokens_per_s

    # trtllm-bench queues every request at once; equal lengths keep a wave in step, so requests
    # beyond whole waves of the running batch run a last wave at a batch of only their number
    hw = hardware_view("dgx-h100", CATALOG)
    model = MODELS["gpt-oss-120b"]
    base = {"tp": 1, "ep": 4, "precision": Precision.BF16, "isl": 1000, "osl": 1000,
            "kv_bytes": 2.0, "expert_weight_bytes": Precision.MXFP4.weight_bytes}  # fmt: skip
    steady = predict_inference(model, hw, InferenceConfig(**base), EFF, server=False)
    capacity = steady.attn_ranks * steady.max_batch
    assert steady.run_tokens_per_s is None  # no run stated: the steady state
    inst = _Instance(model, hw, InferenceConfig(**base), EFF)
    # whole waves run at the full batch: the steady state
    assert closed_run_tokens_per_s(inst, 3 * capacity) == pytest.approx(
        steady.max_throughput_tokens_per_s, rel=1e-12
    )
    # a wave and a tenth: the last tenth still takes a wave of osl steps at a tenth of the batch
    left = capacity // 10
    tail = predict_inference(
        model, hw, InferenceConfig(**base, requests=capacity + left), EFF, server=False
    )
    wave_s = inst.step_s(float(steady.max_batch)) + inst.step_s(left / steady.attn_ranks)
    assert tail.run_tokens_per_s == pytest.approx((capacity + left) / wave_s, rel=1e-12)
    assert tail.run_tokens_per_s < 0.95 * steady.max_throughput_tokens_per_s
    assert tail.max_throughput_tokens_per_s == steady.max_throughput_tokens_per_s


def test_decode_attention_reads_the_kv_cache_at_its_own_kernels_bandwidth() -> None:
    from rackwright.perf.inference import _Instance

    # paged-KV decode attention and GEMM weight streaming are different kernels: the KV reads
    # run at kv_mem_eff of HBM bandwidth, the weights at mem_eff
    model = MODELS["llama2-70b"]
    cfg = InferenceConfig(precision="fp8", isl=1024, osl=8192, max_batch=64)

    def attention_s(values: dict[str, float]) -> float:
        eff = EFF.with_values(values, ("test",), "test")
        return _Instance(model, H200, cfg, eff)._attention_s(64.0, 0.0, 1024.0)

    base = attention_s({"hopper.kv_mem_eff": 0.6, "hopper.mem_eff": 0.8})
    assert attention_s({"hopper.kv_mem_eff": 0.3, "hopper.mem_eff": 0.8}) == pytest.approx(
        2.0 * base, rel=1e-12
    )
    assert attention_s({"hopper.kv_mem_eff": 0.6, "hopper.mem_eff": 0.4}) == pytest.approx(
        base, rel=1e-12
    )
