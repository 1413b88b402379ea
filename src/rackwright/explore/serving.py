"""Sizing an inference fleet: the best serving layout per system, and the GPUs a volume needs.

A small scalar search over perf's ``predict_inference`` (a handful of layouts per system, so no
vectorisation is needed): tensor parallelism 1..8 inside the scale-up domain, and for MoE models
expert parallelism with data-parallel attention. The layout with the most output tokens/s per GPU
at the workload's latency limits wins; the fleet is then as many instances as the daily volume
needs at that rate, running around the clock (assumption: flat demand; peak-to-mean headroom is
not included).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rackwright.errors import InfeasibleError
from rackwright.explore.economics import Economics
from rackwright.perf.efficiency import Efficiency
from rackwright.perf.hardware import HardwareView
from rackwright.perf.inference import InferenceConfig, predict_inference
from rackwright.perf.models import ModelArch
from rackwright.precision import Precision

SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True)
class ServingDemand:
    """An inference workload: volume, request shape, latency limits and precision."""

    daily_output_tokens: float
    isl: int
    osl: int
    ttft_limit_s: float
    tpot_limit_s: float
    precision: Precision

    @property
    def output_tokens_per_s(self) -> float:
        """Mean output rate the fleet must sustain."""
        return self.daily_output_tokens / SECONDS_PER_DAY


@dataclass(frozen=True)
class ServingPlan:
    """The chosen layout and the fleet it implies (estimates)."""

    system_id: str
    tp: int
    ep: int
    attn_dp: bool
    gpus_per_instance: int
    instance_tokens_per_s: float
    tokens_per_s_per_gpu: float
    instances: int
    gpus: int
    systems: int
    power_w: float
    cost_usd_per_day: float

    def layout(self) -> str:
        """Compact text of the serving layout."""
        n = self.gpus_per_instance
        gpus = f"{n} GPU" if n == 1 else f"{n} GPUs"
        if self.attn_dp:
            return f"ep{self.ep} + attention DP ({gpus} per instance)"
        return f"tp{self.tp} ({gpus} per instance)"


def serving_layouts(model: ModelArch, hw: HardwareView) -> list[tuple[int, int, bool]]:
    """(tp, ep, attn_dp) layouts tried on ``hw``."""
    limit = min(8, hw.scaleup_domain_count)
    layouts = []
    tp = 1
    while tp <= limit:
        if model.heads % tp == 0 and (
            model.attention == "mla" or model.kv % tp == 0 or tp % model.kv == 0
        ):
            layouts.append((tp, 1, False))
        tp *= 2
    if model.is_moe:
        ep = 2
        while ep <= min(hw.scaleup_domain_count, model.experts, 64):
            if model.experts % ep == 0:
                layouts.append((1, ep, True))
            ep *= 2
    return layouts


def best_serving(
    model: ModelArch,
    hw: HardwareView,
    economics: Economics,
    demand: ServingDemand,
    efficiency: Efficiency | None = None,
) -> ServingPlan:
    """The layout with the most tokens/s per GPU within the limits, and its fleet.

    InfeasibleError when no layout fits in memory and meets the latency limits.
    """
    best: tuple[float, int, int, bool, int, float] | None = None
    for tp, ep, attn_dp in serving_layouts(model, hw):
        gpus = max(tp, ep)
        cfg = InferenceConfig(
            gpus=gpus,
            tp=tp,
            ep=ep,
            attn_dp=attn_dp,
            precision=demand.precision,
            isl=demand.isl,
            osl=demand.osl,
            ttft_limit_s=demand.ttft_limit_s,
            tpot_limit_s=demand.tpot_limit_s,
        )
        try:
            pred = predict_inference(model, hw, cfg, efficiency)
        except InfeasibleError:
            continue
        if pred.server_tokens_per_s <= 0:
            continue
        per_gpu = pred.server_tokens_per_s / gpus
        if best is None or per_gpu > best[0]:
            best = (per_gpu, tp, ep, attn_dp, gpus, pred.server_tokens_per_s)
    if best is None:
        raise InfeasibleError(
            f"no serving layout of {model.id} on {hw.system_id} fits and meets "
            f"TTFT {demand.ttft_limit_s:g} s / TPOT {demand.tpot_limit_s:g} s",
            field="precision",
            value=demand.precision.value,
        )
    per_gpu, tp, ep, attn_dp, gpus, instance_rate = best
    instances = math.ceil(demand.output_tokens_per_s / instance_rate)
    fleet_gpus = instances * gpus
    systems = math.ceil(fleet_gpus / economics.gpus_per_system)
    return ServingPlan(
        system_id=hw.system_id,
        tp=tp,
        ep=ep,
        attn_dp=attn_dp,
        gpus_per_instance=gpus,
        instance_tokens_per_s=instance_rate,
        tokens_per_s_per_gpu=per_gpu,
        instances=instances,
        gpus=fleet_gpus,
        systems=systems,
        power_w=systems * economics.power_w * economics.pue_ratio,
        cost_usd_per_day=systems * economics.system_usd_per_s * SECONDS_PER_DAY,
    )
