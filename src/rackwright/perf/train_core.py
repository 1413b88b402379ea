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
  cp_allgather (0/1: context parallelism gathers K/V with an all-gather before attention, as
  Llama 3 does, exposed; 0 is Megatron-Core's ring of P2P exchanges hidden behind attention),
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
  cast_passes, mem_reserve_bytes, mem_frag, grouped_gemm_eff (share of the dense GEMM curve a
  grouped per-expert GEMM reaches at the same M on a GPU holding many experts; see
  ``grouped_gemm_share``).
model keys: layers, hidden, heads, kv_heads, dqk, dv (per-head score and value dims), ffn,
  mlp_mats (2 or 3), vocab, tied (0/1), experts, topk, moe_ffn, shared, dense_layers, imbalance,
  attn_params (per layer), kv_dim (K+V width per token per layer), window (sliding-window tokens,
  0 none), window_frac (share of layers using the window).

Returned keys (seconds, bytes, FLOPs; per GPU unless named otherwise): step_s, pipeline_s,
bubble_s, bubble_fraction ((pp-1)/(m·vpp)), compute_s, tp_comm_s, cp_comm_s, ep_comm_s,
pp_comm_s, dp_comm_s, dp_exposed_s, optimizer_s, microbatches, model_flops_per_step,
hw_flops_per_step, model_flops_full_per_step, hw_flops_full_per_step, tokens_per_step,
tokens_per_s_per_gpu, model_tflops_per_gpu, hw_tflops_per_gpu, model_tflops_full_per_gpu,
hw_tflops_full_per_gpu, mfu, hfu, mem_weights_bytes, mem_grads_bytes, mem_optimizer_bytes,
mem_activations_bytes, mem_total_bytes, fits (0/1), invalid (bit mask, 0 = valid; see
INVALID_BITS; 256 alone means "valid but does not fit in memory").

FLOP conventions: ``model_flops`` / ``mfu`` count causal attention as executed, seq/2 keys per
query on average (what a causal flash kernel computes); the ``*_full_*`` figures count every key,
the Megatron-LM / NeMo / Megatron-Bridge accounting behind their "model TFLOP/s" and Narayanan
2021's hardware TFLOP/s. ``hw_flops`` adds recomputation (and, without a fused kernel, the full
score matrix the unfused path multiplies).
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


def grouped_gemm_share(share: Num, local_experts: Num) -> Num:
    """The share of the dense GEMM curve a grouped expert GEMM reaches on one GPU.

    ``share`` is the fitted figure for a GPU holding many experts (many small GEMMs in one
    launch, each with its own tail tiles and weight loads); a GPU holding one expert runs one
    plain GEMM. In between the loss shrinks with the number of groups:
    share + (1 - share) / local_experts (Mixtral-8x7B at EP8 holds one expert per GPU,
    DeepSeek-V3 at EP64 four, a DeepSeek-R1 DEP8 instance 32).
    """
    n = np.maximum(local_experts, 1.0)
    return share + (1.0 - share) / n


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


