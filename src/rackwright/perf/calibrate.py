"""Fit hardware/kernel efficiency parameters to published measurements, and cross-validate.

Procedure (deterministic, numpy only):
1. Candidate parameters are per GPU architecture (and GEMM precision class, or scale-out fabric)
   plus a few shared kernel constants; a parameter is fitted only when at least ``MIN_ROWS`` rows
   exercise it (the MoE ones only by MoE rows, ep_overlap only by expert-parallel rows, attn_eff
   by fused-attention rows and unfused_attn_eff by the others, so_eff only by jobs that leave the
   scale-up domain, keyed by their fabric: ``<arch>.so_eff`` on InfiniBand, ``default.roce.so_eff``
   on RoCE), so a single row can never pull its own knob. Rows never get parameters of their own.
   GEMM curves and attention efficiency are kernel figures identified on dense models only: a MoE
   row's residual (routing, dispatch, host-bound layers) goes to the MoE/EP parameters, not into
   the GEMM efficiency every dense model would inherit.
2. Training parameters are fitted on the training rows (all rows evaluated at once through the
   array core), then inference parameters (achieved HBM bandwidth of the weight stream and of
   decode attention's paged KV reads, and TP all-reduce latency per architecture, the
   grouped-expert and mixed-input (W4A16) kernel shares, the scheduler step overhead and the
   server-mode load factor) on the inference rows with the training ones fixed: inference GEMMs
   and attention run at the kernel efficiencies training identified.
3. The objective is the mean absolute log error plus 3 × the mean excess beyond 10 %, which
   favours a low mean without sacrificing the worst row, plus ``PRIOR_WEIGHT`` × the mean squared
   log distance of the fitted parameters from their priors (a MAP-style pull that keeps a
   parameter the rows barely identify near its engineering estimate instead of at a bound).
4. Bounded coordinate search in log space: each parameter is multiplied/divided by a step factor
   while that lowers the objective; the factor shrinks 1.5 → 1.01 geometrically (six levels).
   Bounds are efficiency.BOUNDS.

``cross_validate`` is leave-one-source-out: for each publication, fit on every other one from the
same starting point, then predict the held-out publication's rows. Its errors estimate how the
model does on measurements it has never seen; the in-sample errors do not.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rackwright.catalog.catalog import Catalog
from rackwright.perf import train_core
from rackwright.perf.efficiency import BOUNDS, Efficiency, Param
from rackwright.perf.hardware import HardwareView
from rackwright.perf.inference import expert_gemm_precision, is_dequantising
from rackwright.perf.reference import ReferenceRow
from rackwright.perf.training import HW_KEYS, cfg_arrays, hw_arrays, model_arrays, stack
from rackwright.perf.validate import (
    RowResult,
    predict_row,
    resolved_parallel,
    row_hardware,
    row_result,
)
from rackwright.precision import Precision

MIN_ROWS = 2
TRAIN_ARCH_PARAMS = ("tp_overlap", "dp_overlap", "layer_overhead_s")
TRAIN_PREC_PARAMS = ("gemm_eff_max", "gemm_dim_half")
TRAIN_SHARED = ("default.elem_passes",)
# exercised only by some rows: fused vs unfused attention, MoE layers, expert parallelism
TRAIN_MOE_ARCH = ("moe_floor_s",)
TRAIN_MOE_SHARED = ("default.moe_elem_passes",)
INFER_ARCH_PARAMS = ("mem_eff", "kv_mem_eff")
INFER_SHARED = ("default.step_overhead_s", "default.request_overhead_s")
STEP_START, STEP_END = 1.5, 1.01
STEP_LEVELS = math.ceil(math.log(math.log(STEP_START) / math.log(STEP_END), 2))
MAX_SWEEPS_PER_LEVEL = 8
PRIOR_WEIGHT = 0.01


@dataclass(frozen=True)
class FitProgress:
    """Where a fit stands: which stage, how many parameters on how many rows, how far."""

    stage: str  # "training" or "inference"
    params: int
    rows: int
    level: int  # step-size level done, of STEP_LEVELS
    sweeps: int  # coordinate sweeps so far in this stage
    objective: float

    @property
    def fraction(self) -> float:
        """Share of the stage's step-size schedule done (0..1)."""
        return min(self.level / STEP_LEVELS, 1.0)

    def describe(self) -> str:
        """One line for a progress display."""
        return (
            f"{self.stage}: {self.params} parameters on {self.rows} rows, sweep {self.sweeps}, "
            f"objective {self.objective:.4f}"
        )


