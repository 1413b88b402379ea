"""Evaluation records: each measured benchmark beside the model's prediction for the same setup.

The throughput ratio is measured / predicted for throughput metrics and predicted / measured for
time metrics (a step that takes longer than predicted is less throughput), so 1.0 means the
delivered system met the prediction and 0.95 means it fell 5 % short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rackwright.perf.reference import ReferenceRow
from rackwright.perf.validate import RowResult

TIME_METRICS = frozenset({"iter_time", "step_time"})
METRIC_UNITS: dict[str, tuple[str, ...]] = {
    "iter_time": ("s",),
    "step_time": ("s",),
    "hw_tflops_per_gpu": ("TFLOP/s", "TFLOP/s/GPU"),
    "tflops_per_gpu": ("TFLOP/s", "TFLOP/s/GPU"),
    "tokens_per_s_per_gpu": ("tok/s/GPU", "tokens/s/GPU"),
    "output_tokens_per_s_per_gpu": ("tok/s/GPU", "tokens/s/GPU"),
    "offline_tokens_per_s": ("tok/s", "tokens/s"),
    "server_tokens_per_s": ("tok/s", "tokens/s"),
}


@dataclass(frozen=True)
class EvaluationRecord:
    """One benchmark run on a delivered system: measured, predicted, and their ratio."""

    id: str
    origin: str
    kind: str
    system: str
    gpus: int
    model: str
    metric: str
    unit: str
    measured: float
    predicted: float | None
    throughput_ratio: float | None
    status: str
    reason: str = ""
    layout: str = ""

    @property
    def error_pct(self) -> float | None:
        """Prediction error against the measurement, in percent."""
        if self.predicted is None:
            return None
        return 100.0 * (self.predicted - self.measured) / self.measured

    def to_json(self) -> dict[str, Any]:
        """JSON-able form."""
        return {**asdict(self), "error_pct": self.error_pct}


def throughput_ratio(metric: str, measured: float, predicted: float | None) -> float | None:
    """Delivered over predicted throughput (see the module docstring)."""
    if predicted is None or predicted <= 0 or measured <= 0:
        return None
    return predicted / measured if metric in TIME_METRICS else measured / predicted


def records_from(
    rows: Sequence[ReferenceRow],
    results: Sequence[RowResult],
    origins: Sequence[str],
    units: Sequence[str],
) -> tuple[EvaluationRecord, ...]:
    """Pair each parsed row with its prediction (``perf.validate.validate_rows`` order)."""
    out = []
    for row, result, origin, unit in zip(rows, results, origins, units, strict=True):
        out.append(
            EvaluationRecord(
                id=row.id,
                origin=origin,
                kind=row.kind,
                system=row.system,
                gpus=row.gpus,
                model=row.model.name,
                metric=row.metric,
                unit=unit,
                measured=row.value,
                predicted=result.predicted,
                throughput_ratio=throughput_ratio(row.metric, row.value, result.predicted),
                status=result.status,
                reason=result.reason,
                layout=result.layout,
            )
        )
    return tuple(out)