def _common(cfg: Arrays, hw: Arrays, model: Arrays) -> dict[str, Num]:
    """Terms every later step shares: micro-batches, layers per stage, tokens, recompute shares."""
    L, E = model["layers"], model["experts"]
    is_moe = np.where(E > 0, 1.0, 0.0)
    pp, vpp = cfg["pp"], cfg["vpp"]
    # layers on the busiest pipeline rank (an uneven layout gives some chunks one layer more)
    stage_layers = np.where(cfg["uneven"] > 0, np.ceil(L / (pp * vpp)) * vpp, L / pp)
    return {
        "is_moe": is_moe,
        "moe_frac": is_moe * (L - model["dense_layers"]) / L,
        "full": np.where(cfg["recompute"] == 2, cfg["recompute_frac"], 0.0),
        "selective": np.where(cfg["recompute"] == 1, 1.0, 0.0)
        + np.where(cfg["recompute"] == 2, 1.0 - cfg["recompute_frac"], 0.0),
        "overlap": np.where(cfg["overlap"] > 0, 1.0, 0.0),
        "peak": np.where(hw["peak_flops_per_s"] > 0, hw["peak_flops_per_s"], 1.0),
        "m": cfg["gbs"] / (cfg["dp"] * cfg["mbs"]),  # micro-batches per pipeline per step
        "Ls": stage_layers,
        "tok": cfg["mbs"] * cfg["seq"] / cfg["cp"],  # tokens a tp group holds per micro-batch
        "sp_div": np.where(cfg["sp"] > 0, cfg["tp"], 1.0),
        # causal attention visits seq/2 keys per query on average; a window visits ≤ window
        "attn_scale": 1.0
        - model["window_frac"]
        + model["window_frac"]
        * np.where(model["window"] > 0, np.minimum(1.0, 2.0 * model["window"] / cfg["seq"]), 1.0),
        "z3_per_mb": _zero3_per_microbatch(cfg),
    }


def _zero3_per_microbatch(cfg: Arrays) -> Num:
    """1 where ZeRO-3/FSDP re-gathers weights for every micro-batch.

    Without a pipeline, FSDP gathers each layer's weights for the forward and again for the
    backward of every micro-batch and reduce-scatters its gradients. Under pipeline parallelism
    the gathered shard stays resident for the whole step (Llama 3 paper, section 3.3.2: optimizer
    state and gradients sharded, parameters not resharded after the forward), so it is gathered
    once and its gradients reduce-scattered once, as with ZeRO-1/2.
    """
    return np.where(cfg["zero"] >= 3, 1.0, 0.0) * np.where(cfg["pp"] > 1, 0.0, 1.0)


def _invalid_bits(cfg: Arrays, hw: Arrays, model: Arrays, c: dict[str, Num]) -> Num:
    """The structural validity mask (INVALID_BITS without 256)."""
    tp, pp, vpp, cp, ep, dp = cfg["tp"], cfg["pp"], cfg["vpp"], cfg["cp"], cfg["ep"], cfg["dp"]
    gbs, mbs, L, E = cfg["gbs"], cfg["mbs"], model["layers"], model["experts"]
    is_moe = c["is_moe"]
    return (
        np.where(tp * pp * cp * dp != cfg["gpus"], 1, 0)
        + 2 * np.where(_divides(tp, model["heads"]) * _divides(tp, model["kv_heads"]) > 0, 0, 1)
        + 4 * np.where((_divides(pp * vpp, L) > 0) | (cfg["uneven"] > 0), 0, 1)
        + 8 * np.where(_divides(dp * mbs, gbs) > 0, 0, 1)
        + 16 * is_moe * np.where(_divides(ep, E) * _divides(ep, tp * cp * dp) > 0, 0, 1)
        + 16 * (1 - is_moe) * np.where(ep > 1, 1, 0)
        + 32 * np.where(hw["peak_flops_per_s"] > 0, 0, 1)
        + 64 * np.where((cp > 1) & (np.mod(cfg["seq"], 2 * cp) != 0), 1, 0)
        + 128 * np.where((vpp > 1) & (np.mod(gbs / (dp * mbs), pp) != 0), 1, 0)
    )


