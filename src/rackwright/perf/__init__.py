"""LLM performance model: training step time and memory, inference serving, calibration.

Public API (the rest is internal):
- ``models.load_models() / resolve_model(spec) -> ModelArch``
- ``hardware.hardware_view(system_id, catalog) -> HardwareView``
- ``efficiency.load_efficiency(path=None) -> Efficiency``
- ``training.predict_training(model, hardware, ParallelConfig, efficiency) -> TrainingPrediction``
- ``train_core.evaluate(cfg, hw, model)``: the same arithmetic on arrays of configurations
- ``inference.predict_inference(model, hardware, InferenceConfig, efficiency)``
- ``reference.read_reference_file(csv) -> ReferenceFile`` (readable rows and, with reasons, the
  unreadable ones), ``reference.read_reference(csv)`` (strict), ``validate.validate_rows``,
  ``calibrate.calibrate``, ``calibrate.cross_validate`` (leave-one-source-out)
- ``reference.packaged_calibration_csv()`` / ``packaged_extra_csv() -> Path``: the published rows
  shipped here (the shipped efficiency.toml is fitted on both)
- ``validate.resolved_precision(row, hardware) -> (precision, chosen)``: an inference row's
  precision, the fastest the GPU has tensor cores for when the row states none
"""

from rackwright.perf.efficiency import Efficiency, load_efficiency
from rackwright.perf.hardware import HardwareView, hardware_view
from rackwright.perf.inference import InferenceConfig, InferencePrediction, predict_inference
from rackwright.perf.models import ModelArch, load_models, resolve_model
from rackwright.perf.training import ParallelConfig, TrainingPrediction, predict_training

__all__ = [
    "Efficiency",
    "HardwareView",
    "InferenceConfig",
    "InferencePrediction",
    "ModelArch",
    "ParallelConfig",
    "TrainingPrediction",
    "hardware_view",
    "load_efficiency",
    "load_models",
    "predict_inference",
    "predict_training",
    "resolve_model",
]
