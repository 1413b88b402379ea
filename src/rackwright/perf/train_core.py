"""Training step time and memory as pure ufunc arithmetic: one formula for scalars and arrays.

Contract (the design-space search calls this on arrays of configurations)
-------------------------------------------------------------------------
``evaluate(cfg, hw, model) -> dict[str, Array]`` where each argument is a mapping from the key names
below to a Python number or a numpy array; arrays broadcast against each other (give every key of a
batch the same shape, or scalars). Only ``+ - * / **``, comparisons and numpy ufuncs
(``np.maximum``, ``np.minimum``, ``np.where``, ``np.ceil``, ``np.mod``, ``np.log2``) are used, so
the result for element ``i`` of an array batch equals, bit for bit, the scalar call on element
``i``.
No key is optional; build them with ``training.cfg_arrays``, ``training.hw_arrays`` and
``training.model_arrays`` (those wrappers also accept arrays) or by hand.

cfg keys (integers are given as floats or ints):
  gpus, tp, pp, vpp, cp, ep, dp, gbs, mbs, seq,
  zero (0 none, 1 ZeRO-1 / distributed optimizer, 2 ZeRO-2, 3 ZeRO-3 / FSDP),
  recompute (0 none, 1 selective, 2 full), recompute_frac (with full: the share of layers
  recomputed, Megatron's recompute_num_layers; the rest keep selective), sp (0/1 sequence
  parallelism), flash (0/1),
  uneven (0/1: allow a layer count not divisible by pp·vpp, busiest stage rounds up),
  overlap (0/1: use the hardware's compute/communication overlap fractions), low_precision
  (0/1: fp8/fp4 GEMMs, adds cast traffic), act_bytes (bytes per activation element, 2).
hw keys (per GPU, SI; precision-dependent ones already chosen for each config's precision):
  peak_flops_per_s (GEMM peak at the config's precision), bf16_flops_per_s, hbm_bytes,
  hbm_bw_bytes_per_s, su_bw_bytes_per_s, so_bw_bytes_per_s (one direction), su_domain,
  gemm_eff_max, gemm_dim_half, attn_eff (fused/flash attention), unfused_attn_eff (flash 0),
  mem_eff, layer_overhead_s, tp_overlap, dp_overlap, ep_overlap, moe_elem_passes (HBM passes
  over the routed tokens' activations: permute, activation, casts, unpermute), moe_floor_s
  (host-bound floor of one MoE layer's forward: router, token-count sync, dispatch kernels),
  su_eff, su_latency_s, su_half_bytes, so_eff, so_latency_s, so_half_bytes, elem_passes,
  cast_passes, mem_reserve_bytes, mem_frag.
model keys: layers, hidden, heads, kv_heads, dqk, dv (per-head score and value dims), ffn,
  mlp_mats (2 or 3), vocab, tied (0/1), experts, topk, moe_ffn, shared, dense_layers, imbalance,
  attn_params (per layer), kv_dim (K+V width per token per layer), window (sliding-window tokens,
  0 none), window_frac (share of layers using the window).

Returned keys (seconds, bytes, FLOPs; per GPU unless named otherwise): step_s, pipeline_s,
bubble_s, bubble_fraction ((pp-1)/(m·vpp)), compute_s, tp_comm_s, cp_comm_s, ep_comm_s,
pp_comm_s, dp_comm_s, dp_exposed_s, optimizer_s, microbatches, model_flops_per_step,
hw_flops_per_step, tokens_per_step, tokens_per_s_per_gpu, model_tflops_per_gpu,
hw_tflops_per_gpu, mfu, hfu, mem_weights_bytes, mem_grads_bytes, mem_optimizer_bytes,
mem_activations_bytes, mem_total_bytes, fits (0/1), invalid (bit mask, 0 = valid; see
INVALID_BITS; 256 alone means "valid but does not fit in memory").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

Num = Any  # a Python float or a numpy array; both flow through the same arithmetic
Arrays = Mapping[str, Num]

INVALID_BITS: dict[int, str] = {
    1: "tp·pp·cp·dp does not equal the GPU count",
    2: "tp does not divide the attention heads or the KV heads",
    4: "layers are not divisible by pp·vpp (ask for an uneven pipeline layout to allow it)",
    8: "global batch is not a whole number of micro-batches per data-parallel rank",
    16: "ep does not divide the experts or the tp·cp·dp ranks",
    32: "the hardware has no tensor cores for this precision",
    64: "sequence length is not divisible by 2·cp",
    128: "interleaved schedule needs micro-batches divisible by pp",
    256: "does not fit in GPU memory",
}


def _divides(a: Num, b: Num) -> Num:
    """1.0 where a divides b exactly."""
    return np.where(np.mod(b, np.maximum(a, 1)) == 0, 1.0, 0.0)


def _gemm_eff(hw: Arrays, dim: Num) -> Num:
    """GEMM efficiency vs its smallest dimension: a saturating curve max·d/(d + d_half)."""
    return hw["gemm_eff_max"] * dim / (dim + hw["gemm_dim_half"])


def _coll_time(hw: Arrays, wire_bytes: Num, msg_bytes: Num, steps: Num, scaleup: Num) -> Num:
    """latency·steps + wire bytes / (bw · eff(size)) on the tier the group lives on."""
    msg_bytes = np.maximum(msg_bytes, 1.0)
    su = steps * hw["su_latency_s"] + wire_bytes / (
        hw["su_bw_bytes_per_s"] * hw["su_eff"] * msg_bytes / (msg_bytes + hw["su_half_bytes"])
    )
    so = steps * hw["so_latency_s"] + wire_bytes / (
        hw["so_bw_bytes_per_s"] * hw["so_eff"] * msg_bytes / (msg_bytes + hw["so_half_bytes"])
    )
    return np.where(scaleup > 0, su, so)


def _per_gpu_params(cfg: Arrays, model: Arrays) -> tuple[Num, Num, Num]:
    """(dense params, expert params, total) held by the busiest pipeline stage's GPU."""
    tp, pp, ep = cfg["tp"], cfg["pp"], cfg["ep"]
    L = model["layers"]
    moe_layers = np.where(model["experts"] > 0, L - model["dense_layers"], 0.0)
    dense_mlp = model["mlp_mats"] * model["hidden"] * model["ffn"]
    expert = model["mlp_mats"] * model["hidden"] * model["moe_ffn"]
    layer_dense = (
        L * model["attn_params"]
        + (L - moe_layers) * dense_mlp
        + moe_layers * (model["shared"] * expert + model["hidden"] * model["experts"])
    ) / (tp * pp)
    emb = model["vocab"] * model["hidden"] / tp
    emb_stage = np.where((pp == 1) & (model["tied"] == 0), 2.0 * emb, emb)
    dense = layer_dense + emb_stage
    experts = moe_layers * model["experts"] * expert / (pp * np.maximum(ep, 1))
    return dense, experts, dense + experts