def _layer_forward(cfg: Arrays, hw: Arrays, model: Arrays, c: dict[str, Num]) -> dict[str, Num]:
    """Forward time of one layer on one GPU: GEMMs, attention core, element-wise traffic."""
    tp, ep, ab, seq = cfg["tp"], cfg["ep"], cfg["act_bytes"], cfg["seq"]
    h, a, E, topk = model["hidden"], model["heads"], model["experts"], model["topk"]
    tok, moe_frac, peak = c["tok"], c["moe_frac"], c["peak"]
    dense_mlp_p = model["mlp_mats"] * h * model["ffn"]
    expert_p = model["mlp_mats"] * h * model["moe_ffn"]
    f_attn = 2.0 * tok * model["attn_params"] / tp
    f_dense = 2.0 * tok * dense_mlp_p / tp
    f_moe = 2.0 * tok * ((topk * model["imbalance"] + model["shared"]) * expert_p + h * E) / tp
    # every key (full accounting); a fused causal kernel skips the masked half, the unfused
    # path (2021-22 Megatron-LM) multiplies the whole score matrix and masks it afterwards
    f_core_full = 2.0 * tok * seq * a * (model["dqk"] + model["dv"]) / tp * c["attn_scale"]
    f_core = f_core_full * np.where(cfg["flash"] > 0, 0.5, 1.0)
    d_attn = np.minimum(tok, a * model["dqk"] / tp)
    d_dense = np.minimum(tok, model["ffn"] / tp)
    # grouped expert GEMMs run at the efficiency of their own M: tokens per local expert
    tok_expert = tok * topk * np.maximum(ep, 1) / (np.maximum(E, 1) * tp)
    d_moe = np.maximum(np.minimum(tok_expert, model["moe_ffn"]), 1.0)
    grouped = grouped_gemm_share(hw["grouped_gemm_eff"], E / np.maximum(ep, 1))
    t_gemm = (
        f_attn / (peak * _gemm_eff(hw, np.maximum(d_attn, 1.0)))
        + (1 - moe_frac) * f_dense / (peak * _gemm_eff(hw, np.maximum(d_dense, 1.0)))
        + moe_frac * f_moe / (peak * _gemm_eff(hw, d_moe) * grouped)
    )
    no_flash = np.where(cfg["flash"] > 0, 0.0, 1.0)
    attn_eff = np.where(cfg["flash"] > 0, hw["attn_eff"], hw["unfused_attn_eff"])
    t_core = f_core / (hw["bf16_flops_per_s"] * attn_eff)
    elem_bytes = tok * h * ab * (hw["elem_passes"] + cfg["low_precision"] * hw["cast_passes"])
    # routed copies of each token (topk of them) through permute, activation and unpermute
    routed_bytes = tok * topk * model["imbalance"] * (h + model["moe_ffn"]) * ab / tp
    elem_bytes = (
        elem_bytes / c["sp_div"]
        + no_flash * 3.0 * cfg["mbs"] * a / tp * seq * (seq / cfg["cp"]) * ab * c["attn_scale"]
        + moe_frac * routed_bytes * hw["moe_elem_passes"]
    )
    t_elem = elem_bytes / (hw["hbm_bw_bytes_per_s"] * hw["mem_eff"])
    t_fwd = t_gemm + t_core + t_elem + hw["layer_overhead_s"]
    t_recomp = c["full"] * t_fwd + c["selective"] * (t_core + no_flash * t_elem)
    return {"t_core": t_core, "t_layer": 3.0 * t_fwd + t_recomp}


def _exposed(comm: Num, compute: Num, overlap: Num) -> Num:
    """The part of ``comm`` left on the critical path when a share ``overlap`` of it runs beside
    ``compute``: an overlapped collective can hide behind at most the kernels it runs beside, so a
    collective longer than the layer's compute is exposed by the excess (as the data-parallel
    gradient reduction is against the pipeline)."""
    return np.maximum(comm - overlap * compute, (1.0 - overlap) * comm)