Progress = Callable[[FitProgress], None]


def _objective(log_err: np.ndarray) -> float:
    a = np.abs(log_err)
    return float(np.mean(a) + 3.0 * np.mean(np.maximum(a - 0.10, 0.0)))


def _metric_from(out: dict[str, Any], row: ReferenceRow) -> np.ndarray:
    if row.metric in {"iter_time", "step_time"}:
        return np.asarray(out["step_s"])
    if row.metric == "hw_tflops_per_gpu":
        return np.asarray(out["hw_tflops_full_per_gpu" if row.flops_full else "hw_tflops_per_gpu"])
    if row.metric == "tflops_per_gpu":
        key = "model_tflops_full_per_gpu" if row.flops_full else "model_tflops_per_gpu"
        return np.asarray(out[key])
    return np.asarray(out["tokens_per_s_per_gpu"])


class _TrainBatch:
    """All training rows as one array batch for fast re-evaluation.

    Which parameter key each row reads depends only on which keys exist, so it is resolved once
    per key set; an evaluation then only gathers values (the result equals ``hw_arrays``).
    """

    def __init__(self, rows: list[ReferenceRow], hws: list[HardwareView], start: Efficiency):
        self.rows, self.hws = rows, hws
        # the layout validation predicts (recompute resolved once: memory is not fitted)
        pars = [resolved_parallel(r, h, start) for r, h in zip(rows, hws, strict=True)]
        self.cfg = stack([cfg_arrays(p, r.model) for p, r in zip(pars, rows, strict=True)])
        self.model = stack([model_arrays(r.model) for r in rows])
        self.measured = np.array([r.value for r in rows])
        self._keys: tuple[frozenset[str], dict[str, list[str]]] | None = None
        self._fixed: dict[str, np.ndarray] | None = None

    def _hw(self, eff: Efficiency) -> dict[str, np.ndarray]:
        names = frozenset(eff.params)
        if self._keys is None or self._keys[0] != names:
            pairs = list(zip(self.rows, self.hws, strict=True))
            resolved = {
                n: [eff.key_for(n, h.architecture, r.precision, h.fabric) for r, h in pairs]
                for n in HW_KEYS
            }
            self._keys = (names, resolved)
            full = stack([hw_arrays(h, eff, r.precision) for r, h in pairs])
            self._fixed = {k: v for k, v in full.items() if k not in HW_KEYS}
        assert self._fixed is not None
        out = dict(self._fixed)
        for name, keys in self._keys[1].items():
            out[name] = np.array([eff.params[k].value for k in keys])
        return out

    def keys_read(self, eff: Efficiency) -> set[str]:
        """The parameter keys the batch's predictions read under ``eff``'s key set."""
        self._hw(eff)
        assert self._keys is not None
        return {key for keys in self._keys[1].values() for key in keys}

    def log_err(self, eff: Efficiency) -> np.ndarray:
        out = train_core.evaluate(self.cfg, self._hw(eff), self.model)
        pred = np.array([_metric_from(out, r)[i] for i, r in enumerate(self.rows)])
        return np.asarray(np.log(np.maximum(pred, 1e-30) / self.measured))


