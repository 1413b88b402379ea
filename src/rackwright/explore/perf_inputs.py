"""Thin adapter between the search and perf's scalar API (``rackwright.perf.training``).

The model and hardware inputs of the array core come from perf's own wrappers, so the search
feeds ``train_core.evaluate`` exactly what ``predict_training`` does; this module only adds the
configuration keys the search holds fixed, taken from ``training.cfg_arrays`` itself.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from rackwright.perf.efficiency import Efficiency, load_efficiency
from rackwright.perf.hardware import HardwareView
from rackwright.perf.models import ModelArch
from rackwright.perf.training import ParallelConfig, cfg_arrays, hw_arrays, model_arrays
from rackwright.precision import Precision

# Keys the search varies (space.CONFIG_KEYS) and the tp-dependent sequence-parallel switch.
VARIED_KEYS = frozenset(
    {"gpus", "tp", "pp", "vpp", "cp", "ep", "dp", "zero", "recompute", "mbs", "gbs", "sp"}
)


def model_inputs(model: ModelArch) -> dict[str, float]:
    """The core's ``model`` keys (perf's ``training.model_arrays``)."""
    return model_arrays(model)


def hardware_inputs(
    hw: HardwareView, precision: Precision, efficiency: Efficiency | None = None
) -> dict[str, float]:
    """The core's ``hw`` keys (perf's ``training.hw_arrays``; peak 0 if the precision is missing).

    The core flags peak 0 with invalid bit 32, so such a system simply has no valid configuration.
    """
    return hw_arrays(hw, efficiency if efficiency is not None else load_efficiency(), precision)


def fixed_cfg_inputs(model: ModelArch, seq: int, precision: Precision) -> dict[str, float]:
    """Configuration keys the search does not vary, exactly as ``training.cfg_arrays`` sets them.

    Taken from perf's own defaults (flash attention and overlap on, even pipeline layout, the
    precision's cast traffic), so a key perf adds later reaches the core with perf's default.
    Sequence parallelism depends on tp; ``with_sequence_parallel`` adds it per configuration.
    """
    defaults = ParallelConfig(gpus=1, gbs=1, seq=seq, precision=precision)
    base = cfg_arrays(defaults, model)
    return {key: value for key, value in base.items() if key not in VARIED_KEYS}


def with_sequence_parallel(
    cfg: dict[str, NDArray[np.float64]], fixed: dict[str, float]
) -> dict[str, NDArray[np.float64] | float]:
    """The core's full cfg: searched columns, fixed keys, and sp on wherever tp > 1 (as perf)."""
    return {**fixed, **cfg, "sp": np.where(cfg["tp"] > 1, 1.0, 0.0)}