def _layer_comm(
    cfg: Arrays, hw: Arrays, model: Arrays, c: dict[str, Num], fwd: dict[str, Num]
) -> tuple[Num, Num, Num]:
    """(tp, cp, ep) communication per layer on one GPU, after what overlaps the layer's kernels."""
    t_core, t_layer = fwd["t_core"], fwd["t_layer"]
    tp, cp, ep, ab = cfg["tp"], cfg["cp"], cfg["ep"], cfg["act_bytes"]
    tok, full, dom, h = c["tok"], c["full"], hw["su_domain"], model["hidden"]
    tp_msg = tok * h * ab
    tp_ar = _coll_time(hw, 2.0 * (tp - 1) / tp * tp_msg, tp_msg, 2.0 * (tp - 1), tp <= dom)
    tp_ar = np.where(tp > 1, tp_ar, 0.0)
    tp_comm = _exposed((4.0 + 2.0 * full) * tp_ar, t_layer, c["overlap"] * hw["tp_overlap"])
    kv_bytes = tok * model["kv_dim"] * ab / tp
    cp_x = _coll_time(hw, (cp - 1) * kv_bytes, kv_bytes, cp - 1, tp * cp <= dom)
    # ring P2P hides behind attention; an all-gather (Llama 3) runs before it, exposed
    cp_hidden = np.maximum(3.0 * cp_x - 3.0 * t_core, 0.0)
    cp_comm = np.where(cp > 1, np.where(cfg["cp_allgather"] > 0, 3.0 * cp_x, cp_hidden), 0.0)
    a2a_msg = tok / tp * model["topk"] * h * ab
    # dispatch/combine kernels (DeepEP-style) batch all peers: efficiency follows the total size
    a2a = _coll_time(hw, (ep - 1) / ep * a2a_msg, a2a_msg, ep - 1, tp * ep <= dom)
    ep_comm = np.where(ep > 1, c["moe_frac"] * (4.0 + 2.0 * full) * a2a, 0.0)
    # a dispatch that crosses the scale-out fabric can outlast the expert GEMMs beside it
    ep_comm = _exposed(ep_comm, c["moe_frac"] * t_layer, c["overlap"] * hw["ep_overlap"])
    return tp_comm, cp_comm, ep_comm


def _pipeline(cfg: Arrays, hw: Arrays, model: Arrays, c: dict[str, Num]) -> dict[str, Num]:
    """One pipeline's busy time for the step: stages, logits, P2P, bubble."""
    tp, pp, vpp, ab = cfg["tp"], cfg["pp"], cfg["vpp"], cfg["act_bytes"]
    tok, V, h, m = c["tok"], model["vocab"], model["hidden"], c["m"]
    fwd = _layer_forward(cfg, hw, model, c)
    tp_comm, cp_comm, ep_comm = _layer_comm(cfg, hw, model, c, fwd)
    t_busy = fwd["t_layer"] + tp_comm + cp_comm + ep_comm
    # a MoE layer cannot run faster than the host issues it (dropless routing syncs token counts
    # to the CPU each layer, so the launch queue cannot run ahead): fwd + bwd ≈ 3 forward floors
    t_busy = t_busy + c["moe_frac"] * np.maximum(3.0 * hw["moe_floor_s"] - t_busy, 0.0)
    t_stage = c["Ls"] * t_busy
    # output layer + loss on the last stage, in bf16
    f_logits = 2.0 * tok * V * h / tp
    t_logits = 3.0 * f_logits / (
        hw["bf16_flops_per_s"] * _gemm_eff(hw, np.minimum(tok, V / tp))
    ) + 3.0 * tok * V / tp * 4.0 / (hw["hbm_bw_bytes_per_s"] * hw["mem_eff"])
    # Megatron's scatter/gather: each TP rank sends 1/tp of the boundary activations on its own NIC
    p2p_msg = tok * h * ab / tp
    p2p = _coll_time(hw, p2p_msg, p2p_msg, 1.0, tp * cfg["cp"] * cfg["dp"] * pp <= hw["su_domain"])
    t_p2p = np.where(pp > 1, 2.0 * vpp * p2p, 0.0)
    bubble = (pp - 1) / vpp * (t_stage + t_p2p)
    Ls = c["Ls"]
    return {
        "pipeline_s": m * (t_stage + t_logits + t_p2p) + bubble,
        "bubble_s": bubble,
        "compute_s": m * Ls * (t_busy - tp_comm - cp_comm - ep_comm) + m * t_logits,
        "tp_comm_s": m * Ls * tp_comm,
        "cp_comm_s": m * Ls * cp_comm,
        "ep_comm_s": m * Ls * ep_comm,
        "pp_comm_s": m * t_p2p,
    }