def evaluate(cfg: Arrays, hw: Arrays, model: Arrays) -> dict[str, Num]:
    """Step time, FLOP rates and memory per GPU for each configuration (see module contract)."""
    tp, pp, vpp, cp, ep, dp = cfg["tp"], cfg["pp"], cfg["vpp"], cfg["cp"], cfg["ep"], cfg["dp"]
    gbs, mbs, seq, ab = cfg["gbs"], cfg["mbs"], cfg["seq"], cfg["act_bytes"]
    L, h, a, V = model["layers"], model["hidden"], model["heads"], model["vocab"]
    E, topk = model["experts"], model["topk"]
    is_moe = np.where(E > 0, 1.0, 0.0)
    moe_frac = is_moe * (L - model["dense_layers"]) / L
    full = np.where(cfg["recompute"] == 2, cfg["recompute_frac"], 0.0)
    selective = np.where(cfg["recompute"] == 1, 1.0, 0.0) + np.where(
        cfg["recompute"] == 2, 1.0 - cfg["recompute_frac"], 0.0
    )
    overlap = np.where(cfg["overlap"] > 0, 1.0, 0.0)
    dom = hw["su_domain"]

    # ---- validity ---------------------------------------------------------------------------
    invalid = (
        np.where(tp * pp * cp * dp != cfg["gpus"], 1, 0)
        + 2 * np.where(_divides(tp, a) * _divides(tp, model["kv_heads"]) > 0, 0, 1)
        + 4 * np.where((_divides(pp * vpp, L) > 0) | (cfg["uneven"] > 0), 0, 1)
        + 8 * np.where(_divides(dp * mbs, gbs) > 0, 0, 1)
        + 16 * is_moe * np.where(_divides(ep, E) * _divides(ep, tp * cp * dp) > 0, 0, 1)
        + 16 * (1 - is_moe) * np.where(ep > 1, 1, 0)
        + 32 * np.where(hw["peak_flops_per_s"] > 0, 0, 1)
        + 64 * np.where((cp > 1) & (np.mod(seq, 2 * cp) != 0), 1, 0)
        + 128 * np.where((vpp > 1) & (np.mod(gbs / (dp * mbs), pp) != 0), 1, 0)
    )
    peak = np.where(hw["peak_flops_per_s"] > 0, hw["peak_flops_per_s"], 1.0)

    m = gbs / (dp * mbs)  # micro-batches per pipeline per step
    # layers on the busiest pipeline rank (an uneven layout gives some chunks one layer more)
    Ls = np.where(cfg["uneven"] > 0, np.ceil(L / (pp * vpp)) * vpp, L / pp)
    tok = mbs * seq / cp  # tokens a tp group holds per micro-batch
    sp_div = np.where(cfg["sp"] > 0, tp, 1.0)

    # ---- per-layer forward compute (per GPU) ------------------------------------------------
    dense_mlp_p = model["mlp_mats"] * h * model["ffn"]
    expert_p = model["mlp_mats"] * h * model["moe_ffn"]
    f_attn = 2.0 * tok * model["attn_params"] / tp
    f_dense = 2.0 * tok * dense_mlp_p / tp
    f_moe = 2.0 * tok * ((topk * model["imbalance"] + model["shared"]) * expert_p + h * E) / tp
    # causal attention visits seq/2 keys per query on average; a sliding window visits ≤ window
    win = np.where(model["window"] > 0, np.minimum(1.0, 2.0 * model["window"] / seq), 1.0)
    attn_scale = 1.0 - model["window_frac"] + model["window_frac"] * win
    f_core = 2.0 * tok * seq * a * (model["dqk"] + model["dv"]) / tp * attn_scale
    d_attn = np.minimum(tok, a * model["dqk"] / tp)
    d_dense = np.minimum(tok, model["ffn"] / tp)
    tok_expert = tok * topk * np.maximum(ep, 1) / (np.maximum(E, 1) * tp)
    d_moe = np.maximum(np.minimum(tok_expert, model["moe_ffn"]), 1.0)
    t_gemm = (
        f_attn / (peak * _gemm_eff(hw, d_attn))
        + (1 - moe_frac) * f_dense / (peak * _gemm_eff(hw, d_dense))
        + moe_frac * f_moe / (peak * _gemm_eff(hw, d_moe))
    )
    no_flash = np.where(cfg["flash"] > 0, 0.0, 1.0)
    attn_eff = np.where(cfg["flash"] > 0, hw["attn_eff"], hw["unfused_attn_eff"])
    t_core = f_core / (hw["bf16_flops_per_s"] * attn_eff)
    elem_bytes = tok * h * ab * (hw["elem_passes"] + cfg["low_precision"] * hw["cast_passes"])
    # routed copies of each token (topk of them) through permute, activation and unpermute
    routed_bytes = tok * topk * model["imbalance"] * (h + model["moe_ffn"]) * ab / tp
    elem_bytes = (
        elem_bytes / sp_div
        + no_flash * 3.0 * mbs * a / tp * seq * (seq / cp) * ab * attn_scale
        + moe_frac * routed_bytes * hw["moe_elem_passes"]
    )
    t_elem = elem_bytes / (hw["hbm_bw_bytes_per_s"] * hw["mem_eff"])
    t_fwd = t_gemm + t_core + t_elem + hw["layer_overhead_s"]
    t_recomp = full * t_fwd + selective * (t_core + no_flash * t_elem)
    t_layer = 3.0 * t_fwd + t_recomp

    # ---- communication inside a layer ------------------------------------------------------
    tp_msg = tok * h * ab
    tp_ar = _coll_time(hw, 2.0 * (tp - 1) / tp * tp_msg, tp_msg, 2.0 * (tp - 1), tp <= dom)
    tp_ar = np.where(tp > 1, tp_ar, 0.0)
    tp_comm = (4.0 + 2.0 * full) * tp_ar * (1.0 - overlap * hw["tp_overlap"])
    kv_bytes = tok * model["kv_dim"] * ab / tp
    cp_x = _coll_time(hw, (cp - 1) * kv_bytes, kv_bytes, cp - 1, tp * cp <= dom)
    cp_comm = np.where(cp > 1, np.maximum(3.0 * cp_x - 3.0 * t_core, 0.0), 0.0)
    a2a_msg = tok / tp * topk * h * ab
    # dispatch/combine kernels (DeepEP-style) batch all peers: efficiency follows the total size
    a2a = _coll_time(hw, (ep - 1) / ep * a2a_msg, a2a_msg, ep - 1, tp * ep <= dom)
    ep_comm = np.where(ep > 1, moe_frac * (4.0 + 2.0 * full) * a2a, 0.0)
    ep_comm = ep_comm * (1.0 - overlap * hw["ep_overlap"])

    t_busy = t_layer + tp_comm + cp_comm + ep_comm
    # a MoE layer cannot run faster than the host issues it (dropless routing syncs token counts
    # to the CPU each layer, so the launch queue cannot run ahead): fwd + bwd ≈ 3 forward floors
    t_busy = t_busy + moe_frac * np.maximum(3.0 * hw["moe_floor_s"] - t_busy, 0.0)
    t_stage = Ls * t_busy
    # output layer + loss on the last stage, in bf16
    f_logits = 2.0 * tok * V * h / tp
    t_logits = 3.0 * f_logits / (
        hw["bf16_flops_per_s"] * _gemm_eff(hw, np.minimum(tok, V / tp))
    ) + 3.0 * tok * V / tp * 4.0 / (hw["hbm_bw_bytes_per_s"] * hw["mem_eff"])
    # Megatron's scatter/gather: each TP rank sends 1/tp of the boundary activations on its own NIC
    p2p_msg = tok * h * ab / tp
    p2p = _coll_time(hw, p2p_msg, p2p_msg, 1.0, tp * cp * dp * pp <= dom)
    t_p2p = np.where(pp > 1, 2.0 * vpp * p2p, 0.0)
    bubble = (pp - 1) / vpp * (t_stage + t_p2p)
    pipeline = m * (t_stage + t_logits + t_p2p) + bubble

    # ---- data-parallel gradients / parameters ----------------------------------------------
    p_dense, p_expert, p_total = _per_gpu_params(cfg, model)
    dpn = dp * cp
    edp = tp * cp * dp / np.maximum(ep, 1)
    z3 = np.where(cfg["zero"] >= 3, 1.0, 0.0)
    passes = np.where(z3 > 0, 3.0 * m, 2.0)  # AR = RS + AG once per step; ZeRO-3 per micro-batch
    dp_dense = _coll_time(
        hw,
        passes * (dpn - 1) / dpn * p_dense * 2.0,
        p_dense * 2.0 / L,
        passes * (dpn - 1),
        tp * dpn <= dom,
    )
    dp_exp = _coll_time(
        hw,
        passes * (edp - 1) / edp * p_expert * 2.0,
        p_expert * 2.0 / L + 1.0,
        passes * (edp - 1),
        tp * cp * dp <= dom,
    )
    dp_comm = np.where(dpn > 1, dp_dense, 0.0) + np.where((edp > 1) & (E > 0), dp_exp, 0.0)
    ov = overlap * hw["dp_overlap"]
    dp_exposed = np.maximum(dp_comm - ov * pipeline, (1.0 - ov) * dp_comm)

    shard = np.where(cfg["zero"] >= 1, dpn, 1.0)
    optimizer = (
        (p_dense / shard + p_expert / np.where(cfg["zero"] >= 1, edp, 1.0))
        * 36.0
        / (hw["hbm_bw_bytes_per_s"] * hw["mem_eff"])
    )
    step = pipeline + dp_exposed + optimizer

    # ---- FLOP accounting (whole job) -------------------------------------------------------
    tokens = gbs * seq
    matmul_layers = (
        L * model["attn_params"]
        + L * (1 - moe_frac) * dense_mlp_p
        + L * moe_frac * ((topk + model["shared"]) * expert_p + h * E)
    )
    attn_tok = 2.0 * L * seq * a * (model["dqk"] + model["dv"]) * attn_scale
    model_flops = tokens * (6.0 * (matmul_layers + V * h) + 3.0 * attn_tok)
    hw_flops = model_flops + tokens * (
        full * (2.0 * matmul_layers + attn_tok) + selective * attn_tok
    )
    gpus = cfg["gpus"]

    # ---- memory per GPU (busiest = first stage) --------------------------------------------
    dp_shard_dense = np.where(cfg["zero"] >= 3, dpn, 1.0)
    dp_shard_exp = np.where(cfg["zero"] >= 3, edp, 1.0)
    weights = 2.0 * (p_dense / dp_shard_dense + p_expert / dp_shard_exp)
    g_shard = np.where(cfg["zero"] >= 2, 1.0, 0.0)
    grads = 2.0 * (
        p_dense / np.where(g_shard > 0, dpn, 1.0) + p_expert / np.where(g_shard > 0, edp, 1.0)
    )
    o_shard = np.where(cfg["zero"] >= 1, 1.0, 0.0)
    optim = 12.0 * (
        p_dense / np.where(o_shard > 0, dpn, 1.0) + p_expert / np.where(o_shard > 0, edp, 1.0)
    )
    # Korthikanti 2022 per-layer activations, generalised to any MLP width and MoE routing:
    # 24·sbh of the 34·sbh split across TP ranks (8·sbh attention + 2·mats·sb·ffn MLP), the other
    # 10·sbh split only with sequence parallelism, plus 5·a·s²·b of scores without flash/recompute.
    ffn_act = (1 - moe_frac) * model["ffn"] + moe_frac * (topk + model["shared"]) * model["moe_ffn"]
    sbh = tok * h
    # GQA saves K (for QKᵀ) and V (for softmax·V) at kv/a of MHA's 2·sbh each
    gqa_saving = 4.0 * sbh * (1.0 - model["kv_heads"] / a)
    shardable = 8.0 * sbh - gqa_saving + 2.0 * model["mlp_mats"] * tok * ffn_act
    scores = np.where(
        (cfg["flash"] > 0) | (cfg["recompute"] >= 1), 0.0, 5.0 * a * seq * (seq / cp) * mbs / tp
    )
    # fp8/fp4 GEMMs keep their saved inputs (QKV, projection, fc1: 3·sbh; fc2: sb·ffn) in 1 byte
    fp8_saving = cfg["low_precision"] * (3.0 * sbh + tok * ffn_act) / tp
    per_layer = shardable / tp + 10.0 * sbh / sp_div + scores - fp8_saving
    per_layer = np.where(full > 0, full * 2.0 * sbh / sp_div + (1.0 - full) * per_layer, per_layer)
    in_flight = np.minimum(m, pp) * (1.0 + np.where(vpp > 1, (pp - 1) / (pp * vpp), 0.0))
    logits = 4.0 * tok * V / tp
    # first stage holds the in-flight micro-batches; the last one a single one plus the logits
    first = per_layer * Ls * in_flight + np.where(pp == 1, logits, 0.0)
    acts = np.maximum(first, per_layer * Ls + logits)
    # ZeRO-3 gathers the current layer's weights (twice for prefetch)
    gathered = z3 * 2.0 * 2.0 * (p_total / Ls)
    total = (weights + grads + optim + acts + gathered) * (1.0 + hw["mem_frag"]) + hw[
        "mem_reserve_bytes"
    ]
    fits = np.where(total <= hw["hbm_bytes"], 1.0, 0.0)
    invalid = invalid + 256 * np.where(fits > 0, 0, 1)

    return {
        "step_s": step,
        "pipeline_s": pipeline,
        "bubble_s": bubble,
        "bubble_fraction": (pp - 1) / (m * vpp),
        "compute_s": m * Ls * (t_busy - tp_comm - cp_comm - ep_comm) + m * t_logits,
        "tp_comm_s": m * Ls * tp_comm,
        "cp_comm_s": m * Ls * cp_comm,
        "ep_comm_s": m * Ls * ep_comm,
        "pp_comm_s": m * t_p2p,
        "dp_comm_s": dp_comm,
        "dp_exposed_s": dp_exposed,
        "optimizer_s": optimizer,
        "microbatches": m,
        "model_flops_per_step": model_flops,
        "hw_flops_per_step": hw_flops,
        "tokens_per_step": tokens,
        "tokens_per_s_per_gpu": tokens / (step * gpus),
        "model_tflops_per_gpu": model_flops / (step * gpus) / 1e12,
        "hw_tflops_per_gpu": hw_flops / (step * gpus) / 1e12,
        "mfu": model_flops / (step * gpus * peak),
        "hfu": hw_flops / (step * gpus * peak),
        "mem_weights_bytes": weights,
        "mem_grads_bytes": grads,
        "mem_optimizer_bytes": optim,
        "mem_activations_bytes": acts + gathered,
        "mem_total_bytes": total,
        "fits": fits,
        "invalid": invalid,
    }
