"""One unit of search work: every configuration of one system over some GPU counts.

``run_task`` is a pure, picklable function of a ``SweepTask`` (plain numbers, no catalog), so any
executor (in-process, threads, Ray workers) runs it and gets the same ``SweepResult``. It
enumerates the space in cache-sized blocks, evaluates each block with perf's array core, drops
invalid and non-fitting rows (memory pruning), and keeps only the rows that can matter to the
caller: the best ``top_k`` per objective (time, cost, power, MFU) and the fastest configuration per
GPU count. For a fixed system and GPU count, cost is proportional to time, power is constant and
MFU is inversely proportional to time (the job's FLOPs are fixed), so the fastest configuration of
each GPU count dominates the others on every objective: the Pareto front over all configurations
is the front over these rows, and so is the best configuration within an MFU or cost bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from rackwright.explore.economics import Economics
from rackwright.explore.pareto import top_k
from rackwright.explore.perf_inputs import with_sequence_parallel
from rackwright.explore.space import CONFIG_KEYS, ModelShape, SearchSpace, chunks, structures
from rackwright.perf.train_core import evaluate
from rackwright.precision import Precision

FloatArray = NDArray[np.float64]

# Core outputs carried with each kept row.
METRIC_KEYS = ("step_s", "mfu", "mem_total_bytes", "tokens_per_s_per_gpu")
# Figures this package derives per row (mfu_loss = -MFU, so every objective is minimised).
DERIVED_KEYS = ("time_s", "cost_usd", "power_w", "systems", "mfu_loss")
ROW_KEYS = (*CONFIG_KEYS, *METRIC_KEYS, *DERIVED_KEYS)
OBJECTIVES = {"time": "time_s", "cost": "cost_usd", "power": "power_w", "mfu": "mfu_loss"}
# the Pareto front's axes: time to train, cost, facility power
PARETO_KEYS = ("time_s", "cost_usd", "power_w")


@dataclass(frozen=True)
class TrainingJob:
    """What is trained: token budget, sequence length, tokens per step and precision."""

    tokens: float
    seq: int
    batch_tokens: float
    precision: Precision
    low_precision: bool

    @property
    def target_sequences(self) -> float:
        """Sequences per optimizer step the batch size aims at."""
        return self.batch_tokens / self.seq


@dataclass(frozen=True)
class SweepTask:
    """Everything one worker needs: plain numbers only."""

    economics: Economics
    hw: dict[str, float]
    model: dict[str, float]
    fixed: dict[str, float]
    shape: ModelShape
    job: TrainingJob
    space: SearchSpace
    gpu_counts: tuple[int, ...]
    scaleup_domain: int
    top_k: int
    chunk_rows: int = 16384
    rack: str = ""


@dataclass(frozen=True)
class SweepResult:
    """Counts and the kept rows (columns ROW_KEYS) of one task."""

    system_id: str
    configs_enumerated: int
    configs_evaluated: int
    configs_valid: int
    rows: dict[str, FloatArray]
    rack: str = ""


def empty_rows() -> dict[str, FloatArray]:
    """A table with every ROW_KEYS column and no rows."""
    return {key: np.zeros(0) for key in ROW_KEYS}


def concat_rows(parts: list[dict[str, FloatArray]]) -> dict[str, FloatArray]:
    """Stack tables column by column."""
    if not parts:
        return empty_rows()
    return {key: np.concatenate([p[key] for p in parts]) for key in ROW_KEYS}


def take(rows: dict[str, FloatArray], idx: NDArray[np.intp]) -> dict[str, FloatArray]:
    """The rows at ``idx``."""
    return {key: col[idx] for key, col in rows.items()}


def keep_rows(rows: dict[str, FloatArray], k: int) -> NDArray[np.intp]:
    """Indices worth keeping: top ``k`` per objective and the fastest row of each GPU count.

    Ties break on time, then on memory (more headroom first), then on row order, so the choice
    is deterministic.
    """
    if rows["time_s"].shape[0] == 0:
        return np.zeros(0, dtype=np.intp)
    time, mem = rows["time_s"], rows["mem_total_bytes"]
    picks = [top_k(rows[col], k, time, mem) for col in OBJECTIVES.values()]
    for count in np.unique(rows["gpus"]):  # a task holds a few GPU counts: a short loop
        group = np.flatnonzero(rows["gpus"] == count)
        picks.append(group[top_k(time[group], 1, mem[group])])
    return np.unique(np.concatenate(picks))


def run_task(task: SweepTask) -> SweepResult:
    """Enumerate, evaluate and reduce one task (see module docstring)."""
    job = task.job
    struct = structures(
        task.shape, task.gpu_counts, task.space, seq=job.seq, scaleup_domain=task.scaleup_domain
    )
    steps_per_job = job.tokens / job.seq  # sequences in the whole job; / gbs gives steps
    kept: list[dict[str, FloatArray]] = []
    evaluated = valid = 0
    for cfg in chunks(
        struct, task.space, target_sequences=job.target_sequences, rows=task.chunk_rows
    ):
        out = evaluate(with_sequence_parallel(cfg, task.fixed), task.hw, task.model)
        evaluated += cfg["gpus"].shape[0]
        ok = np.flatnonzero(out["invalid"] == 0)
        if ok.size == 0:
            continue
        valid += ok.size
        rows = {key: cfg[key][ok] for key in CONFIG_KEYS}
        rows.update({key: np.asarray(out[key], dtype=np.float64)[ok] for key in METRIC_KEYS})
        rows["time_s"] = steps_per_job / rows["gbs"] * rows["step_s"]
        rows["cost_usd"] = task.economics.cost_usd(rows["gpus"], rows["time_s"])
        rows["power_w"] = task.economics.facility_power_w(rows["gpus"])
        rows["systems"] = task.economics.systems(rows["gpus"])
        rows["mfu_loss"] = -rows["mfu"]
        kept.append(take(rows, keep_rows(rows, task.top_k)))
    merged = concat_rows(kept)
    merged = take(merged, keep_rows(merged, task.top_k))
    return SweepResult(
        system_id=task.economics.system_id,
        configs_enumerated=task.space.size(task.shape.layers, len(task.gpu_counts)),
        configs_evaluated=evaluated,
        configs_valid=valid,
        rows=merged,
        rack=task.rack,
    )
