"""Thin adapter between the search and perf's scalar API (``rackwright.perf.training``).

The model and hardware inputs of the array core come from perf's own wrappers, so the search
feeds ``train_core.evaluate`` exactly what ``predict_training`` does; this module only adds the
configuration keys the search holds fixed, spelled the way ``training.cfg_arrays`` spells them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from rackwright.perf.efficiency import Efficiency, load_efficiency, prec_class
from rackwright.perf.hardware import PRECISIONS, HardwareView
from rackwright.perf.models import ModelArch
from rackwright.perf.training import hw_arrays, model_arrays


def is_low_precision(precision: str) -> bool:
    """Whether GEMMs run below 16 bits (fp8/fp4), which adds cast traffic in the core."""
    return precision.lower() in PRECISIONS and prec_class(precision) != "bf16"


def model_inputs(model: ModelArch) -> dict[str, float]:
    """The core's ``model`` keys (perf's ``training.model_arrays``)."""
    return model_arrays(model)


def hardware_inputs(
    hw: HardwareView, precision: str, efficiency: Efficiency | None = None
) -> dict[str, float]:
    """The core's ``hw`` keys (perf's ``training.hw_arrays``; peak 0 if the precision is missing).

    The core flags peak 0 with invalid bit 32, so such a system simply has no valid configuration.
    """
    return hw_arrays(hw, efficiency if efficiency is not None else load_efficiency(), precision)


def fixed_cfg_inputs(
    tp: NDArray[np.float64], seq: int, low_precision: bool
) -> dict[str, NDArray[np.float64] | float]:
    """Configuration keys the search does not vary, as ``training.cfg_arrays`` would set them.

    Sequence parallelism is on wherever tp > 1, flash attention and overlap are on, pipeline
    layouts are even, activations are 2 bytes.
    """
    return {
        "seq": float(seq),
        "sp": np.where(tp > 1, 1.0, 0.0),
        "flash": 1.0,
        "overlap": 1.0,
        "uneven": 0.0,
        "low_precision": 1.0 if low_precision else 0.0,
        "act_bytes": 2.0,
    }