def _train_keys(row: ReferenceRow, hw: HardwareView) -> list[str]:
    """The fittable keys one training row exercises."""
    assert row.parallel is not None
    arch, pc = hw.architecture, row.precision.klass.value
    keys = [f"{arch}.{n}" for n in TRAIN_ARCH_PARAMS] + list(TRAIN_SHARED)
    if row.precision.is_low:  # quantisation kernels differ between fp8 and fp4 recipes
        keys.append(f"default.{pc}.cast_passes")
    if row.gpus > hw.scaleup_domain_count:  # the job's collectives cross the scale-out fabric
        keys.append("default.roce.so_eff" if hw.fabric == "roce" else f"{arch}.so_eff")
    if row.model.is_moe:
        keys += [f"{arch}.{n}" for n in TRAIN_MOE_ARCH] + list(TRAIN_MOE_SHARED)
        keys.append(f"{arch}.{pc}.grouped_gemm_eff")
    else:
        keys += [f"{arch}.{pc}.{n}" for n in TRAIN_PREC_PARAMS]
        keys.append(f"{arch}.attn_eff" if row.parallel.flash else f"{arch}.unfused_attn_eff")
    if row.parallel.ep > 1:
        keys.append(f"{arch}.ep_overlap")
    return keys


def _infer_keys(row: ReferenceRow, hw: HardwareView) -> list[str]:
    """The fittable keys one inference row exercises (dense rows also identify the large-GEMM
    efficiency, MoE rows the grouped-GEMM share)."""
    arch, pc = hw.architecture, row.precision.klass.value
    keys = [f"{arch}.{n}" for n in INFER_ARCH_PARAMS] + list(INFER_SHARED)
    if row.model.is_moe:
        ewb = row.expert_weight_bytes or row.precision.weight_bytes
        expert = expert_gemm_precision(hw, row.precision, ewb)
        # a W4A16 kernel is fitted as its own figure, so it cannot drag the bf16 grouped GEMM
        # (which Hopper and, by lineage, Blackwell bf16 MoE training read) with it
        mixed = is_dequantising(expert, ewb)
        keys.append(
            f"{arch}.mixed_gemm_eff" if mixed else f"{arch}.{expert.klass.value}.grouped_gemm_eff"
        )
    else:
        keys.append(f"{arch}.{pc}.gemm_eff_max")
    if row.metric == "server_tokens_per_s":
        keys.append("default.server_load")
    if row.tp > 1:
        keys.append(f"{arch}.infer_ar_latency_s")
    return keys


def _candidates(
    pairs: Sequence[tuple[ReferenceRow, HardwareView]],
) -> dict[str, tuple[str, ...]]:
    """Fittable keys, each with the ids of the rows that exercise it."""
    users: dict[str, list[str]] = {}
    for row, hw in pairs:
        keys = _train_keys(row, hw) if row.kind == "train" else _infer_keys(row, hw)
        for key in keys:
            users.setdefault(key, []).append(row.id)
    return {k: tuple(ids) for k, ids in users.items() if len(ids) >= MIN_ROWS}


def _start_value(eff: Efficiency, key: str) -> float:
    parts = key.split(".")
    name, arch = parts[-1], parts[0]
    middle = parts[1] if len(parts) == 3 else ""
    if middle in {"infiniband", "roce"}:
        return eff.get(name, arch, Precision.BF16, middle)
    return eff.get(name, arch, Precision(middle) if middle else Precision.BF16)


@dataclass(frozen=True)
class _Recorder(Efficiency):
    """An Efficiency that notes every key a prediction reads."""

    seen: set[str] = field(default_factory=set)

    def key_for(self, name: str, arch: str, precision: Precision, fabric: str = "") -> str:
        key = super().key_for(name, arch, precision, fabric)
        self.seen.add(key)
        return key


class _InferSet:
    """The inference rows of a fit, their objective and the keys they read."""

    def __init__(self, pairs: list[tuple[ReferenceRow, HardwareView]]):
        self.pairs = pairs
        self.measured = np.array([r.value for r, _ in pairs])

    def loss(self, eff: Efficiency) -> float:
        pred = np.array([predict_row(r, h, eff)[0] for r, h in self.pairs])
        return _objective(np.log(pred / self.measured))

    def keys_read(self, eff: Efficiency) -> set[str]:
        rec = _Recorder(params=eff.params, origin=eff.origin)
        for r, h in self.pairs:
            predict_row(r, h, rec)
        return rec.seen


