"""Inference: prefill and decode with continuous batching, KV capacity, latency and server rate.

Layout. One serving instance spans ``max(tp, ep) · pp`` GPUs. Attention and the dense layers are
tensor-parallel over ``tp`` GPUs; the routed experts are spread over every GPU of a pipeline stage
(expert parallelism ``ep``, with expert tensor parallelism inside a group when ``ep < tp``). When
``ep > tp`` the instance runs attention data-parallel (DEP): ``ep / tp`` attention ranks, each
with its own requests, its own KV cache and its own batch limit, meeting at every MoE layer's
all-to-all.

A scheduler step runs one decode token for every running request of a rank plus the prefill tokens
the continuous batcher mixes in (chunked prefill): on average ``isl/osl`` prefill tokens per decode
token. Kernels run one after another, each bounded by its own resource (a roofline per kernel): a
GEMM by its FLOPs at the efficiency of its own M (the saturating curve training calibrates, so a
GEMM of a few hundred rows runs below the large-GEMM figure) or by the weight bytes it reads,
whichever is longer, with M the tokens (tokens per expert for the grouped expert GEMMs, whose
weights are read only for experts some token reaches, in the format ``expert_gemm_precision`` says:
4-bit experts beside wider activations run mixed-input GEMMs, and whose curve has its half point at
the hardware's roofline ridge, ``expert_ridge_tokens``), decode attention by its FLOPs or the
KV bytes it reads (at the paged-KV kernel's own share of HBM bandwidth, not the weight stream's),
prefill attention by its FLOPs; their times add. Tensor parallelism adds two
all-reduces per layer, attention data parallelism a dispatch and a combine per MoE layer.
Element-wise kernels (norms, activations, residuals, casts; the routed tokens' permute and
unpermute) move activations through HBM with the per-token pass counts training calibrates, forward
only. The engine's host work per step (scheduling, sampling, bookkeeping) is a fixed time plus a
time per running request; it runs while the GPU executes the previous step (TensorRT-LLM's overlap
scheduler, on by default in its PyTorch backend), so a step takes the longer of the two, not their
sum (a request's first prefill still waits for its own scheduling). Every MoE layer waits for the
busiest attention rank. Under Poisson arrivals (server mode) prompts reach each rank as a Poisson
number per step, so the busiest of ``d`` ranks carries about sqrt(2 ln d) standard deviations more
prefill tokens (the expected maximum of ``d`` normal variables); a saturated offline run of
equal-length requests keeps the ranks in step, so its ranks are balanced. Sliding-window layers hold
and read only their window of keys. With pipeline parallelism ``pp`` micro-batches are in flight and
a token crosses every stage.

A closed offline run of a stated number of requests, all queued at once with equal lengths
(trtllm-bench), runs in waves of the running batch; the requests left over after the whole waves
run a last wave at a batch of only their number (``closed_run_tokens_per_s``).

Server mode (MLPerf style) uses a queueing approximation: Little's law sets the running batch for
an arrival rate (B = λ·(TTFT + osl·TPOT)); a request waits for one of the KV-cache slots as in an
M/M/c queue (c = max batch, Sakasegawa's mean-wait formula) and p99 wait ≈ 3 × mean; TTFT adds
the request's own prefill and one step; TPOT p99 ≈ 1.15 × the mean step; and a fitted
``server_load`` caps the usable fraction of the offline capacity (Poisson arrivals leave batch
slots idle).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from rackwright.errors import InfeasibleError
from rackwright.perf.efficiency import Efficiency, load_efficiency
from rackwright.perf.hardware import HardwareView
from rackwright.perf.models import ModelArch
from rackwright.perf.train_core import grouped_gemm_share
from rackwright.precision import Precision, PrecisionClass, PrecisionField

TPOT_P99_FACTOR = 1.15
SERVER_GRID_POINTS = 48  # batch sizes the server-mode step time is tabulated at (log-spaced)
TTFT_WAIT_P99_FACTOR = 3.0
# assumption: running requests one attention rank's scheduler holds at most when memory allows
# more (TensorRT-LLM's perf-overview runs capture CUDA graphs for batches up to 8192 but rarely
# exceed a few thousand per rank; vLLM's max_num_seqs defaults lower)
MAX_BATCH = 4096
# bytes of one activation element on the wire (bf16), and of an fp8-quantised dispatch
ACT_BYTES = 2.0


class InferenceConfig(BaseModel):
    """One serving instance and its workload."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    gpus: int = Field(default=0, ge=0, description="GPUs of one instance; 0: max(tp, ep)·pp")
    tp: int = Field(default=1, gt=0)
    pp: int = Field(default=1, gt=0)
    ep: int = Field(default=1, gt=0)
    attn_dp: bool = Field(
        default=False, description="attention data-parallel over ep/tp ranks (implied by ep > tp)"
    )
    precision: PrecisionField = Precision.FP8
    kv_bytes: float = Field(default=0.0, ge=0, description="0: 1 for fp8/fp4, else 2")
    expert_weight_bytes: float = Field(
        default=0.0, ge=0, description="bytes per routed-expert weight; 0: the precision's"
    )
    isl: int = Field(default=1024, gt=0)
    osl: int = Field(default=256, gt=0)
    rate_req_per_s: float | None = Field(default=None, gt=0)
    ttft_limit_s: float = Field(default=2.0, gt=0)
    tpot_limit_s: float = Field(default=0.2, gt=0)
    max_batch: int = Field(
        default=0, ge=0, description="running requests per attention rank; 0: what memory holds"
    )
    requests: int = Field(
        default=0,
        ge=0,
        description="requests of one closed offline run of this instance, all queued at the "
        "start with equal lengths (trtllm-bench's dataset); 0: a steady state",
    )

    @property
    def instance_gpus(self) -> int:
        """GPUs of one instance."""
        return max(self.tp, self.ep) * self.pp

    @property
    def attn_ranks(self) -> int:
        """Attention data-parallel ranks of one instance (1 without attention DP)."""
        return max(self.ep // self.tp, 1)


class InferencePrediction(BaseModel):
    """Predicted serving behaviour of one instance."""

    model_config = ConfigDict(frozen=True)

    gpus: int
    attn_ranks: int
    weights_bytes_per_gpu: float
    kv_bytes_per_token_per_gpu: float
    max_batch: int  # running requests per attention rank
    prefill_s: float
    decode_step_s: float
    idle_tpot_s: float
    max_throughput_tokens_per_s: float
    run_tokens_per_s: float | None = None  # the closed run of cfg.requests, when given
    server_tokens_per_s: float
    max_rate_req_per_s: float
    ttft_s: float | None = None
    tpot_s: float | None = None
    meets_limits: bool | None = None
    limit_reason: str = ""


@dataclass(frozen=True)
class _Rates:
    """The hardware rates one instance's kernels run at (per GPU)."""

    peak: float
    attn_flops: float
    eff_max: float
    dim_half: float
    bw: float
    kv_bw: float
    overhead: float
    per_request: float
    ar_latency: float
    su_bw: float
    su_eff: float
    su_half: float
    su_latency: float
    so_bw: float
    so_eff: float
    so_half: float
    so_latency: float
    server_load: float
    elem_passes: float
    moe_elem_passes: float

    @classmethod
    def of(cls, hw: HardwareView, eff: Efficiency, prec: Precision) -> _Rates:
        """Rates from the hardware view and the efficiency parameters for ``prec``."""
        arch, fab = hw.architecture, hw.fabric

        def get(name: str) -> float:
            return eff.get(name, arch, prec, fab)

        return cls(
            peak=hw.flops_per_s(prec),
            attn_flops=hw.bf16_flops_per_s * get("attn_eff"),
            eff_max=get("gemm_eff_max"),
            dim_half=get("gemm_dim_half"),
            bw=hw.hbm_bw_bytes_per_s * get("mem_eff"),
            kv_bw=hw.hbm_bw_bytes_per_s * get("kv_mem_eff"),
            overhead=get("step_overhead_s"),
            per_request=get("request_overhead_s"),
            ar_latency=get("infer_ar_latency_s"),
            su_bw=hw.scaleup_bw_bytes_per_s,
            su_eff=get("su_eff"),
            su_half=get("su_half_bytes"),
            su_latency=get("su_latency_s"),
            so_bw=hw.scaleout_bw_bytes_per_s,
            so_eff=get("so_eff"),
            so_half=get("so_half_bytes"),
            so_latency=get("so_latency_s"),
            server_load=get("server_load"),
            elem_passes=get("elem_passes") + (get("cast_passes") if prec.is_low else 0.0),
            moe_elem_passes=get("moe_elem_passes"),
        )

    def gemm_s(self, params: float, tokens: float, split: float, weight_bytes: float) -> float:
        """One GEMM phase at M = ``tokens``: its FLOPs at the efficiency of its own M (the
        saturating curve training calibrates, eff_max·M/(M + dim_half)), or its weight bytes,
        whichever is longer (below the ridge point M the kernel streams its weights)."""
        if tokens <= 0 or params <= 0:
            return 0.0
        eff = self.eff_max * tokens / (tokens + self.dim_half)
        compute = 2.0 * params * tokens / split / (self.peak * eff)
        return max(compute, params * weight_bytes / split / self.bw)

    def wire_s(self, nbytes: float, steps: float, scaleup: bool) -> float:
        """``nbytes`` over the scale-up (or scale-out) tier in ``steps`` latency hops."""
        if nbytes <= 0:
            return 0.0
        if scaleup:
            bw = self.su_bw * self.su_eff * nbytes / (nbytes + self.su_half)
            return steps * self.su_latency + nbytes / bw
        bw = self.so_bw * self.so_eff * nbytes / (nbytes + self.so_half)
        return steps * self.so_latency + nbytes / bw


def expert_gemm_precision(hw: HardwareView, precision: Precision, expert_bytes: float) -> Precision:
    """The tensor-core format the routed-expert GEMMs run at.

    A 4-bit checkpoint quantised end to end (NVFP4: weights and activations) runs at the 4-bit
    rate. 4-bit expert weights beside wider activations (gpt-oss's MXFP4 experts in a bf16
    checkpoint) run a mixed-input GEMM: on Blackwell TensorRT-LLM pairs them with MXFP8
    activations (TensorRT-LLM examples/models/core/gpt_oss/README.md, "MoE Support Matrix"),
    which the tensor cores take at the 8-bit rate (assumption A-perf-w4a8: the 4-bit rate needs
    both operands 4-bit); on GPUs without 4-bit tensor cores (Hopper) the weights are
    dequantised inside a GEMM on the 16-bit cores (the README's bf16 activations; Triton's
    MXFP4 MoE kernels, Marlin-style W4A16). Other experts run at the GEMM precision.
    """
    if precision.klass is PrecisionClass.FP4 or expert_bytes >= 1.0:
        return precision
    if hw.fp4_flops_per_s and hw.fp8_flops_per_s:
        return Precision.FP8_MX
    return Precision.BF16


def expert_ridge_tokens(peak: float, kernel_eff: float, weight_bytes: float, bw: float) -> float:
    """The half-efficiency M of the expert GEMMs' curve, from the hardware: the roofline ridge.

    A touched expert's GEMM at M tokens does 2·M FLOPs per weight and reads ``weight_bytes`` per
    weight; at ``peak``·``kernel_eff`` FLOP/s and ``bw`` bytes/s of HBM the math and the weight
    stream take equally long at M = peak·eff·bytes / (2·bw). With that M as the curve's half
    point, eff·M/(M + ridge) charges the GEMM its math at the kernel's large-M efficiency plus
    the time to stream its weights (a smooth roofline), so decode at a few tokens per expert
    costs about the weight stream and prefill at thousands about the math. The training GEMMs'
    fitted half point is no ridge for these kernels: it is identified at M of thousands, where
    it barely matters, and it moved between 100 and 566 tokens on Blackwell fp8 with the rows
    fitted, flooring gpt-oss's MXFP4 experts at two to four times their weight stream (held
    out, InferenceMAX's B200 rows at 64-128 requests came out 39-57 % too slow).
    """
    return peak * kernel_eff * weight_bytes / (2.0 * bw)


def is_dequantising(expert_precision: Precision, expert_bytes: float) -> bool:
    """Whether the expert GEMMs dequantise 4-bit weights onto 16-bit tensor cores (W4A16)."""
    return expert_precision.klass is PrecisionClass.BF16 and expert_bytes < 1.0


def _check_layout(model: ModelArch, cfg: InferenceConfig) -> None:
    """InfeasibleError naming the degree that does not fit the model or the layout."""
    if model.heads % cfg.tp or (
        model.attention != "mla" and model.kv % cfg.tp and cfg.tp % model.kv
    ):
        raise InfeasibleError("tp must divide the attention heads", field="tp", value=cfg.tp)
    if not model.is_moe and cfg.ep > 1:
        raise InfeasibleError("ep > 1 needs a MoE model", field="ep", value=cfg.ep)
    if model.is_moe and model.experts % cfg.ep:
        raise InfeasibleError("ep must divide the experts", field="ep", value=cfg.ep)
    if cfg.ep > cfg.tp and cfg.ep % cfg.tp:
        raise InfeasibleError("ep must be a multiple of tp", field="ep", value=cfg.ep)
    if cfg.ep < cfg.tp and cfg.tp % cfg.ep:
        raise InfeasibleError("ep must divide tp", field="ep", value=cfg.ep)
    if cfg.attn_dp and cfg.ep <= cfg.tp:
        raise InfeasibleError(
            "attention data parallelism needs ep > tp (ep/tp attention ranks)",
            field="attn_dp",
            value=f"tp={cfg.tp} ep={cfg.ep}",
        )
    if model.layers % cfg.pp:
        raise InfeasibleError("pp must divide the layers", field="pp", value=cfg.pp)
    if cfg.gpus and cfg.gpus != cfg.instance_gpus:
        raise InfeasibleError(
            f"an instance with tp={cfg.tp} pp={cfg.pp} ep={cfg.ep} has max(tp, ep)·pp = "
            f"{cfg.instance_gpus} GPUs; run more instances for more GPUs",
            field="gpus",
            value=cfg.gpus,
        )


class _Instance:
    """The per-step cost model of one instance (see the module docstring)."""

    def __init__(self, model: ModelArch, hw: HardwareView, cfg: InferenceConfig, eff: Efficiency):
        self.m, self.hw, self.cfg = model, hw, cfg
        self.r = _Rates.of(hw, eff, cfg.precision)
        self.n_gpus = cfg.instance_gpus
        self.d = cfg.attn_ranks
        self.stage_layers = model.layers // cfg.pp
        self.wb = cfg.precision.weight_bytes
        self.kvb = cfg.kv_bytes or (1.0 if self.wb < 2 else 2.0)
        self.ewb = cfg.expert_weight_bytes or self.wb
        self.expert_prec = expert_gemm_precision(hw, cfg.precision, self.ewb)
        self.expert_peak = hw.flops_per_s(self.expert_prec)
        arch = hw.architecture
        # the grouped-GEMM loss by the experts one GPU of a pipeline stage holds
        local_experts = model.experts / (cfg.instance_gpus / cfg.pp)
        self.expert_eff = eff.get("gemm_eff_max", arch, self.expert_prec) * float(
            grouped_gemm_share(eff.get("grouped_gemm_eff", arch, self.expert_prec), local_experts)
        )
        if is_dequantising(self.expert_prec, self.ewb):  # its own kernel, not the bf16 GEMM's
            self.expert_eff *= eff.get("mixed_gemm_eff", arch, self.expert_prec)
        self.expert_half = expert_ridge_tokens(
            self.expert_peak, self.expert_eff, self.ewb, self.r.bw
        )
        expert_total = model.moe_layers * model.experts * model.expert_params()
        self.dense_w = (model.total_params() - expert_total) * self.wb / (cfg.tp * cfg.pp)
        self.expert_w = expert_total * self.ewb / self.n_gpus
        self.weights = self.dense_w + self.expert_w
        self.kv_token_layer = self._kv_bytes_per_token_layer()
        self.max_batch = self._max_batch(eff)
        self._grid: tuple[list[float], list[float]] | None = None
        self._prefill: float | None = None

    # ---- memory --------------------------------------------------------------------------
    def _kv_bytes_per_token_layer(self) -> float:
        """KV bytes one GPU holds per cached token per layer (KV heads split over tp, never below
        one head; the MLA latent is replicated on every tp rank)."""
        m, tp = self.m, self.cfg.tp
        if m.attention == "mla":
            return m.kv_cache_elems_per_token_layer() * self.kvb
        return 2.0 * m.hd * max(m.kv / tp, 1.0) * self.kvb

    def _window_tokens(self, length: float) -> float:
        """Cached tokens summed over one stage's layers for a sequence of ``length`` tokens."""
        m = self.m
        windowed = m.window_layers / self.cfg.pp
        full = self.stage_layers - windowed
        return full * length + windowed * min(length, float(m.attn_window or length))

    def _max_batch(self, eff: Efficiency) -> int:
        cfg, hw = self.cfg, self.hw
        arch, prec = hw.architecture, cfg.precision
        reserve = eff.get("mem_reserve_bytes", arch, prec)
        frag = eff.get("mem_frag", arch, prec)
        free = hw.hbm_bytes / (1.0 + frag) - reserve - self.weights
        if free <= 0:
            raise InfeasibleError(
                f"weights need {self.weights / 1e9:.1f} GB per GPU; {hw.system_id} has "
                f"{hw.hbm_bytes / 1e9:.0f} GB",
                field="gpus",
                value=self.n_gpus,
            )
        per_request = self._window_tokens(cfg.isl + cfg.osl) * self.kv_token_layer
        cap = cfg.max_batch or MAX_BATCH
        batch = int(min(free // per_request, cap))
        if batch < 1:
            raise InfeasibleError("no room for one request's KV cache", field="isl", value=cfg.isl)
        return batch

    @property
    def kv_per_token(self) -> float:
        """KV bytes per cached token per GPU, over the layers of its stage (full-attention)."""
        return self.kv_token_layer * self.stage_layers

    # ---- one stage of one step ---------------------------------------------------------
    def _attention_s(self, decode: float, prefill: float, prompt: float) -> float:
        """Attention core of one layer on the busiest rank: decode (KV reads at the paged-KV
        kernel's share of HBM bandwidth, ``kv_mem_eff``, or FLOPs) then the prefill chunk (FLOPs
        over the causal prompt prefix)."""
        m, cfg, r = self.m, self.cfg, self.r
        heads = m.heads / cfg.tp
        ctx = cfg.isl + cfg.osl / 2.0
        per_layer_ctx = self._window_tokens(ctx) / self.stage_layers
        dqk, dv = m.decode_score_dims()
        dec_flops = 2.0 * heads * (dqk + dv) * per_layer_ctx * decode
        dec_bytes = decode * per_layer_ctx * self.kv_token_layer
        t_dec = max(dec_flops / r.attn_flops, dec_bytes / r.kv_bw) if decode > 0 else 0.0
        # a prompt token at position p attends to min(p, window) keys; mean over the prompt
        keys = self._window_tokens(prompt / 2.0) / self.stage_layers
        pqk, pv = m.attn_score_dims()
        return t_dec + 2.0 * heads * (pqk + pv) * keys * prefill / r.attn_flops

    def _moe_s(self, instance_tokens: float) -> float:
        """Routed experts of one MoE layer on one GPU: grouped GEMMs at tokens per expert."""
        m, r = self.m, self.r
        copies = instance_tokens * m.topk * m.imbalance_factor
        if copies <= 0:
            return 0.0
        per_expert = copies / m.experts
        stage_gpus = self.n_gpus / self.cfg.pp
        # an expert is read when at least one routed copy reaches it (Poisson arrivals)
        touched = 1.0 - math.exp(-per_expert)
        # each expert's GEMM runs at the efficiency of its own M, the tokens routed to it; a
        # grouped GEMM skips the experts no token reaches, so M is that of a touched expert and
        # the curve's weight-streaming floor is paid for the touched experts only
        m_run = per_expert / touched
        eff = self.expert_eff * m_run / (m_run + self.expert_half)
        flops = 2.0 * m.expert_params() * copies / stage_gpus
        layer_w = m.experts * m.expert_params() * self.ewb / stage_gpus
        return max(flops / (self.expert_peak * eff), layer_w * touched / r.bw)

    def _elementwise_s(self, tokens: float, instance_tokens: float, moe: bool) -> float:
        """Element-wise traffic of one layer on one GPU: the rank's activations, and for a MoE
        layer the routed copies this GPU holds (permute, activation, unpermute)."""
        m, r, h = self.m, self.r, self.m.hidden
        out = tokens * h * ACT_BYTES * r.elem_passes / self.cfg.tp
        if moe:
            copies = instance_tokens * m.topk * m.imbalance_factor / (self.n_gpus / self.cfg.pp)
            out += copies * (h + m.moe_ffn) * ACT_BYTES * r.moe_elem_passes
        return out / r.bw

    def _comm_s(self, tokens: float, moe: bool) -> float:
        """TP all-reduces and (with attention DP) the MoE dispatch and combine of one layer."""
        cfg, r, h = self.cfg, self.r, self.m.hidden
        out = 0.0
        if cfg.tp > 1:
            msg = tokens * h * ACT_BYTES
            wire = 2.0 * (cfg.tp - 1) / cfg.tp * msg
            ar = r.ar_latency + r.wire_s(wire, 0.0, cfg.tp <= self.hw.scaleup_domain_count)
            out += 2.0 * ar
        if moe and self.d > 1:
            dispatch = 1.0 if self.cfg.precision.is_low else ACT_BYTES
            per_gpu = tokens / cfg.tp * self.m.topk * h * (dispatch + ACT_BYTES)
            wire = per_gpu * (cfg.ep - 1) / cfg.ep
            out += r.wire_s(wire, 2.0, self.n_gpus <= self.hw.scaleup_domain_count)
        return out

    def stage_s(self, decode: float, prompt_share: float, arrivals: bool) -> float:
        """One stage of a scheduler step with ``decode`` requests per attention rank and
        ``prompt_share`` prefill tokens per decode token mixed in; ``arrivals``: requests arrive
        at random (server mode), so the ranks' prefill is unequal."""
        m, cfg, r = self.m, self.cfg, self.r
        prefill = decode * prompt_share
        # busiest rank: Poisson prompt arrivals (decode / osl per step) of isl tokens each
        spread = cfg.isl * math.sqrt(max(decode, 0.0) / cfg.osl) if prompt_share > 0 else 0.0
        z = math.sqrt(2.0 * math.log(self.d)) if self.d > 1 and arrivals else 0.0
        busiest_prefill = prefill + z * spread
        tokens = decode + busiest_prefill
        instance_tokens = self.d * (decode + prefill)
        tp = float(cfg.tp)
        attn_proj = r.gemm_s(m.attn_params(), tokens, tp, self.wb)
        attention = self._attention_s(decode, busiest_prefill, float(cfg.isl))
        dense = r.gemm_s(m.dense_mlp_params(), tokens, tp, self.wb)
        shared = m.shared_experts * m.expert_params() + m.hidden * m.experts
        moe_dense = r.gemm_s(shared, tokens, tp, self.wb)
        moe = self._moe_s(instance_tokens) if m.is_moe else 0.0
        moe_layers = m.moe_layers / cfg.pp
        dense_layers = self.stage_layers - moe_layers
        per_dense = attn_proj + attention + dense + self._comm_s(tokens, False)
        per_dense += self._elementwise_s(tokens, instance_tokens, False)
        per_moe = attn_proj + attention + moe_dense + moe + self._comm_s(tokens, True)
        per_moe += self._elementwise_s(tokens, instance_tokens, True)
        # logits for the decoded tokens and each finished prompt's first token (last stage)
        sampled = decode * (1.0 + 1.0 / cfg.osl)
        lm_head = r.gemm_s(float(m.vocab * m.hidden), sampled, tp, self.wb) / cfg.pp
        return dense_layers * per_dense + moe_layers * per_moe + lm_head

    def step_s(self, batch: float, arrivals: bool = False) -> float:
        """One scheduler step (one token for each of ``batch`` requests per attention rank)."""
        cfg, r = self.cfg, self.r
        micro = batch / cfg.pp
        host = r.overhead + r.per_request * batch
        return max(cfg.pp * self.stage_s(micro, cfg.isl / cfg.osl, arrivals), host)

    def idle_tpot_s(self) -> float:
        """Time per output token of a single request alone (no prefill mixed in)."""
        r = self.r
        gpu = self.cfg.pp * self.stage_s(1.0 / self.cfg.pp, 0.0, False)
        return max(gpu, r.overhead + r.per_request)  # host work overlaps the previous step

    def prefill_s(self) -> float:
        """Prefill of one request alone on one rank (its TTFT floor)."""
        cfg, m, r = self.cfg, self.m, self.r
        t = float(cfg.isl)
        tp = float(cfg.tp)
        attn = r.gemm_s(m.attn_params(), t, tp, self.wb) + self._attention_s(0.0, t, t)
        dense = r.gemm_s(m.dense_mlp_params(), t, tp, self.wb)
        shared = m.shared_experts * m.expert_params() + m.hidden * m.experts
        moe = r.gemm_s(shared, t, tp, self.wb) + (self._moe_s(t) if m.is_moe else 0.0)
        moe_layers = m.moe_layers / cfg.pp
        dense_layers = self.stage_layers - moe_layers
        dense_total = attn + dense + self._comm_s(t, False) + self._elementwise_s(t, t, False)
        moe_total = attn + moe + self._comm_s(t, True) + self._elementwise_s(t, t, True)
        per_layer = dense_layers * dense_total + moe_layers * moe_total
        lm_head = r.gemm_s(float(m.vocab * m.hidden), 1.0, tp, self.wb)
        return cfg.pp * per_layer + lm_head + r.overhead + r.per_request

    def server_step_s(self, batch: float) -> float:
        """``step_s(batch, arrivals=True)``, interpolated in log(batch) on a fixed grid of batch
        sizes (the queueing fixed point evaluates it many times)."""
        if self._grid is None:
            top = max(float(self.max_batch), 1.0)
            n = SERVER_GRID_POINTS
            xs = [math.log(top) * i / (n - 1) for i in range(n)] if top > 1 else [0.0]
            self._grid = (xs, [self.step_s(math.exp(x), True) for x in xs])
        xs, ys = self._grid
        x = math.log(min(max(batch, 1.0), float(self.max_batch)))
        i = min(max(bisect.bisect_right(xs, x) - 1, 0), len(xs) - 2) if len(xs) > 1 else 0
        if len(xs) == 1:
            return ys[0]
        t = (x - xs[i]) / (xs[i + 1] - xs[i])
        return ys[i] + t * (ys[i + 1] - ys[i])

    def cached_prefill_s(self) -> float:
        """``prefill_s()``, computed once."""
        if self._prefill is None:
            self._prefill = self.prefill_s()
        return self._prefill

    def latency_at(self, rate: float) -> tuple[float, float, float]:
        """(TTFT p99, TPOT p99, batch per rank) at ``rate`` requests/s per instance, by
        fixed-point on Little's law."""
        cfg = self.cfg
        rank_rate = rate / self.d
        slots = float(self.max_batch)
        prefill = self.cached_prefill_s()
        batch = 1.0
        ttft = step = self.server_step_s(batch)
        for _ in range(40):
            step = self.server_step_s(min(batch, slots))
            service = cfg.osl * step
            rho = min(rank_rate * service / slots, 0.9999)
            # Sakasegawa's M/M/c mean wait for a KV-cache slot, then the first (mixed) step
            wait = rho ** (math.sqrt(2.0 * (slots + 1.0)) - 1.0) / (slots * (1.0 - rho)) * service
            ttft = step + prefill + TTFT_WAIT_P99_FACTOR * wait
            new_batch = max(rank_rate * (ttft + service), 1.0)
            done = abs(new_batch - batch) <= 1e-9 * batch
            batch = new_batch
            if done:
                break
        return ttft, TPOT_P99_FACTOR * self.server_step_s(min(batch, slots)), batch


def closed_run_tokens_per_s(inst: _Instance, requests: int) -> float:
    """Output tokens/s of one instance over a closed run of ``requests`` equal requests, all
    queued at the start (trtllm-bench throughput with a zero-spread dataset).

    The running batch holds ``attn_ranks × max_batch`` requests; equal lengths keep them in step,
    so each one a finishing request frees goes to the next queued request and the run is a
    sequence of waves of osl steps: the full waves at the full batch, then the requests left
    over at a batch of only their number (the tail every request still waits for). Prefill is
    mixed into every wave's steps as in the steady state. Without the tail, a run of 3,000
    requests on an instance holding 2,692 at once (TensorRT-LLM's H100 gpt-oss DEP4 1000/1000)
    was predicted as 3,000/2,692 waves at the full batch, though its last 308 requests run a
    whole wave of 1,000 steps at 77 a rank.
    """
    capacity = inst.d * inst.max_batch
    full, left = divmod(requests, capacity)
    # the run's time per output step of a request: osl steps a wave, osl tokens a request
    wave_steps_s = full * inst.step_s(float(inst.max_batch))
    if left:
        wave_steps_s += inst.step_s(left / inst.d)
    return requests / wave_steps_s if wave_steps_s > 0 else 0.0


def _server_rate(inst: _Instance, offline: float) -> tuple[float, str]:
    """The largest request rate whose p99 latencies meet the limits (capped at server_load ×
    offline), and why it is 0 when it is."""
    cfg = inst.cfg
    floor_tpot = TPOT_P99_FACTOR * inst.idle_tpot_s()
    if floor_tpot > cfg.tpot_limit_s:
        return 0.0, (
            f"p99 TPOT of one request alone is {floor_tpot * 1e3:.1f} ms, above the "
            f"{cfg.tpot_limit_s * 1e3:g} ms limit"
        )
    floor_ttft = inst.cached_prefill_s() + inst.step_s(1.0)
    if floor_ttft > cfg.ttft_limit_s:
        return 0.0, (
            f"TTFT of one request alone is {floor_ttft * 1e3:.0f} ms, above the "
            f"{cfg.ttft_limit_s * 1e3:g} ms limit"
        )
    lo, hi = 0.0, inst.r.server_load * offline / cfg.osl
    for _ in range(40):  # to 1e-12 of the cap
        mid = (lo + hi) / 2.0
        t_first, t_token, batch = inst.latency_at(mid)
        ok = t_first <= cfg.ttft_limit_s and t_token <= cfg.tpot_limit_s and batch <= inst.max_batch
        lo, hi = (mid, hi) if ok else (lo, mid)
    return lo, ""


def predict_inference(
    model: ModelArch,
    hardware: HardwareView,
    cfg: InferenceConfig,
    efficiency: Efficiency | None = None,
    *,
    server: bool = True,
) -> InferencePrediction:
    """Throughput at maximum batch, server throughput under the latency limits (``server=False``
    skips that search), and latency at ``cfg.rate_req_per_s`` when given. InfeasibleError when
    the layout does not fit the model, or the weights or one request don't fit in memory."""
    _check_layout(model, cfg)
    inst = _Instance(model, hardware, cfg, efficiency or load_efficiency())
    b = float(inst.max_batch)
    step = inst.step_s(b)
    offline = inst.d * b / step
    run = closed_run_tokens_per_s(inst, cfg.requests) if cfg.requests else None
    rate, reason = _server_rate(inst, offline) if server else (0.0, "not computed")
    ttft: float | None = None
    tpot: float | None = None
    meets: bool | None = None
    if cfg.rate_req_per_s is not None:
        t1, t2, batch = inst.latency_at(cfg.rate_req_per_s)
        ttft, tpot = t1, t2 / TPOT_P99_FACTOR
        meets = t1 <= cfg.ttft_limit_s and t2 <= cfg.tpot_limit_s and batch <= b
    return InferencePrediction(
        gpus=inst.n_gpus,
        attn_ranks=inst.d,
        weights_bytes_per_gpu=inst.weights,
        kv_bytes_per_token_per_gpu=inst.kv_per_token,
        max_batch=inst.max_batch,
        prefill_s=inst.prefill_s(),
        decode_step_s=step,
        idle_tpot_s=inst.idle_tpot_s(),
        max_throughput_tokens_per_s=offline,
        run_tokens_per_s=run,
        server_tokens_per_s=rate * cfg.osl,
        max_rate_req_per_s=rate,
        ttft_s=ttft,
        tpot_s=tpot,
        meets_limits=meets,
        limit_reason=reason,
    )
