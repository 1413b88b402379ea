"""Inference: prefill and decode with continuous batching, KV capacity, latency and server rate.

One serving instance spans ``tp·pp`` GPUs (or ``ep`` GPUs for MoE expert parallelism, with
attention data-parallel when ``attn_dp``). Each scheduler step runs one decode token for every
running request plus the prefill tokens the continuous batcher mixes in (chunked prefill): on
average ``isl/osl`` prefill tokens per decode token. A step costs
``max(compute, weight + KV reads) + TP all-reduces + scheduler overhead``.

Server mode (MLPerf style) uses a queueing approximation: Little's law sets the running batch for
an arrival rate (B = λ·(TTFT + osl·TPOT)); a request waits for one of the KV-cache slots as in an
M/M/c queue (c = max batch, Sakasegawa's mean-wait formula) and p99 wait ≈ 3 × mean; TTFT adds
the request's own prefill and one step; TPOT p99 ≈ 1.15 × the mean step; and a fitted
``server_load`` caps the usable fraction of the offline capacity (Poisson arrivals leave batch
slots idle).
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from rackwright.errors import InfeasibleError
from rackwright.perf.efficiency import Efficiency, load_efficiency
from rackwright.perf.hardware import HardwareView
from rackwright.perf.models import ModelArch
from rackwright.precision import Precision, PrecisionField

TPOT_P99_FACTOR = 1.15
TTFT_WAIT_P99_FACTOR = 3.0
MAX_BATCH = 4096


class InferenceConfig(BaseModel):
    """One serving instance and its workload."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    gpus: int = Field(default=1, gt=0, description="GPUs of one instance")
    tp: int = Field(default=1, gt=0)
    pp: int = Field(default=1, gt=0)
    ep: int = Field(default=1, gt=0)
    attn_dp: bool = False
    precision: PrecisionField = Precision.FP8
    kv_bytes: float = Field(default=0.0, ge=0, description="0: 1 for fp8/fp4, else 2")
    isl: int = Field(default=1024, gt=0)
    osl: int = Field(default=256, gt=0)
    rate_req_per_s: float | None = Field(default=None, gt=0)
    ttft_limit_s: float = Field(default=2.0, gt=0)
    tpot_limit_s: float = Field(default=0.2, gt=0)


class InferencePrediction(BaseModel):
    """Predicted serving behaviour of one instance."""

    model_config = ConfigDict(frozen=True)

    weights_bytes_per_gpu: float
    kv_bytes_per_token_per_gpu: float
    max_batch: int
    prefill_s: float
    decode_step_s: float
    max_throughput_tokens_per_s: float
    server_tokens_per_s: float
    max_rate_req_per_s: float
    ttft_s: float | None = None
    tpot_s: float | None = None
    meets_limits: bool | None = None