def _data_parallel(
    cfg: Arrays, hw: Arrays, model: Arrays, c: dict[str, Num], pipeline: Num
) -> dict[str, Num]:
    """Gradient / parameter collectives (exposed part) and the optimizer step."""
    tp, cp, dp, L = cfg["tp"], cfg["cp"], cfg["dp"], model["layers"]
    p_dense, p_expert, _ = _per_gpu_params(cfg, model)
    dpn = dp * cp
    edp = tp * cp * dp / np.maximum(cfg["ep"], 1)
    passes = np.where(c["z3_per_mb"] > 0, 3.0 * c["m"], 2.0)  # AR = RS + AG once per step
    dom = hw["su_domain"]
    wire = passes * p_dense * 2.0
    dp_dense = _coll_time(hw, wire * (dpn - 1) / dpn, p_dense * 2.0 / L, passes * (dpn - 1),
                          tp * dpn <= dom)  # fmt: skip
    dp_exp = _coll_time(hw, passes * (edp - 1) / edp * p_expert * 2.0, p_expert * 2.0 / L + 1.0,
                        passes * (edp - 1), tp * cp * dp <= dom)  # fmt: skip
    dp_comm = np.where(dpn > 1, dp_dense, 0.0) + np.where(
        (edp > 1) & (model["experts"] > 0), dp_exp, 0.0
    )
    ov = c["overlap"] * hw["dp_overlap"]
    dp_exposed = np.maximum(dp_comm - ov * pipeline, (1.0 - ov) * dp_comm)
    shard = np.where(cfg["zero"] >= 1, dpn, 1.0)
    optimizer = (
        (p_dense / shard + p_expert / np.where(cfg["zero"] >= 1, edp, 1.0))
        * 36.0
        / (hw["hbm_bw_bytes_per_s"] * hw["mem_eff"])
    )
    return {"dp_comm_s": dp_comm, "dp_exposed_s": dp_exposed, "optimizer_s": optimizer}


def _flop_counts(cfg: Arrays, model: Arrays, c: dict[str, Num]) -> dict[str, Num]:
    """Model and hardware FLOPs of the whole step, causal and full-attention conventions."""
    L, h, V, E, topk = (
        model["layers"],
        model["hidden"],
        model["vocab"],
        model["experts"],
        model["topk"],
    )
    tokens = cfg["gbs"] * cfg["seq"]
    moe_frac, full, selective = c["moe_frac"], c["full"], c["selective"]
    matmul_layers = (
        L * model["attn_params"]
        + L * (1 - moe_frac) * model["mlp_mats"] * h * model["ffn"]
        + L
        * moe_frac
        * ((topk + model["shared"]) * model["mlp_mats"] * h * model["moe_ffn"] + h * E)
    )
    # forward attention FLOPs per token counting every key
    attn_full = (
        2.0 * L * cfg["seq"] * model["heads"] * (model["dqk"] + model["dv"]) * c["attn_scale"]
    )
    attn_exec = attn_full * np.where(cfg["flash"] > 0, 0.5, 1.0)

    def flops(attn: Num) -> tuple[Num, Num]:
        model_f = tokens * (6.0 * (matmul_layers + V * h) + 3.0 * attn)
        hw_f = model_f + tokens * (full * (2.0 * matmul_layers + attn) + selective * attn)
        return model_f, hw_f

    model_flops, hw_flops = flops(0.5 * attn_full)
    model_flops_full, hw_flops_full = flops(attn_full)
    hw_flops = hw_flops + tokens * (attn_exec - 0.5 * attn_full) * (3.0 + full + selective)
    return {
        "tokens_per_step": tokens,
        "model_flops_per_step": model_flops,
        "hw_flops_per_step": hw_flops,
        "model_flops_full_per_step": model_flops_full,
        "hw_flops_full_per_step": hw_flops_full,
    }


