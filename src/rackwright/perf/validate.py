"""Predict each published measurement and score the model: error per row and MAPE per kind.

Inference rows without a layout (MLPerf logs do not print tp or the instance count) get the
layout a submitter would pick: over tensor parallelism in the divisors of the row's GPUs that the
model's heads allow (and, for MoE models, expert parallelism with attention data parallelism over
such a divisor), instances = gpus / instance GPUs, the one with the best throughput for the row's
metric that fits; the chosen layout is reported with the row. Inference rows without a precision
get the one an MLPerf submitter would run: closed-division submitters may quantize as long as the
accuracy target holds (99 % / 99.9 % of the FP16/FP32 reference, MLPerf inference rules), so they
pick the fastest format the GPU has tensor cores for, fp4 before fp8 (``resolved_precision``); the
choice is reported with the layout. A training row with a pipeline but no stated virtual-pipeline
size runs with vpp = 1 (no interleaving, Megatron's default) and says so.

TFLOP/s metrics are predicted in the row's accounting: Megatron-LM's full attention (every key)
unless the row says ``flops = causal``. The accuracy of the shipped calibration, in sample and by
leave-one-source-out cross-validation, is in the README and perf/data/calibration_extra.md.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rackwright.catalog.catalog import Catalog
from rackwright.errors import RackwrightError
from rackwright.perf.efficiency import Efficiency
from rackwright.perf.hardware import HardwareView, hardware_view
from rackwright.perf.inference import InferenceConfig, predict_inference
from rackwright.perf.reference import INFER_METRICS, TRAIN_METRICS, ReferenceRow, UnreadableRow
from rackwright.perf.training import ParallelConfig, TrainingPrediction, predict_training
from rackwright.precision import Precision

CLEAR_OVERFLOW = 1.2
MLPERF_PRECISIONS = (Precision.FP4, Precision.FP8)  # fastest first


@dataclass(frozen=True)
class RowResult:
    """One row's prediction."""

    id: str
    kind: str
    metric: str
    measured: float | None
    predicted: float | None
    error_pct: float | None
    status: str  # "ok" or "unsupported"
    reason: str = ""
    layout: str = ""  # what the validator chose where the row is silent (layout, precision, vpp)
    group: str = ""  # the publication the row comes from
    moe: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON row shape of ``perf validate --json``."""
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "metric": self.metric,
            "measured": self.measured,
            "predicted": self.predicted,
            "error_pct": self.error_pct,
            "status": self.status,
            "source": self.group,
            "moe": self.moe,
        }
        if self.reason:
            out["reason"] = self.reason
        if self.layout:
            out["layout"] = self.layout
        return out


def row_hardware(row: ReferenceRow, catalog: Catalog) -> HardwareView:
    """The row's system, with the scale-out fabric the source names when it names one."""
    hw = hardware_view(row.system, catalog)
    return dataclasses.replace(hw, scaleout_fabric=row.fabric) if row.fabric else hw


def resolved_parallel(row: ReferenceRow, hw: HardwareView, eff: Efficiency) -> ParallelConfig:
    """The row's training layout, with the recompute it evidently used when the row is silent.

    A run whose selective-recompute memory clearly overflows the GPU (over ``CLEAR_OVERFLOW`` ×
    HBM: the memory model is good to about ±10 %) recomputed more, but only as many layers as it
    takes to fit (Megatron's recompute_num_layers): memory falls linearly with the recomputed
    share, rounded up to whole layers of a pipeline stage.
    """
    if row.parallel is None:
        raise ValueError("not a training row")
    par = row.parallel
    if row.recompute_known:
        return par
    need = predict_training(row.model, hw, par, eff, check_memory=False).memory_bytes
    if need["total_bytes"] <= CLEAR_OVERFLOW * hw.hbm_bytes:
        return par
    full = par.model_copy(update={"recompute": "full"})
    need_full = predict_training(row.model, hw, full, eff, check_memory=False).memory_bytes
    saved = need["total_bytes"] - need_full["total_bytes"]
    over = need["total_bytes"] - hw.hbm_bytes
    share = min(max(over / saved, 0.0), 1.0) if saved > 0 else 1.0
    stage_layers = math.ceil(row.model.layers / par.pp)
    share = max(math.ceil(share * stage_layers), 1) / stage_layers
    return full.model_copy(update={"recompute_fraction": share})