class _JointLoss:
    """Row-weighted objective over training and inference rows; a trial recomputes only the
    part whose predictions read the changed key."""

    def __init__(self, train: _TrainBatch | None, infer: _InferSet | None, eff: Efficiency):
        self.train, self.infer = train, infer
        self.train_keys = train.keys_read(eff) if train else set()
        self.infer_keys = infer.keys_read(eff) if infer else set()
        self.parts = (self._train(eff), self._infer(eff))

    def _train(self, eff: Efficiency) -> float:
        return _objective(self.train.log_err(eff)) if self.train else 0.0

    def _infer(self, eff: Efficiency) -> float:
        return self.infer.loss(eff) if self.infer else 0.0

    def total(self, parts: tuple[float, float], prior: float) -> float:
        n_t = len(self.train.rows) if self.train else 0
        n_i = len(self.infer.pairs) if self.infer else 0
        return (n_t * parts[0] + n_i * parts[1]) / max(n_t + n_i, 1) + PRIOR_WEIGHT * prior

    def trial(self, eff: Efficiency, key: str, prior: float) -> tuple[float, tuple[float, float]]:
        """(objective, parts) of ``eff``, which differs from the last accepted one in ``key``."""
        train = self._train(eff) if key in self.train_keys else self.parts[0]
        infer = self._infer(eff) if key in self.infer_keys else self.parts[1]
        return self.total((train, infer), prior), (train, infer)


@dataclass
class _Search:
    """State of one coordinate search (see the module docstring)."""

    keys: dict[str, tuple[str, ...]]
    note: str
    rows: int
    progress: Progress | None

    def run(self, eff: Efficiency, make_loss: Callable[[Efficiency], _JointLoss]) -> Efficiency:
        values = {key: _start_value(eff, key) for key in self.keys}
        self.priors = {key: max(v, 1e-12) for key, v in values.items()}
        current = eff
        for key, value in values.items():
            current = current.with_values({key: value}, self.keys[key], self.note)
        loss = make_loss(current)
        best = loss.total(loss.parts, self._prior(values))
        step, level, sweeps = STEP_START, 0, 0
        while step > STEP_END:
            for _ in range(MAX_SWEEPS_PER_LEVEL):
                improved, current, best = self._sweep(current, values, step, best, loss)
                sweeps += 1
                self._report(level, sweeps, best)
                if not improved:
                    break
            step = math.sqrt(step)
            level += 1
        self._report(STEP_LEVELS, sweeps, best)
        return current

    def _sweep(
        self,
        current: Efficiency,
        values: dict[str, float],
        step: float,
        best: float,
        loss: _JointLoss,
    ) -> tuple[bool, Efficiency, float]:
        improved = False
        for key in self.keys:
            lo, hi = BOUNDS[key.rsplit(".", 1)[-1]]
            for factor in (step, 1.0 / step):
                old = values[key]
                base = old if old > 0 else lo + 1e-9
                trial = min(max(base * factor, lo if lo > 0 else 1e-9), hi)
                if trial == old:
                    continue
                values[key] = trial
                cand = current.with_values({key: trial}, self.keys[key], self.note)
                value, parts = loss.trial(cand, key, self._prior(values))
                if value < best - 1e-9:
                    best, current, improved = value, cand, True
                    loss.parts = parts
                    break
                values[key] = old
        return improved, current, best

    def _prior(self, values: dict[str, float]) -> float:
        """Mean squared log distance of the values from the starting (prior) ones."""
        if not values:
            return 0.0
        logs = [math.log(max(v, 1e-12) / self.priors[k]) ** 2 for k, v in values.items()]
        return float(np.mean(logs))

    def _report(self, level: int, sweeps: int, best: float) -> None:
        if self.progress is not None:
            self.progress(FitProgress("fit", len(self.keys), self.rows, level, sweeps, best))