class _Instance:
    """The per-step cost model of one instance."""

    def __init__(self, model: ModelArch, hw: HardwareView, cfg: InferenceConfig, eff: Efficiency):
        self.m, self.hw, self.cfg = model, hw, cfg
        arch, prec = hw.architecture, cfg.precision
        self.peak = hw.flops_per_s(prec)
        self.g = max(cfg.tp * cfg.pp, cfg.ep, cfg.gpus)
        self.eff_max = eff.get("gemm_eff_max", arch, prec) * eff.get("decode_eff", arch, prec)
        self.d_half = eff.get("gemm_dim_half", arch, prec)
        self.attn_eff = eff.get("attn_eff", arch, prec)
        self.bw = hw.hbm_bw_bytes_per_s * eff.get("mem_eff", arch, prec)
        self.overhead = eff.get("step_overhead_s", arch, prec)
        self.ar_lat = eff.get("infer_ar_latency_s", arch, prec)
        self.su_eff = eff.get("su_eff", arch, prec)
        self.su_half = eff.get("su_half_bytes", arch, prec)
        self.server_load = eff.get("server_load", arch, prec)
        reserve = eff.get("mem_reserve_bytes", arch, prec)
        frag = eff.get("mem_frag", arch, prec)
        wb = prec.weight_bytes
        expert_total = model.moe_layers * model.experts * model.expert_params()
        dense_total = model.total_params() - expert_total
        dense_split = cfg.pp if cfg.attn_dp else cfg.tp * cfg.pp
        self.dense_w = dense_total * wb / dense_split
        self.expert_w = expert_total * wb / max(cfg.ep, cfg.tp) / cfg.pp
        self.weights = self.dense_w + self.expert_w
        kvb = cfg.kv_bytes or (1.0 if wb < 2 else 2.0)
        heads_split = 1 if model.attention == "mla" else min(cfg.tp, model.kv)
        kv_split = self.g if cfg.attn_dp else heads_split * cfg.pp
        self.kv_per_token = model.kv_cache_elems_per_token() * kvb / kv_split
        free = hw.hbm_bytes / (1.0 + frag) - reserve - self.weights
        if free <= 0:
            raise InfeasibleError(
                f"weights need {self.weights / 1e9:.1f} GB per GPU; {hw.system_id} has "
                f"{hw.hbm_bytes / 1e9:.0f} GB",
                field="gpus",
                value=cfg.gpus,
            )
        per_request = self.kv_per_token * (cfg.isl + cfg.osl)
        self.max_batch = int(min(free // per_request, MAX_BATCH))
        if self.max_batch < 1:
            raise InfeasibleError("no room for one request's KV cache", field="isl", value=cfg.isl)

    def step_s(self, batch: float) -> float:
        """One scheduler step with ``batch`` decoding requests and mixed-in prefill."""
        m, cfg = self.m, self.cfg
        ctx = cfg.isl + cfg.osl / 2.0
        tokens = batch * (1.0 + cfg.isl / cfg.osl)
        matmul = m.matmul_params_per_token()
        eff = self.eff_max * tokens / (tokens + self.d_half)
        dqk, dv = m.attn_score_dims()
        attn_flops = (
            batch * (2.0 * m.layers * m.heads * (dqk + dv) * ctx) * (1.0 + cfg.isl / cfg.osl)
        )
        compute = 2.0 * matmul * tokens / (self.g * self.peak * eff) + attn_flops / (
            self.g * self.hw.bf16_flops_per_s * self.attn_eff
        )
        touched = 1.0
        if m.is_moe:
            touched = 1.0 - (1.0 - m.topk / m.experts) ** (tokens / max(self.g / max(cfg.ep, 1), 1))
        reads = self.dense_w + self.expert_w * touched + batch * ctx * self.kv_per_token
        memory = reads / self.bw
        tp_comm = 0.0
        if cfg.tp > 1 and not cfg.attn_dp:
            msg = tokens * m.hidden * 2.0
            tp_comm = (
                m.layers
                / cfg.pp
                * 2.0
                * (
                    self.ar_lat
                    + 2.0
                    * (cfg.tp - 1)
                    / cfg.tp
                    * msg
                    / (self.hw.scaleup_bw_bytes_per_s * self.su_eff * msg / (msg + self.su_half))
                )
            )
        return max(compute, memory) + tp_comm + self.overhead

    def prefill_s(self) -> float:
        """Prefill of one request alone (its TTFT floor)."""
        m, cfg = self.m, self.cfg
        t = float(cfg.isl)
        eff = self.eff_max * t / (t + self.d_half)
        dqk, dv = m.attn_score_dims()
        attn = 2.0 * m.layers * m.heads * (dqk + dv) * t * t / 2.0
        return (
            2.0 * m.matmul_params_per_token() * t / (self.g * self.peak * eff)
            + attn / (self.g * self.hw.bf16_flops_per_s * self.attn_eff)
            + self.weights / self.bw
            + self.overhead
        )

    def latency_at(self, rate: float) -> tuple[float, float, float]:
        """(TTFT p99, TPOT p99, batch) at ``rate`` requests/s, by fixed-point on Little's law."""
        cfg = self.cfg
        slots = float(self.max_batch)
        batch = 1.0
        ttft = step = self.step_s(batch)
        for _ in range(40):
            step = self.step_s(min(batch, slots))
            service = cfg.osl * step
            rho = min(rate * service / slots, 0.9999)
            # Sakasegawa's M/M/c mean wait for a KV-cache slot, then the first (mixed) step
            wait = rho ** (math.sqrt(2.0 * (slots + 1.0)) - 1.0) / (slots * (1.0 - rho)) * service
            ttft = step + self.prefill_s() + TTFT_WAIT_P99_FACTOR * wait
            batch = max(rate * (ttft + service), 1.0)
        return ttft, TPOT_P99_FACTOR * self.step_s(min(batch, slots)), batch


def predict_inference(
    model: ModelArch,
    hardware: HardwareView,
    cfg: InferenceConfig,
    efficiency: Efficiency | None = None,
) -> InferencePrediction:
    """Throughput at maximum batch, server throughput under the latency limits, and latency at
    ``cfg.rate_req_per_s`` when given. InfeasibleError when the weights or one request don't fit."""
    if model.heads % cfg.tp or (
        model.attention != "mla" and model.kv % cfg.tp and cfg.tp % model.kv
    ):
        raise InfeasibleError("tp must divide the attention heads", field="tp", value=cfg.tp)
    if model.is_moe and model.experts % cfg.ep:
        raise InfeasibleError("ep must divide the experts", field="ep", value=cfg.ep)
    if not model.is_moe and cfg.ep > 1:
        raise InfeasibleError("ep > 1 needs a MoE model", field="ep", value=cfg.ep)
    inst = _Instance(model, hardware, cfg, efficiency or load_efficiency())
    b = float(inst.max_batch)
    step = inst.step_s(b)
    offline = b / step
    # server: the largest rate whose p99 latencies meet the limits, capped at server_load·offline
    cap = inst.server_load * offline / cfg.osl
    lo, hi = 0.0, cap
    for _ in range(50):
        mid = (lo + hi) / 2.0
        t_first, t_token, batch = inst.latency_at(mid)
        ok = t_first <= cfg.ttft_limit_s and t_token <= cfg.tpot_limit_s and batch <= b
        lo, hi = (mid, hi) if ok else (lo, mid)
    ttft: float | None = None
    tpot: float | None = None
    meets: bool | None = None
    if cfg.rate_req_per_s is not None:
        t1, t2, batch = inst.latency_at(cfg.rate_req_per_s)
        ttft, tpot = t1, t2 / TPOT_P99_FACTOR
        meets = t1 <= cfg.ttft_limit_s and t2 <= cfg.tpot_limit_s and batch <= b
    return InferencePrediction(
        weights_bytes_per_gpu=inst.weights,
        kv_bytes_per_token_per_gpu=inst.kv_per_token,
        max_batch=inst.max_batch,
        prefill_s=inst.prefill_s(),
        decode_step_s=step,
        max_throughput_tokens_per_s=offline,
        server_tokens_per_s=lo * cfg.osl,
        max_rate_req_per_s=lo,
        ttft_s=ttft,
        tpot_s=tpot,
        meets_limits=meets,
    )