def resolved_precision(row: ReferenceRow, hw: HardwareView) -> tuple[Precision, bool]:
    """(precision, chosen): the row's, or for an inference row without one the fastest of
    MLPERF_PRECISIONS the hardware has tensor cores for (bf16 when it has neither)."""
    if row.precision_given or row.kind != "infer":
        return row.precision, False
    for prec in MLPERF_PRECISIONS:
        peak = {Precision.FP4: hw.fp4_flops_per_s, Precision.FP8: hw.fp8_flops_per_s}[prec]
        if peak:
            return prec, True
    return Precision.BF16, True


def training_metric(row: ReferenceRow, pred: TrainingPrediction) -> float:
    """The predicted value of a training row's metric, in the row's FLOP accounting."""
    if pred.step_s is None:
        raise ValueError("no step time")
    if row.metric in {"iter_time", "step_time"}:
        return pred.step_s
    if row.metric == "hw_tflops_per_gpu":
        value = pred.hw_tflops_full_per_gpu if row.flops_full else pred.hw_tflops_per_gpu
    elif row.metric == "tflops_per_gpu":
        value = pred.model_tflops_full_per_gpu if row.flops_full else pred.model_tflops_per_gpu
    else:
        value = pred.tokens_per_s_per_gpu
    return float(value or 0.0)


def _training_note(row: ReferenceRow) -> str:
    par = row.parallel
    if par is not None and par.pp > 1 and not row.vpp_given:
        return "vpp=1 (assumed: the row states no virtual-pipeline size)"
    return ""


def _predict_train(row: ReferenceRow, hw: HardwareView, eff: Efficiency) -> tuple[float, str]:
    if row.metric not in TRAIN_METRICS or row.parallel is None:
        raise ValueError(f"unsupported training metric {row.metric}")
    par = resolved_parallel(row, hw, eff)
    pred = predict_training(row.model, hw, par, eff, check_memory=False)
    return training_metric(row, pred), _training_note(row)


@dataclass(frozen=True)
class InferLayout:
    """An inference layout for a row: one instance's degrees and how many instances run."""

    tp: int
    pp: int
    ep: int
    instances: int

    def label(self) -> str:
        """Compact text, e.g. 'tp=2 x 4 instances' or 'ep=8 + attention DP x 1 instance'."""
        inst = "instance" if self.instances == 1 else "instances"
        if self.ep > self.tp:
            core = f"ep={self.ep} + attention DP over {self.ep // self.tp} ranks"
            core += f", tp={self.tp}" if self.tp > 1 else ""
        else:
            core = f"tp={self.tp}" + (f" ep={self.ep}" if self.ep > 1 else "")
        core += f" pp={self.pp}" if self.pp > 1 else ""
        return f"{core} x {self.instances} {inst}"