def _memory(cfg: Arrays, hw: Arrays, model: Arrays, c: dict[str, Num]) -> dict[str, Num]:
    """Memory per GPU on the busiest (first) pipeline stage."""
    tp, pp, vpp, cp, dp, mbs = cfg["tp"], cfg["pp"], cfg["vpp"], cfg["cp"], cfg["dp"], cfg["mbs"]
    h, a, V, seq = model["hidden"], model["heads"], model["vocab"], cfg["seq"]
    tok, moe_frac, full, sp_div, Ls = c["tok"], c["moe_frac"], c["full"], c["sp_div"], c["Ls"]
    p_dense, p_expert, p_total = _per_gpu_params(cfg, model)
    dpn = dp * cp
    edp = tp * cp * dp / np.maximum(cfg["ep"], 1)
    z3 = c["z3_per_mb"]
    weights = 2.0 * (p_dense / np.where(z3 > 0, dpn, 1.0) + p_expert / np.where(z3 > 0, edp, 1.0))
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
    topk, shared = model["topk"], model["shared"]
    ffn_act = (1 - moe_frac) * model["ffn"] + moe_frac * (topk + shared) * model["moe_ffn"]
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
    in_flight = np.minimum(c["m"], pp) * (1.0 + np.where(vpp > 1, (pp - 1) / (pp * vpp), 0.0))
    logits = 4.0 * tok * V / tp
    # first stage holds the in-flight micro-batches; the last one a single one plus the logits
    first = per_layer * Ls * in_flight + np.where(pp == 1, logits, 0.0)
    acts = np.maximum(first, per_layer * Ls + logits)
    # ZeRO-3 without a pipeline gathers the current layer's weights (twice for prefetch)
    gathered = z3 * 2.0 * 2.0 * (p_total / Ls)
    total = (weights + grads + optim + acts + gathered) * (1.0 + hw["mem_frag"]) + hw[
        "mem_reserve_bytes"
    ]
    return {
        "mem_weights_bytes": weights,
        "mem_grads_bytes": grads,
        "mem_optimizer_bytes": optim,
        "mem_activations_bytes": acts + gathered,
        "mem_total_bytes": total,
    }


def evaluate(cfg: Arrays, hw: Arrays, model: Arrays) -> dict[str, Num]:
    """Step time, FLOP rates and memory per GPU for each configuration (see module contract)."""
    c = _common(cfg, hw, model)
    out: dict[str, Num] = _pipeline(cfg, hw, model, c)
    out.update(_data_parallel(cfg, hw, model, c, out["pipeline_s"]))
    step = out["pipeline_s"] + out["dp_exposed_s"] + out["optimizer_s"]
    out.update(_flop_counts(cfg, model, c))
    out.update(_memory(cfg, hw, model, c))
    fits = np.where(out["mem_total_bytes"] <= hw["hbm_bytes"], 1.0, 0.0)
    per_gpu_s = step * cfg["gpus"]
    out.update(
        {
            "step_s": step,
            "bubble_fraction": (cfg["pp"] - 1) / (c["m"] * cfg["vpp"]),
            "microbatches": c["m"],
            "tokens_per_s_per_gpu": out["tokens_per_step"] / per_gpu_s,
            "model_tflops_per_gpu": out["model_flops_per_step"] / per_gpu_s / 1e12,
            "hw_tflops_per_gpu": out["hw_flops_per_step"] / per_gpu_s / 1e12,
            "model_tflops_full_per_gpu": out["model_flops_full_per_step"] / per_gpu_s / 1e12,
            "hw_tflops_full_per_gpu": out["hw_flops_full_per_step"] / per_gpu_s / 1e12,
            "mfu": out["model_flops_per_step"] / (per_gpu_s * c["peak"]),
            "hfu": out["hw_flops_per_step"] / (per_gpu_s * c["peak"]),
            "fits": fits,
            "invalid": _invalid_bits(cfg, hw, model, c) + 256 * np.where(fits > 0, 0, 1),
        }
    )
    return out
