"""Scalar training API: typed inputs and results around the array core in train_core."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from rackwright.errors import InfeasibleError
from rackwright.perf import train_core
from rackwright.perf.efficiency import Efficiency, load_efficiency
from rackwright.perf.hardware import HardwareView
from rackwright.perf.models import ModelArch
from rackwright.precision import Precision, PrecisionField

ZERO_CODES = {"none": 0, "ddp": 0, "1": 1, "distopt": 1, "2": 2, "3": 3, "fsdp": 3}
RECOMPUTE_CODES = {"none": 0, "selective": 1, "full": 2}
HW_KEYS = (
    "gemm_eff_max", "gemm_dim_half", "attn_eff", "mem_eff", "layer_overhead_s", "tp_overlap",
    "dp_overlap", "ep_overlap", "su_eff", "su_latency_s", "su_half_bytes", "so_eff", "so_latency_s",
    "so_half_bytes", "elem_passes", "cast_passes", "mem_reserve_bytes", "mem_frag",
    "unfused_attn_eff", "moe_elem_passes", "moe_floor_s", "grouped_gemm_eff",
)  # fmt: skip


class ParallelConfig(BaseModel):
    """How a training job is laid out and run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    gpus: int = Field(gt=0)
    tp: int = Field(default=1, gt=0)
    pp: int = Field(default=1, gt=0)
    vpp: int = Field(default=1, gt=0)
    cp: int = Field(default=1, gt=0)
    ep: int = Field(default=1, gt=0)
    dp: int = Field(default=0, ge=0, description="0: gpus / (tp·pp·cp)")
    zero: Literal["none", "ddp", "1", "2", "3", "fsdp", "distopt"] = "distopt"
    gbs: int = Field(gt=0, description="global batch, sequences")
    mbs: int = Field(default=1, gt=0)
    seq: int = Field(default=0, ge=0, description="0: the model's default")
    recompute: Literal["none", "selective", "full"] = "selective"
    recompute_fraction: float = Field(
        default=1.0, gt=0, le=1, description="with full: share of layers recomputed"
    )
    sp: bool = True
    flash: bool = True
    overlap: bool = True
    uneven_pipeline: bool = False
    cp_comm: Literal["p2p", "allgather"] = Field(
        default="p2p",
        description="context-parallel K/V exchange: Megatron's ring of P2P sends hidden behind "
        "attention, or an all-gather before it (Llama 3), exposed",
    )
    precision: PrecisionField = Precision.BF16

    def resolved_dp(self) -> int:
        """Data-parallel degree (derived when not given)."""
        return self.dp or max(self.gpus // (self.tp * self.pp * self.cp), 1)

    def resolved(self, model: ModelArch) -> ParallelConfig:
        """A copy with the derived values filled in: dp and the sequence length used."""
        return self.model_copy(update={"dp": self.resolved_dp(), "seq": self.seq or model.seq})


class TrainingPrediction(BaseModel):
    """Predicted step of one training configuration (per GPU unless named otherwise)."""

    model_config = ConfigDict(frozen=True)

    fits: bool
    verdict: str
    step_s: float | None
    tokens_per_s_per_gpu: float | None
    model_tflops_per_gpu: float | None
    hw_tflops_per_gpu: float | None
    model_tflops_full_per_gpu: float | None
    hw_tflops_full_per_gpu: float | None
    mfu: float | None
    hfu: float | None
    flops_convention: str = (
        "model/hw TFLOP/s, MFU and HFU count causal attention (seq/2 keys per query, what a "
        "causal kernel computes); the *_full_* figures count every key, as Megatron-LM, NeMo and "
        "Megatron-Bridge report model TFLOP/s"
    )
    microbatches: float
    time_breakdown_s: dict[str, float]
    memory_bytes: dict[str, float]
    hbm_bytes: float


def model_arrays(model: ModelArch) -> dict[str, float]:
    """The model keys of train_core's contract."""
    dqk, dv = model.attn_score_dims()
    return {
        "layers": float(model.layers),
        "hidden": float(model.hidden),
        "heads": float(model.heads),
        "kv_heads": float(model.kv if model.attention != "mla" else model.heads),
        "dqk": dqk,
        "dv": dv,
        "ffn": float(model.ffn),
        "mlp_mats": float(model.mlp_mats),
        "vocab": float(model.vocab),
        "tied": 1.0 if model.tied_embeddings else 0.0,
        "experts": float(model.experts),
        "topk": float(model.topk),
        "moe_ffn": float(model.moe_ffn),
        "shared": float(model.shared_experts),
        "dense_layers": float(model.dense_layers),
        # with a capacity factor the busiest expert drops tokens beyond it
        "imbalance": float(
            min(model.imbalance_factor, model.capacity_factor)
            if model.capacity_factor > 0
            else model.imbalance_factor
        ),
        "attn_params": model.attn_params(),
        "kv_dim": model.kv_cache_elems_per_token() / model.layers,
        "window": float(model.attn_window),
        "window_frac": model.window_layers / model.layers if model.attn_window else 0.0,
    }


def hw_arrays(hw: HardwareView, eff: Efficiency, precision: Precision) -> dict[str, float]:
    """The hw keys of train_core's contract for ``precision`` (peak 0 when unsupported)."""
    try:
        peak = hw.flops_per_s(precision)
    except InfeasibleError:
        peak = 0.0
    out = {
        "peak_flops_per_s": peak,
        "bf16_flops_per_s": hw.bf16_flops_per_s,
        "hbm_bytes": hw.hbm_bytes,
        "hbm_bw_bytes_per_s": hw.hbm_bw_bytes_per_s,
        "su_bw_bytes_per_s": hw.scaleup_bw_bytes_per_s,
        "so_bw_bytes_per_s": hw.scaleout_bw_bytes_per_s,
        "su_domain": float(hw.scaleup_domain_count),
    }
    for key in HW_KEYS:
        out[key] = eff.get(key, hw.architecture, precision, hw.fabric)
    return out


def cfg_arrays(par: ParallelConfig, model: ModelArch) -> dict[str, float]:
    """The cfg keys of train_core's contract."""
    low = 1.0 if par.precision.is_low else 0.0
    return {
        "gpus": float(par.gpus),
        "tp": float(par.tp),
        "pp": float(par.pp),
        "vpp": float(par.vpp),
        "cp": float(par.cp),
        "ep": float(par.ep),
        "dp": float(par.resolved_dp()),
        "gbs": float(par.gbs),
        "mbs": float(par.mbs),
        "seq": float(par.seq or model.seq),
        "zero": float(ZERO_CODES[par.zero]),
        "recompute": float(RECOMPUTE_CODES[par.recompute]),
        "recompute_frac": float(par.recompute_fraction),
        "sp": 1.0 if par.sp and par.tp > 1 else 0.0,
        "flash": 1.0 if par.flash else 0.0,
        "overlap": 1.0 if par.overlap else 0.0,
        "uneven": 1.0 if par.uneven_pipeline else 0.0,
        "cp_allgather": 1.0 if par.cp_comm == "allgather" and par.cp > 1 else 0.0,
        "low_precision": low,
        "act_bytes": 2.0,
    }


def _reasons(code: int) -> list[str]:
    return [text for bit, text in train_core.INVALID_BITS.items() if code & bit]


def predict_training(
    model: ModelArch,
    hardware: HardwareView,
    parallel: ParallelConfig,
    efficiency: Efficiency | None = None,
    *,
    check_memory: bool = True,
) -> TrainingPrediction:
    """Predict one training step; InfeasibleError for impossible layouts.

    A layout that is valid but does not fit in memory returns ``fits=False`` with no time figures
    (``check_memory=False`` reports the figures anyway, for validation against published runs).
    """
    eff = efficiency or load_efficiency()
    cfg = cfg_arrays(parallel, model)
    hwa = hw_arrays(hardware, eff, parallel.precision)
    if hwa["peak_flops_per_s"] <= 0:
        hardware.flops_per_s(parallel.precision)  # raises the precise error
    out: dict[str, Any] = train_core.evaluate(cfg, hwa, model_arrays(model))
    code = int(out["invalid"])
    structural = code & ~256
    if structural:
        raise InfeasibleError(
            "; ".join(_reasons(structural)),
            field="parallel",
            value=(
                f"gpus={parallel.gpus} tp={parallel.tp} pp={parallel.pp} vpp={parallel.vpp} "
                f"cp={parallel.cp} ep={parallel.ep} dp={parallel.resolved_dp()} "
                f"gbs={parallel.gbs} mbs={parallel.mbs}"
            ),
        )
    fits = bool(out["fits"])
    total = float(out["mem_total_bytes"])
    verdict = (
        f"fits: {total / 1e9:.1f} GB of {hardware.hbm_bytes / 1e9:.0f} GB"
        if fits
        else f"does not fit: needs {total / 1e9:.1f} GB of {hardware.hbm_bytes / 1e9:.0f} GB"
    )
    show = fits or not check_memory

    def num(key: str) -> float | None:
        return float(out[key]) if show else None

    breakdown = (
        "compute_s", "bubble_s", "tp_comm_s", "cp_comm_s", "ep_comm_s", "pp_comm_s",
        "dp_comm_s", "dp_exposed_s", "optimizer_s",
    )  # fmt: skip
    memory = (
        "mem_weights_bytes", "mem_grads_bytes", "mem_optimizer_bytes",
        "mem_activations_bytes", "mem_total_bytes",
    )  # fmt: skip
    return TrainingPrediction(
        fits=fits,
        verdict=verdict,
        step_s=num("step_s"),
        tokens_per_s_per_gpu=num("tokens_per_s_per_gpu"),
        model_tflops_per_gpu=num("model_tflops_per_gpu"),
        hw_tflops_per_gpu=num("hw_tflops_per_gpu"),
        model_tflops_full_per_gpu=num("model_tflops_full_per_gpu"),
        hw_tflops_full_per_gpu=num("hw_tflops_full_per_gpu"),
        mfu=num("mfu"),
        hfu=num("hfu"),
        microbatches=float(out["microbatches"]),
        time_breakdown_s={k: float(out[k]) for k in breakdown} if show else {},
        memory_bytes={k.removeprefix("mem_"): float(out[k]) for k in memory},
        hbm_bytes=hardware.hbm_bytes,
    )


def stack(rows: list[dict[str, float]]) -> dict[str, np.ndarray]:
    """Turn per-config dicts into one dict of arrays (for train_core.evaluate on a batch)."""
    return {key: np.array([r[key] for r in rows], dtype=float) for key in rows[0]}