def concurrency_cap(row: ReferenceRow, lay: InferLayout) -> int:
    """Running requests per attention rank the row allows: its stated engine limit, and a run of
    ``requests`` requests spread over every rank of every instance never holds more than its
    share at once (0: no limit)."""
    caps = [row.max_batch] if row.max_batch else []
    if row.requests:
        ranks = max(lay.ep // lay.tp, 1) * lay.instances
        caps.append(max(math.ceil(row.requests / ranks), 1))
    return min(caps) if caps else 0


def _infer_value(
    row: ReferenceRow, hw: HardwareView, eff: Efficiency, lay: InferLayout, prec: Precision
) -> float:
    cfg = InferenceConfig(
        tp=lay.tp, pp=lay.pp, ep=lay.ep, precision=prec, isl=row.isl, osl=row.osl,
        kv_bytes=row.kv_bytes, expert_weight_bytes=row.expert_weight_bytes,
        max_batch=concurrency_cap(row, lay), ttft_limit_s=row.ttft_limit_s,
        tpot_limit_s=row.tpot_limit_s, requests=math.ceil(row.requests / lay.instances),
    )  # fmt: skip
    server = row.metric == "server_tokens_per_s"
    res = predict_inference(row.model, hw, cfg, eff, server=server)
    if server:
        return res.server_tokens_per_s * lay.instances
    offline = res.max_throughput_tokens_per_s
    if res.run_tokens_per_s is not None:  # a closed run of the row's requests, tail included
        offline = res.run_tokens_per_s
    if row.metric == "offline_tokens_per_s":
        return offline * lay.instances
    return offline / res.gpus


def candidate_layouts(row: ReferenceRow, hw: HardwareView) -> list[InferLayout]:
    """Layouts a submitter would try for a row that states none: tp over the divisors of the
    row's GPUs (inside the scale-up domain), and for MoE models ep with attention DP."""
    gpus = max(row.gpus, 1)
    divisors = [d for d in range(1, min(gpus, hw.scaleup_domain_count) + 1) if gpus % d == 0]
    out = [InferLayout(tp, 1, 1, gpus // tp) for tp in divisors]
    if row.model.is_moe:
        out += [
            InferLayout(1, 1, d, gpus // d)
            for d in divisors
            if d > 1 and row.model.experts % d == 0
        ]
    return out


def _stated_layout(row: ReferenceRow) -> InferLayout:
    instance = max(row.tp, row.ep) * row.pp
    return InferLayout(row.tp, row.pp, row.ep, max(row.gpus // instance, 1))


def _predict_infer(row: ReferenceRow, hw: HardwareView, eff: Efficiency) -> tuple[float, str]:
    """(value, what was chosen or "") for an inference row."""
    if row.metric not in INFER_METRICS:
        raise ValueError(f"unsupported inference metric {row.metric}")
    if row.isl <= 0 or row.osl <= 0:
        raise ValueError("the row states no isl/osl request lengths")
    prec, chosen = resolved_precision(row, hw)
    note = f"{prec} (chosen: fastest with tensor cores, the row gives no precision)"
    note = note if chosen else ""
    if row.layout_given or row.ep > 1:
        lay = _stated_layout(row)
        return _infer_value(row, hw, eff, lay, prec), note
    best: tuple[float, str] | None = None
    last_error: RackwrightError | None = None
    for lay in candidate_layouts(row, hw):
        try:
            value = _infer_value(row, hw, eff, lay, prec)
        except RackwrightError as exc:  # does not fit, or tp does not divide the heads
            last_error = exc
            continue
        if best is None or value > best[0]:
            label = f"{lay.label()} (chosen: best {row.metric})"
            best = (value, f"{label}; {note}" if note else label)
    if best is None:
        raise last_error or ValueError("no inference layout")
    return best


def predict_row(row: ReferenceRow, hw: HardwareView, eff: Efficiency) -> tuple[float, str]:
    """(the model's value of ``row.metric`` for the row's setup, what the validator chose)."""
    if row.kind == "train":
        return _predict_train(row, hw, eff)
    return _predict_infer(row, hw, eff)


def row_result(row: ReferenceRow, hw: HardwareView, eff: Efficiency) -> RowResult:
    """One row's prediction against its measurement (status 'unsupported' with the reason when
    the model cannot predict it)."""
    group, moe = row.group, row.model.is_moe
    try:
        pred, layout = predict_row(row, hw, eff)
    except (RackwrightError, ValueError) as exc:
        reason = str(exc).splitlines()[0]
        return RowResult(row.id, row.kind, row.metric, row.value, None, None, "unsupported",
                         reason, group=group, moe=moe)  # fmt: skip
    err = 100.0 * (pred - row.value) / row.value
    return RowResult(row.id, row.kind, row.metric, row.value, pred, err, "ok", "", layout,
                     group=group, moe=moe)  # fmt: skip


def validate_rows(
    rows: Sequence[ReferenceRow],
    eff: Efficiency,
    catalog: Catalog,
    progress: Callable[[], None] | None = None,
    unreadable: Sequence[UnreadableRow] = (),
) -> list[RowResult]:
    """Predict every row; a row the model cannot handle (or that could not be read) is kept
    with status 'unsupported' and its reason."""
    results: list[RowResult] = []
    for row in rows:
        try:
            hw = row_hardware(row, catalog)
        except RackwrightError as exc:
            results.append(
                RowResult(row.id, row.kind, row.metric, row.value, None, None, "unsupported",
                          exc.one_line(), group=row.group, moe=row.model.is_moe)
            )  # fmt: skip
        else:
            results.append(row_result(row, hw, eff))
        if progress is not None:
            progress()
    for bad in unreadable:
        results.append(
            RowResult(bad.id, bad.kind, bad.metric, None, None, None, "unsupported", bad.reason)
        )
    return results


def _stats(results: Sequence[RowResult]) -> dict[str, float | int | None]:
    errs = [abs(r.error_pct) for r in results if r.error_pct is not None]
    return {
        "n": len(errs),
        "mape_pct": float(np.mean(errs)) if errs else None,
        "max_abs_pct": float(np.max(errs)) if errs else None,
        "unsupported": sum(1 for r in results if r.status != "ok"),
    }


def summarize(results: Sequence[RowResult]) -> dict[str, dict[str, float | int | None]]:
    """MAPE and worst absolute error per kind over the supported rows; inference also split into
    dense and MoE models (their errors have different causes)."""
    infer = [r for r in results if r.kind == "infer"]
    return {
        "train": _stats([r for r in results if r.kind == "train"]),
        "infer": _stats(infer),
        "infer_dense": _stats([r for r in infer if not r.moe]),
        "infer_moe": _stats([r for r in infer if r.moe]),
    }