def calibrate_with(
    rows: Sequence[ReferenceRow],
    hws: Sequence[HardwareView],
    start: Efficiency,
    note: str,
    progress: Progress | None = None,
) -> Efficiency:
    """``calibrate`` with each row's hardware view already resolved (``hws[i]`` for
    ``rows[i]``); picklable inputs, for fits run on other processes."""
    pairs = list(zip(rows, hws, strict=True))
    train = [(r, h) for r, h in pairs if r.kind == "train" and r.parallel]
    infer = [(r, h) for r, h in pairs if r.kind == "infer" and _predictable(r, h, start)]
    used = train + infer
    if not used:
        return start
    keys = _candidates(used)

    def make_loss(eff: Efficiency) -> _JointLoss:
        batch = _TrainBatch([r for r, _ in train], [h for _, h in train], eff) if train else None
        return _JointLoss(batch, _InferSet(infer) if infer else None, eff)

    return _Search(keys, note, len(used), progress).run(start, make_loss)


def _predictable(row: ReferenceRow, hw: HardwareView, eff: Efficiency) -> bool:
    """Whether the model predicts the row at all (rows it reports unsupported are not fitted)."""
    return row_result(row, hw, eff).status == "ok"


def calibrate(
    rows: Sequence[ReferenceRow],
    start: Efficiency,
    note: str,
    catalog: Catalog,
    progress: Progress | None = None,
) -> Efficiency:
    """Efficiency parameters fitted to ``rows`` (see module docstring for the procedure)."""
    return calibrate_with(rows, [row_hardware(r, catalog) for r in rows], start, note, progress)


def fitted_params(before: Efficiency, after: Efficiency) -> dict[str, Param]:
    """The parameters calibration changed or added."""
    return {k: p for k, p in after.params.items() if before.params.get(k) != p}


@dataclass(frozen=True)
class Fold:
    """One leave-one-source-out fold: fit without ``source``, predict its rows."""

    source: str
    fit_rows: tuple[ReferenceRow, ...]
    fit_hws: tuple[HardwareView, ...]
    held_rows: tuple[ReferenceRow, ...]
    held_hws: tuple[HardwareView, ...]
    start: Efficiency


@dataclass(frozen=True)
class FoldResult:
    """The held-out source's rows predicted by a fit that never saw them."""

    source: str
    results: tuple[RowResult, ...]


def run_fold(fold: Fold) -> FoldResult:
    """Fit on the fold's rows, predict the held-out ones (a pure, picklable function)."""
    eff = calibrate_with(fold.fit_rows, fold.fit_hws, fold.start, f"without {fold.source}")
    results = tuple(
        row_result(r, h, eff) for r, h in zip(fold.held_rows, fold.held_hws, strict=True)
    )
    return FoldResult(fold.source, results)


def folds(
    rows: Sequence[ReferenceRow],
    start: Efficiency,
    catalog: Catalog,
    sources: Iterable[str] | None = None,
) -> list[Fold]:
    """One fold per publication (or per name in ``sources``), in first-seen order."""
    hws = [row_hardware(r, catalog) for r in rows]
    names = list(dict.fromkeys(r.group for r in rows)) if sources is None else list(sources)
    out = []
    for name in names:
        held = [i for i, r in enumerate(rows) if r.group == name]
        fit = [i for i, r in enumerate(rows) if r.group != name]
        out.append(
            Fold(name, tuple(rows[i] for i in fit), tuple(hws[i] for i in fit),
                 tuple(rows[i] for i in held), tuple(hws[i] for i in held), start)
        )  # fmt: skip
    return out


Mapper = Callable[[Callable[[Fold], FoldResult], Sequence[Fold]], Iterator[FoldResult]]


def cross_validate(
    rows: Sequence[ReferenceRow],
    start: Efficiency,
    catalog: Catalog,
    *,
    sources: Iterable[str] | None = None,
    mapper: Mapper | None = None,
    on_fold: Callable[[FoldResult], None] | None = None,
) -> list[FoldResult]:
    """Leave-one-source-out cross-validation (every source, or those named in ``sources``).

    ``mapper`` runs the folds (an executor's ``map``: processes, Ray); ``on_fold`` is called as
    each fold finishes.
    """
    tasks = folds(rows, start, catalog, sources)
    run = mapper or (lambda fn, items: map(fn, items))
    out = []
    for result in run(run_fold, tasks):
        out.append(result)
        if on_fold is not None:
            on_fold(result)
    return out
