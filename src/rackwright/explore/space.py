"""The parallelism design space, enumerated with numpy broadcasting instead of Python loops.

A configuration is (gpus, tp, pp, vpp, cp, ep, dp, zero, recompute, mbs, gbs). The structural
degrees (gpus, tp, pp, vpp, cp, ep) are crossed with ``np.meshgrid`` and filtered with masks that
mirror the array core's validity bits (degrees multiply to the GPU count, tp divides the heads,
pp·vpp divides the layers, ep divides the experts and the tp·cp·dp ranks, seq divides by 2·cp), so
the core never spends time on a configuration it would reject for its shape. Each surviving
structure is then crossed with every (zero, recompute, mbs) choice.

Pruning that is a modelling choice, not a validity rule (documented so a reader can undo it):
tensor parallelism stays inside one scale-up domain (tp <= domain size), as every published
large-scale recipe does; vpp > 1 only with pp > 1.

Global batch: the workload fixes a target number of sequences per step. A configuration whose
data-parallel ranks cannot each take one micro-batch within that target (dp·mbs > target) is
dropped: growing the batch to feed more ranks changes the training recipe, which is the user's
call (raise the batch tokens to search wider). The others round the target to whole micro-batches
per rank (a multiple of pp when the schedule is interleaved, which interleaved 1F1B needs), so the
batch stays within half a round (dp·mbs, times pp when interleaved) of the target.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

STRUCT_KEYS = ("gpus", "tp", "pp", "vpp", "cp", "ep", "dp")
CONFIG_KEYS = (*STRUCT_KEYS, "zero", "recompute", "mbs", "gbs")


def _powers_of_two(limit: int) -> tuple[int, ...]:
    out, value = [], 1
    while value <= limit:
        out.append(value)
        value *= 2
    return tuple(out)


@dataclass(frozen=True)
class SearchSpace:
    """The choices searched per degree; ``pp`` None means every divisor of the layer count."""

    tp: tuple[int, ...] = _powers_of_two(64)
    pp: tuple[int, ...] | None = None
    pp_max: int = 64
    vpp: tuple[int, ...] = (1, 2, 3, 4)
    cp: tuple[int, ...] = (1, 2, 4, 8)
    ep: tuple[int, ...] = _powers_of_two(256)
    zero: tuple[int, ...] = (0, 1, 2, 3)
    recompute: tuple[int, ...] = (0, 1, 2)
    mbs: tuple[int, ...] = (1, 2, 4)

    def pp_choices(self, layers: int) -> tuple[int, ...]:
        """Pipeline depths searched for a model with ``layers`` layers."""
        if self.pp is not None:
            return self.pp
        return tuple(d for d in range(1, min(layers, self.pp_max) + 1) if layers % d == 0)

    def size(self, layers: int, gpu_counts: int) -> int:
        """How many combinations the full Cartesian product holds (before any mask)."""
        return (
            gpu_counts
            * len(self.tp)
            * len(self.pp_choices(layers))
            * len(self.vpp)
            * len(self.cp)
            * len(self.ep)
            * len(self.zero)
            * len(self.recompute)
            * len(self.mbs)
        )


@dataclass(frozen=True)
class ModelShape:
    """The model figures validity depends on."""

    layers: int
    heads: int
    kv_heads: int
    experts: int


def structures(
    shape: ModelShape,
    gpu_counts: Sequence[int],
    space: SearchSpace,
    *,
    seq: int,
    scaleup_domain: int,
) -> dict[str, FloatArray]:
    """Every valid (gpus, tp, pp, vpp, cp, ep, dp), as float64 columns of equal length.

    Rules on one degree filter that axis first (tp divides the heads and fits the domain, cp
    divides the sequence, ep divides the experts, pp·vpp divides the layers), so the meshgrid
    crosses only survivors; the rules that tie degrees to the GPU count are masks on the cross.
    """
    tp = np.asarray(space.tp, dtype=np.int64)
    tp = tp[(shape.heads % tp == 0) & (shape.kv_heads % tp == 0) & (tp <= scaleup_domain)]
    cp = np.asarray(space.cp, dtype=np.int64)
    cp = cp[(cp == 1) | (seq % (2 * cp) == 0)]
    ep = np.asarray(space.ep, dtype=np.int64)
    ep = ep[shape.experts % ep == 0] if shape.experts > 0 else ep[ep == 1]
    pp_grid, vpp_grid = np.meshgrid(
        np.asarray(space.pp_choices(shape.layers), dtype=np.int64),
        np.asarray(space.vpp, dtype=np.int64),
        indexing="ij",
    )
    stage_ok = (shape.layers % (pp_grid * vpp_grid) == 0) & ((vpp_grid == 1) | (pp_grid > 1))
    pp, vpp = pp_grid[stage_ok], vpp_grid[stage_ok]
    gpus = np.asarray(gpu_counts, dtype=np.int64)
    g_i, t_i, s_i, c_i, e_i = (
        a.ravel()
        for a in np.meshgrid(
            np.arange(gpus.size),
            np.arange(tp.size),
            np.arange(pp.size),
            np.arange(cp.size),
            np.arange(ep.size),
            indexing="ij",
        )
    )
    cols = {"gpus": gpus[g_i], "tp": tp[t_i], "pp": pp[s_i], "vpp": vpp[s_i], "cp": cp[c_i]}
    cols["ep"] = ep[e_i]
    model_ranks = cols["tp"] * cols["pp"] * cols["cp"]
    ok = cols["gpus"] % model_ranks == 0
    cols["dp"] = cols["gpus"] // model_ranks
    if shape.experts > 0:
        ok &= (cols["tp"] * cols["cp"] * cols["dp"]) % cols["ep"] == 0
    return {key: cols[key][ok].astype(np.float64) for key in STRUCT_KEYS}


def expand(
    struct: dict[str, FloatArray], space: SearchSpace, *, target_sequences: float
) -> dict[str, FloatArray]:
    """Cross structures with every (zero, recompute, mbs), drop those whose dp·mbs exceeds the
    target batch, and set each configuration's gbs."""
    knobs = np.meshgrid(
        np.asarray(space.zero, dtype=np.float64),
        np.asarray(space.recompute, dtype=np.float64),
        np.asarray(space.mbs, dtype=np.float64),
        indexing="ij",
    )
    zero, recompute, mbs = (k.ravel() for k in knobs)
    n_struct, n_knob = len(struct["gpus"]), len(zero)
    cfg = {key: np.repeat(col, n_knob) for key, col in struct.items()}
    cfg["zero"] = np.tile(zero, n_struct)
    cfg["recompute"] = np.tile(recompute, n_struct)
    cfg["mbs"] = np.tile(mbs, n_struct)
    per_rank = cfg["dp"] * cfg["mbs"]
    fits_batch = np.flatnonzero(per_rank <= target_sequences)
    if fits_batch.size < per_rank.size:
        cfg = {key: col[fits_batch] for key, col in cfg.items()}
        per_rank = per_rank[fits_batch]
    quantum = np.where(cfg["vpp"] > 1, cfg["pp"], 1.0)
    microbatches = quantum * np.maximum(1.0, np.rint(target_sequences / (per_rank * quantum)))
    cfg["gbs"] = per_rank * microbatches
    return cfg


def chunks(
    struct: dict[str, FloatArray], space: SearchSpace, *, target_sequences: float, rows: int
) -> Iterator[dict[str, FloatArray]]:
    """Full configurations in blocks of about ``rows`` (cache-sized, so the core runs fast)."""
    per_struct = len(space.zero) * len(space.recompute) * len(space.mbs)
    step = max(1, rows // per_struct)
    n = len(struct["gpus"])
    for start in range(0, n, step):
        part = {key: col[start : start + step] for key, col in struct.items()}
        yield expand(part, space, target_sequences=target_sequences)
