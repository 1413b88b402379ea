"""Fit hardware/kernel efficiency parameters to published measurements.

Procedure (deterministic, numpy only):
1. Candidate parameters are per GPU architecture (and GEMM precision class) plus a few shared
   kernel constants; a parameter is fitted only when at least ``MIN_ROWS`` rows exercise it (the
   MoE ones only by MoE rows, ep_overlap only by expert-parallel rows, attn_eff by fused-attention
   rows and unfused_attn_eff by the others), so a single row can never pull its own knob. Rows
   never get parameters of their own. GEMM curves and attention efficiency are kernel figures
   identified on dense models only: a MoE row's residual (routing, dispatch, host-bound layers)
   goes to the MoE/EP parameters, not into the GEMM efficiency every dense model would inherit.
2. Training parameters are fitted on the training rows (all rows evaluated at once through the
   array core), then inference parameters on the inference rows with the training ones fixed.
3. The objective is the mean absolute log error plus 3 × the mean excess beyond 10 %, which
   favours a low mean without sacrificing the worst row.
4. Bounded coordinate search in log space: each parameter is multiplied/divided by a step factor
   while that lowers the objective; the factor shrinks 1.5 → 1.01 geometrically. Bounds are
   efficiency.BOUNDS.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from rackwright.catalog.catalog import Catalog
from rackwright.perf import train_core
from rackwright.perf.efficiency import BOUNDS, Efficiency, Param
from rackwright.perf.hardware import HardwareView, hardware_view
from rackwright.perf.reference import ReferenceRow
from rackwright.perf.training import cfg_arrays, hw_arrays, model_arrays, stack
from rackwright.perf.validate import predict_row, resolved_parallel
from rackwright.precision import Precision

MIN_ROWS = 2
TRAIN_ARCH_PARAMS = ("tp_overlap", "dp_overlap", "so_eff", "layer_overhead_s")
TRAIN_PREC_PARAMS = ("gemm_eff_max", "gemm_dim_half")
TRAIN_SHARED = ("default.elem_passes", "default.cast_passes")
# exercised only by some rows: fused vs unfused attention, MoE layers, expert parallelism
TRAIN_MOE_ARCH = ("moe_floor_s",)
TRAIN_MOE_SHARED = ("default.moe_elem_passes",)
INFER_PREC_PARAMS = ("decode_eff",)
INFER_SHARED = ("default.server_load",)


def _objective(log_err: np.ndarray) -> float:
    a = np.abs(log_err)
    return float(np.mean(a) + 3.0 * np.mean(np.maximum(a - 0.10, 0.0)))


def _metric_from(out: dict[str, Any], metric: str) -> np.ndarray:
    if metric in {"iter_time", "step_time"}:
        return np.asarray(out["step_s"])
    if metric == "hw_tflops_per_gpu":
        return np.asarray(out["hw_tflops_per_gpu"])
    if metric == "tflops_per_gpu":
        return np.asarray(out["model_tflops_per_gpu"])
    return np.asarray(out["tokens_per_s_per_gpu"])


class _TrainBatch:
    """All training rows as one array batch for fast re-evaluation."""

    def __init__(self, rows: list[ReferenceRow], hws: list[HardwareView], start: Efficiency):
        self.rows, self.hws = rows, hws
        # the layout validation predicts (recompute resolved once: memory is not fitted)
        pars = [resolved_parallel(r, h, start) for r, h in zip(rows, hws, strict=True)]
        self.cfg = stack([cfg_arrays(p, r.model) for p, r in zip(pars, rows, strict=True)])
        self.model = stack([model_arrays(r.model) for r in rows])
        self.measured = np.array([r.value for r in rows])
        self.metrics = [r.metric for r in rows]

    def log_err(self, eff: Efficiency) -> np.ndarray:
        hw = stack(
            [hw_arrays(h, eff, r.precision) for r, h in zip(self.rows, self.hws, strict=True)]
        )
        out = train_core.evaluate(self.cfg, hw, self.model)
        pred = np.array([_metric_from(out, m)[i] for i, m in enumerate(self.metrics)])
        return np.asarray(np.log(np.maximum(pred, 1e-30) / self.measured))


def _candidates(
    rows: list[ReferenceRow], hws: list[HardwareView], kind: str
) -> dict[str, tuple[str, ...]]:
    """Fittable keys, each with the ids of the rows that exercise it."""
    users: dict[str, list[str]] = {}
    for row, hw in zip(rows, hws, strict=True):
        pc = row.precision.klass.value
        keys: list[str]
        if kind == "train" and row.parallel is not None:
            arch = hw.architecture
            keys = [f"{arch}.{n}" for n in TRAIN_ARCH_PARAMS] + list(TRAIN_SHARED)
            if row.model.is_moe:
                keys += [f"{arch}.{n}" for n in TRAIN_MOE_ARCH] + list(TRAIN_MOE_SHARED)
            else:
                keys += [f"{arch}.{pc}.{n}" for n in TRAIN_PREC_PARAMS]
                attn = "attn_eff" if row.parallel.flash else "unfused_attn_eff"
                keys.append(f"{arch}.{attn}")
            if row.parallel.ep > 1:
                keys.append(f"{arch}.ep_overlap")
        else:
            keys = [f"{hw.architecture}.{pc}.{n}" for n in INFER_PREC_PARAMS] + list(INFER_SHARED)
            if row.tp > 1:
                keys.append(f"{hw.architecture}.infer_ar_latency_s")
        for key in keys:
            users.setdefault(key, []).append(row.id)
    return {k: tuple(ids) for k, ids in users.items() if len(ids) >= MIN_ROWS}


def _coordinate_search(
    eff: Efficiency,
    keys: dict[str, tuple[str, ...]],
    loss: Callable[[Efficiency], float],
    note: str,
    progress: Callable[[], None] | None,
) -> Efficiency:
    values = {}
    for key in keys:
        name = key.rsplit(".", 1)[-1]
        arch = key.split(".", 1)[0]
        pc = Precision(key.split(".")[1]) if key.count(".") == 2 else Precision.BF16
        values[key] = eff.get(name, arch, pc)
    current = eff
    for key, value in values.items():
        current = current.with_values({key: value}, keys[key], note)
    best = loss(current)
    step = 1.5
    while step > 1.01:
        improved = True
        while improved:
            improved = False
            for key in keys:
                lo, hi = BOUNDS[key.rsplit(".", 1)[-1]]
                for factor in (step, 1.0 / step):
                    old = values[key]
                    base = old if old > 0 else lo + 1e-9
                    trial = min(max(base * factor, lo if lo > 0 else 1e-9), hi)
                    if trial == old:
                        continue
                    values[key] = trial
                    cand = current.with_values({key: trial}, keys[key], note)
                    value = loss(cand)
                    if value < best - 1e-9:
                        best, current, improved = value, cand, True
                        break
                    values[key] = old
            if progress is not None:
                progress()
        step = math.sqrt(step)
    return current


def calibrate(
    rows: list[ReferenceRow],
    start: Efficiency,
    note: str,
    catalog: Catalog,
    progress: Callable[[], None] | None = None,
) -> Efficiency:
    """Efficiency parameters fitted to ``rows`` (see module docstring for the procedure)."""
    hws = [hardware_view(r.system, catalog) for r in rows]
    train = [(r, h) for r, h in zip(rows, hws, strict=True) if r.kind == "train" and r.parallel]
    infer = [(r, h) for r, h in zip(rows, hws, strict=True) if r.kind == "infer"]
    eff = start
    if train:
        t_rows, t_hws = [r for r, _ in train], [h for _, h in train]
        batch = _TrainBatch(t_rows, t_hws, eff)
        keys = _candidates(t_rows, t_hws, "train")
        eff = _coordinate_search(eff, keys, lambda e: _objective(batch.log_err(e)), note, progress)
    if infer:
        i_rows, i_hws = [r for r, _ in infer], [h for _, h in infer]
        keys = _candidates(i_rows, i_hws, "infer")

        def loss(e: Efficiency) -> float:
            pred = np.array([predict_row(r, h, e) for r, h in zip(i_rows, i_hws, strict=True)])
            return _objective(np.log(pred / np.array([r.value for r in i_rows])))

        eff = _coordinate_search(eff, keys, loss, note, progress)
    return eff


def fitted_params(before: Efficiency, after: Efficiency) -> dict[str, Param]:
    """The parameters calibration changed or added."""
    return {k: p for k, p in after.params.items() if before.params.get(k) != p}
